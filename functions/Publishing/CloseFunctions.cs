using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Pps.Core.Catalogue;
using Pps.Core.Publishing;
using Pps.Functions.Http;

namespace Pps.Functions.Publishing;

/// <summary>
/// NPPN's close and publish now: what it would leave out (GET), then the close itself (POST), which publishes the final
/// set even while extensions run, ending the ones NPPN confirmed.
/// </summary>
public sealed class CloseFunctions(CloseNowService closing, ServiceCatalogue services, PpsAuthenticator auth)
{
    [Function("PreviewClose")]
    public async Task<IActionResult> Preview(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "years/{year:int}/close")] HttpRequest request, int year, CancellationToken ct)
    {
        var access = await auth.ForNppnAsync(request, ct);
        if (access.Caller is null) return access.Denied!;
        var preview = await closing.PreviewAsync(year, ct);
        return preview is null
            ? Problems.NotFound($"The {year} collection has not been set up.")
            : new JsonResponse(StatusCodes.Status200OK, ClosePreviewDocument.From(preview));
    }

    [Function("CloseAndPublish")]
    public async Task<IActionResult> Close(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "years/{year:int}/close")] HttpRequest request, int year, CancellationToken ct)
    {
        var access = await auth.ForNppnAsync(request, ct);
        if (access.Caller is not { } caller) return access.Denied!;
        var body = await RequestBody.ReadJsonAsync<CloseRequest>(request, optional: true, ct: ct);
        if (body.Failure is { } failure) return failure;
        var outcome = await closing.CloseAndPublishAsync(caller.Actor, year, body.Value?.EndExtensions ?? [], ct);
        return outcome switch
        {
            CloseNowOutcome.Published p => new JsonResponse(StatusCodes.Status200OK, CloseDocument.From(year, "published", p.Manifest, p.LeftOut, p.Ended, services)),
            CloseNowOutcome.BeingPublished b => new JsonResponse(StatusCodes.Status202Accepted, CloseDocument.From(year, "publishing", null, b.LeftOut, b.Ended, services)),
            CloseNowOutcome.Refused r => Problems.Of(StatusCodes.Status409Conflict, "This cannot be done now.", r.Message,
                new Dictionary<string, object?> { ["preview"] = r.Preview is null ? null : ClosePreviewDocument.From(r.Preview) }),
            CloseNowOutcome.Forbidden f => Problems.Forbidden(f.Message),
            CloseNowOutcome.NotFound n => Problems.NotFound(n.Message),
            _ => throw new InvalidOperationException($"Unhandled outcome {outcome.GetType().Name}."),
        };
    }
}

public sealed class CloseRequest
{
    /// <summary>The services whose running extensions the close ends: exactly those the preview listed (none: leave it out).</summary>
    public IReadOnlyList<int>? EndExtensions { get; set; }
}

public sealed record ServiceAtDocument(int ServiceId, string Name, DateTimeOffset? At);

/// <summary>What a close now would do: <c>canClose</c>, or <c>refusal</c> saying why not.</summary>
public sealed record ClosePreviewDocument(
    int Year, CollectionState State, DateTimeOffset Closes, bool CanClose, string? Refusal, int ReturnsCounted,
    IReadOnlyList<ServiceAtDocument> DraftsLeftOut, IReadOnlyList<ServiceAtDocument> SubmittedNotCounting, int NotStarted,
    IReadOnlyList<ServiceAtDocument> OpenExtensions)
{
    public static ClosePreviewDocument From(ClosePreview p) => new(
        p.Year, p.State, p.Closes, p.CanClose, p.Refusal, p.ReturnsCounted, Services(p.DraftsLeftOut), Services(p.SubmittedNotCounting), p.NotStarted,
        Services(p.OpenExtensions));

    internal static List<ServiceAtDocument> Services(IEnumerable<ServiceAt> list) => list.Select(s => new ServiceAtDocument(s.ServiceId, s.Name, s.At)).ToList();
}

public sealed record EndedExtensionDocument(int ServiceId, string Name, DateTimeOffset Until, DateTimeOffset EndedAt, string EndedBy);

/// <summary>What a close did: the version published (null while another run publishes it), the returns it counts, what it left out.</summary>
public sealed record CloseDocument(
    int Year, string Status, string? Version, int ReturnsCounted, IReadOnlyList<ServiceAtDocument> DraftsLeftOut,
    IReadOnlyList<ServiceAtDocument> SubmittedNotCounting, int NotStarted, IReadOnlyList<EndedExtensionDocument> ExtensionsEnded)
{
    public static CloseDocument From(int year, string status, Manifest? manifest, ClosePreview leftOut, IReadOnlyList<EndedExtension> ended, ServiceCatalogue services) => new(
        year, status, manifest?.Version, manifest?.Returns ?? leftOut.ReturnsCounted, ClosePreviewDocument.Services(leftOut.DraftsLeftOut),
        ClosePreviewDocument.Services(leftOut.SubmittedNotCounting), leftOut.NotStarted,
        ended.Select(e => new EndedExtensionDocument(e.ServiceId, services.NameOf(e.ServiceId), e.Until, e.EndedAt, e.EndedBy)).ToList());
}
