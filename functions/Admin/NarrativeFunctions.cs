using Azure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Pps.Core.Publishing;
using Pps.Core.Storage;
using Pps.Functions.Http;
using Pps.Functions.Returns;

namespace Pps.Functions.Admin;

/// <summary>
/// NPPN's narrative for a year's report: the places in the report with the Markdown NPPN wrote for each (GET), and
/// saving it (PUT, If-Match the ETag read; none the first time). Published with the year's next set (the close, or a
/// recompute of a published year).
/// </summary>
public sealed class NarrativeFunctions(NarrativeStore narratives, CollectionYearStore years, PpsAuthenticator auth)
{
    [Function("GetNarrative")]
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "years/{year:int}/narrative")] HttpRequest request, int year, CancellationToken ct)
    {
        var access = await auth.ForNppnAsync(request, ct);
        if (access.Caller is null) return access.Denied!;
        if (await years.GetRecentAsync(year, ct) is null) return Problems.NotFound($"The {year} collection has not been set up.");
        var stored = await narratives.ReadAsync(year, ct);
        var document = NarrativeDocument.From(year, stored?.Narrative, stored?.ETag);
        var response = new JsonResponse(StatusCodes.Status200OK, document);
        return document.ETag is { } etag ? response.WithHeader("ETag", etag) : response;
    }

    [Function("SaveNarrative")]
    public async Task<IActionResult> Save(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "years/{year:int}/narrative")] HttpRequest request, int year, CancellationToken ct)
    {
        var access = await auth.ForNppnAsync(request, ct);
        if (access.Caller is not { } caller) return access.Denied!;
        var body = await RequestBody.ReadJsonAsync<NarrativeRequest>(request, ct: ct);
        if (body.Value is not { } given) return body.Failure!;
        if (given.Sections is null)
        {
            return Problems.Invalid("Give the narrative's sections; nothing was saved.",
                [Core.Definition.ValidationIssue.Error("sections", "required", "Give the text of each place in the report, by its id (an empty text leaves the place without one).")]);
        }
        var ifMatch = ReturnResults.IfMatch(request) is { } header ? new ETag(header) : (ETag?)null;
        return await narratives.SaveAsync(caller.Actor, year, given.Sections, ifMatch, ct) switch
        {
            NarrativeOutcome.Saved saved => new JsonResponse(StatusCodes.Status200OK, NarrativeDocument.From(year, saved.Narrative, saved.ETag))
                .WithHeader("ETag", saved.ETag.ToString("H")),
            NarrativeOutcome.Invalid invalid => Problems.Invalid(invalid.Summary, invalid.Issues),
            NarrativeOutcome.Forbidden forbidden => Problems.Forbidden(forbidden.Message),
            NarrativeOutcome.NoYear missing => Problems.NotFound(missing.Message),
            NarrativeOutcome.Conflict conflict => Problems.Of(StatusCodes.Status412PreconditionFailed, "The narrative has changed.", conflict.Message,
                new Dictionary<string, object?> { ["current"] = NarrativeDocument.From(year, conflict.Current, conflict.CurrentETag) }),
            var other => throw new InvalidOperationException(other.GetType().Name),
        };
    }
}

/// <summary>The body of a save: the Markdown for each place in the report, by its id.</summary>
public sealed record NarrativeRequest(Dictionary<string, string?>? Sections);

/// <summary>One place in the report where NPPN writes, with what it wrote there (empty when nothing).</summary>
public sealed record NarrativePlaceDocument(string Id, string Title, string Where, string Markdown);

/// <summary>A year's narrative as the console edits it: every place in the report's order, the limit, who saved it last and when.</summary>
public sealed record NarrativeDocument(int Year, IReadOnlyList<NarrativePlaceDocument> Places, int MaxLength, DateTimeOffset? UpdatedAt, string? UpdatedBy, string? ETag)
{
    public static NarrativeDocument From(int year, YearNarrative? narrative, ETag? etag) => new(year,
        ReportNarrative.Places.Select(p => new NarrativePlaceDocument(p.Id, p.Title, p.Where, narrative?.Sections.GetValueOrDefault(p.Id) ?? "")).ToList(),
        ReportNarrative.MaxSectionLength, narrative?.UpdatedAt, narrative?.UpdatedBy, etag?.ToString("H"));
}
