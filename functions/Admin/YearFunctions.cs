using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Pps.Core.Definition;
using Pps.Core.Returns;
using Pps.Core.Storage;
using Pps.Functions.Http;
using Pps.Functions.Returns;

namespace Pps.Functions.Admin;

/// <summary>
/// A collection year: its window (anyone with access to the year may read it; NPPN opens it and moves its
/// dates), late returns for one service, and the completeness of the year (NPPN).
/// </summary>
public sealed class YearFunctions(CollectionWindowService window, CollectionYearStore years, ReturnService returns, PpsAuthenticator auth, TimeProvider clock)
{
    [Function("GetYear")]
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "years/{year:int}")] HttpRequest request, int year, CancellationToken ct)
    {
        var access = await auth.ForYearAsync(request, year, ct);
        if (access.Caller is not { } caller) return access.Denied!;
        var found = await years.GetAsync(year, ct);
        return found is not { } y
            ? Problems.NotFound($"The {year} collection has not been set up.")
            : new JsonResponse(StatusCodes.Status200OK, YearDocument.From(y.Year, y.ETag, clock.GetUtcNow(), caller.Actor.ServiceId)).WithHeader("ETag", y.ETag);
    }

    /// <summary>Every collection year set up so far, oldest first (NPPN's console picks one).</summary>
    [Function("ListYears")]
    public async Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "years")] HttpRequest request, CancellationToken ct)
    {
        var access = await auth.ForNppnAsync(request, ct);
        if (access.Caller is null) return access.Denied!;
        var now = clock.GetUtcNow();
        return new JsonResponse(StatusCodes.Status200OK, (await years.ListAsync(ct)).Select(y => YearDocument.From(y, null, now)).ToList());
    }

    /// <summary>Opens the year's window (no If-Match) or moves its dates (If-Match: the ETag read).</summary>
    [Function("SetYearWindow")]
    public async Task<IActionResult> SetWindow(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "years/{year:int}")] HttpRequest request, int year, CancellationToken ct)
    {
        var access = await auth.ForNppnAsync(request, ct);
        if (access.Caller is not { } caller) return access.Denied!;
        var body = await RequestBody.ReadJsonAsync<WindowRequest>(request, ct: ct);
        if (body.Value is not { } set) return body.Failure!;
        if (set.Opens is not { } opens || set.Closes is not { } closes)
        {
            return Problems.Invalid("Give both dates; nothing was saved.",
                new[] { ("opens", set.Opens), ("closes", set.Closes) }.Where(x => x.Item2 is null)
                    .Select(x => ValidationIssue.Error(x.Item1, "required", $"Give the {x.Item1 switch { "opens" => "opening", _ => "closing" }} date and time.")));
        }
        var ifMatch = ReturnResults.IfMatch(request);
        return YearResults.From(await window.SetWindowAsync(caller.Actor, year, new WindowChange(opens, closes, set.NationalServiceCount, set.Synthetic, set.MaxExtensionDays), ifMatch, ct), clock.GetUtcNow(), ifMatchMissing: ifMatch is null);
    }

    /// <summary>Lets one service return late, until the given time.</summary>
    [Function("GrantExtension")]
    public async Task<IActionResult> GrantExtension(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "years/{year:int}/extensions/{serviceId:int}")] HttpRequest request,
        int year, int serviceId, CancellationToken ct)
    {
        var access = await auth.ForNppnAsync(request, ct);
        if (access.Caller is not { } caller) return access.Denied!;
        var body = await RequestBody.ReadJsonAsync<ExtensionRequest>(request, ct: ct);
        if (body.Value is not { } grant) return body.Failure!;
        if (grant.Until is not { } until)
        {
            return Problems.Invalid("Give the date the extension runs to; nothing was saved.",
                [ValidationIssue.Error("until", "required", "Give the date and time until which the service may return late.")]);
        }
        return YearResults.From(await window.GrantExtensionAsync(caller.Actor, year, serviceId, until, ct), clock.GetUtcNow());
    }

    /// <summary>Takes one service's extension back: it closes with everyone else again.</summary>
    [Function("WithdrawExtension")]
    public async Task<IActionResult> WithdrawExtension(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "years/{year:int}/extensions/{serviceId:int}")] HttpRequest request,
        int year, int serviceId, CancellationToken ct)
    {
        var access = await auth.ForNppnAsync(request, ct);
        if (access.Caller is not { } caller) return access.Denied!;
        return YearResults.From(await window.WithdrawExtensionAsync(caller.Actor, year, serviceId, ct), clock.GetUtcNow());
    }

    /// <summary>Every service with the state of its return, and the totals as Tables A and B show them.</summary>
    [Function("GetCompleteness")]
    public async Task<IActionResult> Completeness(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "years/{year:int}/completeness")] HttpRequest request, int year, CancellationToken ct)
    {
        var access = await auth.ForNppnAsync(request, ct);
        if (access.Caller is null) return access.Denied!;
        var report = await returns.CompletenessAsync(year, ct);
        return report is null
            ? Problems.NotFound($"The {year} collection has not been set up.")
            : new JsonResponse(StatusCodes.Status200OK, CompletenessDocument.From(report));
    }
}
