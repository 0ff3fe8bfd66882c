using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Pps.Core.Catalogue;
using Pps.Core.Returns;
using Pps.Functions.Http;

namespace Pps.Functions.Admin;

/// <summary>A collection year's window as the API shows it.</summary>
public sealed record YearDocument(
    int Year, CollectionState State, DateTimeOffset Opens, DateTimeOffset Closes, DateTimeOffset? ClosedAt, DateTimeOffset? PublishedAt,
    int NationalServiceCount, IReadOnlyDictionary<string, DateTimeOffset> Extensions, string? ETag, IReadOnlyList<string> Synthetic)
{
    /// <summary>
    /// For a service's caller: whether it may write its return now (its window, with any extension, by the
    /// server's clock), so the form never judges the window by the browser's clock. Null for NPPN.
    /// </summary>
    public bool? AcceptsWrites { get; init; }

    /// <summary>Extensions NPPN ended by closing and publishing while they ran: service, until, when and by whom.</summary>
    public IReadOnlyList<EndedExtension> EndedExtensions { get; init; } = [];

    /// <summary>How many days past the closing date an extension may run (NPPN sets it with the dates).</summary>
    public int MaxExtensionDays { get; init; }

    /// <summary>The latest an extension may run to: <see cref="MaxExtensionDays"/> after the closing date.</summary>
    public DateTimeOffset LatestExtension { get; init; }

    /// <param name="onlyService">For a service's caller: show its own extension only, and whether it may write now.</param>
    /// <remarks>Each extension is shown as it applies: up to <see cref="LatestExtension"/>, however long it was granted.</remarks>
    public static YearDocument From(CollectionYear y, string? etag, DateTimeOffset now, int? onlyService = null) => new(
        y.Year, y.StateAt(now), y.Opens, y.Closes, y.ClosedAt, y.PublishedAt, y.NationalServiceCount,
        y.Extensions.Where(kv => onlyService is null || kv.Key == onlyService).OrderBy(kv => kv.Key)
            .ToDictionary(kv => kv.Key.ToString(CultureInfo.InvariantCulture), kv => y.ClosesFor(kv.Key)),
        etag, y.SyntheticParts)
    {
        AcceptsWrites = onlyService is { } id ? y.AcceptsServiceWritesAt(id, now) : null,
        EndedExtensions = y.EndedExtensions.Where(e => onlyService is null || e.ServiceId == onlyService).ToList(),
        MaxExtensionDays = y.MaxExtensionDays,
        LatestExtension = y.LatestExtension,
    };
}

public sealed class WindowRequest
{
    public DateTimeOffset? Opens { get; set; }
    public DateTimeOffset? Closes { get; set; }
    /// <summary>The denominator of Tables A and B; by default the year's national count (150 since 2010).</summary>
    public int? NationalServiceCount { get; set; }
    /// <summary>The parts of the year's returns that are synthetic (a demo or test collection): "self-assessment", "additional-data". Omit to leave unchanged.</summary>
    public IReadOnlyList<string>? Synthetic { get; set; }
    /// <summary>How many days past the closing date NPPN may extend a service's window (0-365; 28 for a new year). Omit to leave unchanged.</summary>
    public int? MaxExtensionDays { get; set; }
}

public sealed class ExtensionRequest
{
    public DateTimeOffset? Until { get; set; }
}

public sealed record ServiceCompletenessDocument(
    int ServiceId, string Name, string? Region, ReturnState State, int Revision, DateTimeOffset? UpdatedAt, string? UpdatedBy,
    DateTimeOffset? SubmittedAt, DateTimeOffset ClosesFor, IReadOnlyList<IssueDocument> UnconfirmedWarnings);

public sealed record CompletenessDocument(
    int Year, CollectionState State, DateTimeOffset Opens, DateTimeOffset Closes, int NationalServiceCount,
    IReadOnlyDictionary<string, int> ByState, IReadOnlyList<ParticipationTotal> Totals, IReadOnlyList<ServiceCompletenessDocument> Services)
{
    public static CompletenessDocument From(CompletenessReport r) => new(
        r.Year, r.State, r.Opens, r.Closes, r.NationalServiceCount,
        r.ByState.ToDictionary(kv => JsonNamingPolicy.KebabCaseLower.ConvertName(kv.Key.ToString()), kv => kv.Value),
        r.Totals,
        r.Services.Select(s => new ServiceCompletenessDocument(s.ServiceId, s.Name, s.Region, s.State, s.Revision, s.UpdatedAt, s.UpdatedBy,
            s.SubmittedAt, s.ClosesFor, s.UnconfirmedWarnings.Select(IssueDocument.From).ToList())).ToList());
}

public static class YearResults
{
    /// <param name="ifMatchMissing">The write needed an If-Match header and none was sent (428 rather than 412).</param>
    public static JsonResponse From(YearOutcome outcome, DateTimeOffset now, bool ifMatchMissing = false) => outcome switch
    {
        YearOutcome.Done d => new JsonResponse(d.Created ? StatusCodes.Status201Created : StatusCodes.Status200OK, YearDocument.From(d.Year, d.ETag, now))
            .WithHeader("ETag", d.ETag),
        YearOutcome.Invalid i => Problems.Invalid(i.Summary, i.Issues),
        YearOutcome.Conflict c when ifMatchMissing && c.Current is not null => Problems.Of(StatusCodes.Status428PreconditionRequired,
            "Send the version you read.", "This collection year exists already: send its ETag in an If-Match header to change it.", Current(c, now)),
        YearOutcome.Conflict c => Problems.Of(StatusCodes.Status412PreconditionFailed, "The collection year was changed since you read it.", c.Message, Current(c, now)),
        YearOutcome.Forbidden f => Problems.Forbidden(f.Message),
        YearOutcome.Refused r => Problems.Conflict(r.Message),
        YearOutcome.NotFound n => Problems.NotFound(n.Message),
        _ => throw new InvalidOperationException($"Unhandled outcome {outcome.GetType().Name}."),
    };

    private static Dictionary<string, object?> Current(YearOutcome.Conflict c, DateTimeOffset now) => new()
    {
        ["current"] = c.Current is null ? null : YearDocument.From(c.Current, c.CurrentETag, now),
    };
}
