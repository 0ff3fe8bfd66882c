using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Pps.Core.Publishing;
using Pps.Functions.Http;

namespace Pps.Functions.Publishing;

/// <summary>NPPN's recompute and rollback of a year's published figures. Service credentials get 403.</summary>
public sealed class PublishingFunctions(YearCloser closer, Publisher publisher, PpsAuthenticator auth)
{
    /// <summary>Every version written for the year, newest first, and which ones the final and provisional manifests point at.</summary>
    [Function("ListPublishedVersions")]
    public async Task<IActionResult> Versions(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "years/{year:int}/published")] HttpRequest request, int year, CancellationToken ct)
    {
        var access = await auth.ForNppnAsync(request, ct);
        if (access.Caller is null) return access.Denied!;
        return new JsonResponse(StatusCodes.Status200OK, await publisher.VersionsAsync(year, ct));
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
