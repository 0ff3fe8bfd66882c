using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Pps.Core.Publishing;
using Pps.Functions.Http;

namespace Pps.Functions.Publishing;

/// <summary>NPPN's recompute and rollback of a year's published figures, the versions written, and its reading of
/// provisional sets. Service credentials get 403.</summary>
public sealed partial class PublishingFunctions(YearCloser closer, Publisher publisher, PpsAuthenticator auth)
{
    /// <summary>
    /// A file of a provisional set, by the path its manifest lists ("2013/manifest-provisional.json",
    /// "2013/versions/{version}/manifest.json", "2013/objects/{sha256}.json", ...). Provisional sets live in a private container that
    /// the public website cannot serve: this, with the admin token, is how NPPN reads them.
    /// </summary>
    [Function("GetProvisionalFile")]
    public async Task<IActionResult> Provisional(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "provisional/{*path}")] HttpRequest request, string? path, CancellationToken ct)
    {
        var access = await auth.ForNppnAsync(request, ct);
        if (access.Caller is null) return access.Denied!;
        if (path is null || !ProvisionalPath().IsMatch(path))
        {
            return Problems.NotFound($"\"{path}\" is not a file of a provisional set: give a path its manifest lists, such as 2013/manifest-provisional.json.");
        }
        var content = await publisher.ReadFileAsync(Manifest.Provisional, path, ct);
        return content is null
            ? Problems.NotFound($"There is no provisional file {path}.")
            : new FileResponse(content.ToArray(), path.EndsWith(".csv", StringComparison.Ordinal) ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
                Path.GetFileName(path));
    }

    /// <summary>A year folder, then folder and file names of letters, digits, '-', '_' and '.': never "..".</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"^\d{4}/([A-Za-z0-9_-][A-Za-z0-9._-]*/)*[A-Za-z0-9_-][A-Za-z0-9._-]*\.(json|csv)$")]
    private static partial System.Text.RegularExpressions.Regex ProvisionalPath();

    /// <summary>Every version written for the year, newest first, and which ones the final and provisional manifests point at.</summary>
    [Function("ListPublishedVersions")]
    public async Task<IActionResult> Versions(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "years/{year:int}/published")] HttpRequest request, int year, CancellationToken ct)
    {
        var access = await auth.ForNppnAsync(request, ct);
        if (access.Caller is null) return access.Denied!;
        return new JsonResponse(StatusCodes.Status200OK, await publisher.VersionsAsync(year, ct));
    }

    /// <summary>One version's manifest, provisional ones too: NPPN looks at a recompute before anyone else can.</summary>
    [Function("GetPublishedVersion")]
    public async Task<IActionResult> Version(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "years/{year:int}/published/{version}")] HttpRequest request,
        int year, string version, CancellationToken ct)
    {
        var access = await auth.ForNppnAsync(request, ct);
        if (access.Caller is null) return access.Denied!;
        var manifest = await publisher.VersionAsync(year, version, ct);
        return manifest is null
            ? Problems.NotFound($"There is no version {version} of the {year} figures.")
            : new JsonResponse(StatusCodes.Status200OK, manifest);
    }

    /// <summary>One figure of a version as published (the JSON the site reads), provisional ones too.</summary>
    [Function("GetPublishedFigure")]
    public async Task<IActionResult> Figure(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "years/{year:int}/published/{version}/figures/{figureId}")] HttpRequest request,
        int year, string version, string figureId, CancellationToken ct)
    {
        var access = await auth.ForNppnAsync(request, ct);
        if (access.Caller is null) return access.Denied!;
        var manifest = await publisher.VersionAsync(year, version, ct);
        var file = manifest?.Files.FirstOrDefault(f => f.Kind == "figure" && f.FigureId == figureId);
        var content = file is null ? null : await publisher.VersionFileAsync(manifest!, file, ct);
        return content is null
            ? Problems.NotFound($"Version {version} of the {year} figures has no figure {figureId}.")
            : new RawJsonResponse(content);
    }

    [Function("RecomputeNational")]
    public async Task<IActionResult> Recompute(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "years/{year:int}/recompute")] HttpRequest request, int year, CancellationToken ct)
    {
        var access = await auth.ForNppnAsync(request, ct);
        if (access.Caller is null) return access.Denied!;
        var outcome = await closer.RecomputeOnRequestAsync(year, ct);
        return outcome switch
        {
            { Result: CloseOutcome.NotFound } => Problems.NotFound($"The {year} collection has not been set up."),
            { Manifest: null } => Problems.Conflict($"Another run is publishing {year} right now; try again in a minute."),
            { Manifest: { } manifest } => new JsonResponse(StatusCodes.Status200OK, PublishedVersionDocument.From(manifest, outcome.ReturnsLocked)),
        };
    }

    [Function("RollBackPublished")]
    public async Task<IActionResult> RollBack(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "years/{year:int}/published/{version}/restore")] HttpRequest request,
        int year, string version, CancellationToken ct)
    {
        var access = await auth.ForNppnAsync(request, ct);
        if (access.Caller is null) return access.Denied!;
        try
        {
            var manifest = await closer.RollBackAsync(year, version, ct);
            return manifest is null
                ? Problems.NotFound($"The {year} collection has not been set up.")
                : new JsonResponse(StatusCodes.Status200OK, PublishedVersionDocument.From(manifest, 0));
        }
        catch (KeyNotFoundException e)
        {
            return Problems.NotFound(e.Message);
        }
        catch (InvalidOperationException e)
        {
            return Problems.Conflict(e.Message);
        }
    }
}

/// <summary>What a recompute or rollback answers: the version and what it contains.</summary>
public sealed record PublishedVersionDocument(int Year, string Version, string Status, string Manifest, int Returns, int ReturnsLocked, int Files, IReadOnlyList<string> Figures)
{
    public static PublishedVersionDocument From(Manifest manifest, int returnsLocked) => new(
        manifest.Year, manifest.Version, manifest.Status, PublishedPaths.VersionManifest(manifest.Year, manifest.Version), manifest.Returns, returnsLocked,
        manifest.Files.Count, manifest.Files.Where(f => f.Kind == "figure").Select(f => f.FigureId).ToList());
}

/// <summary>JSON already serialised (a published file), written as it is.</summary>
public sealed class RawJsonResponse(BinaryData content) : IActionResult
{
    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        await response.Body.WriteAsync(content.ToMemory(), context.HttpContext.RequestAborted);
    }
}
