using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs.Models;
using Pps.Core.Definition;
using Pps.Core.Publishing;
using Pps.Core.Returns;

namespace Pps.Core.Storage;

/// <summary>What became of NPPN saving a year's narrative.</summary>
public abstract record NarrativeOutcome
{
    public sealed record Saved(YearNarrative Narrative, ETag ETag) : NarrativeOutcome;

    public sealed record Invalid(IReadOnlyList<ValidationIssue> Issues, string Summary) : NarrativeOutcome;

    public sealed record Forbidden(string Message) : NarrativeOutcome;

    public sealed record NoYear(string Message) : NarrativeOutcome;

    /// <summary>Someone else saved the narrative since it was read (or it exists already and no If-Match was given).</summary>
    public sealed record Conflict(string Message, YearNarrative? Current, ETag? CurrentETag) : NarrativeOutcome;
}

/// <summary>
/// NPPN's narrative for each year's report, stored with the year: one JSON document per collection year in the reference
/// container (<c>narratives/report-{year}.json</c>: the Markdown of each place in the report, who last saved it and
/// when), written conditionally on the version read (create-only the first time), and only for a year that is set up.
/// The close reads it into the year's set (<see cref="PublishedNarrative"/>); nothing is generated into it.
/// </summary>
public sealed class NarrativeStore(PpsStorage storage, CollectionYearStore years, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static string BlobName(int year) => $"narratives/report-{year.ToString(CultureInfo.InvariantCulture)}.json";

    /// <summary>The year's narrative and its ETag, or null when NPPN has written none.</summary>
    public async Task<(YearNarrative Narrative, ETag ETag)?> ReadAsync(int year, CancellationToken ct = default)
    {
        try
        {
            var download = (await storage.Reference.GetBlobClient(BlobName(year)).DownloadContentAsync(ct)).Value;
            return (download.Content.ToObjectFromJson<YearNarrative>(Json)!, download.Details.ETag);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>
    /// Saves the year's narrative: <paramref name="sections"/> replaces every place (a place left out or empty has no
    /// text). Checked first (<see cref="ReportNarrative.Check"/>): nothing is stored unless all of it is well.
    /// <paramref name="ifMatch"/> is the ETag read; null for the first save of the year.
    /// </summary>
    public async Task<NarrativeOutcome> SaveAsync(Actor actor, int year, IReadOnlyDictionary<string, string?> sections, ETag? ifMatch, CancellationToken ct = default)
    {
        if (!actor.IsNppn) return new NarrativeOutcome.Forbidden("Only NPPN writes the report's narrative.");
        var issues = ReportNarrative.Check(sections);
        if (issues.Count > 0) return new NarrativeOutcome.Invalid(issues, $"The narrative has {issues.Count} problem(s); nothing was saved.");
        if (await years.GetRecentAsync(year, ct) is null) return new NarrativeOutcome.NoYear($"The {year} collection has not been set up.");

        var narrative = new YearNarrative(year,
            sections.Where(s => !string.IsNullOrWhiteSpace(s.Value)).ToDictionary(s => s.Key, s => s.Value!.Replace("\r\n", "\n", StringComparison.Ordinal).Trim(), StringComparer.Ordinal),
            clock.GetUtcNow(), actor.Id);
        try
        {
            var response = await storage.Reference.GetBlobClient(BlobName(year)).UploadAsync(BinaryData.FromObjectAsJson(narrative, Json), new BlobUploadOptions
            {
                Conditions = ifMatch is { } etag ? new BlobRequestConditions { IfMatch = etag } : new BlobRequestConditions { IfNoneMatch = ETag.All },
                HttpHeaders = new BlobHttpHeaders { ContentType = "application/json; charset=utf-8" },
            }, ct);
            return new NarrativeOutcome.Saved(narrative, response.Value.ETag);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            var current = await ReadAsync(year, ct);
            // A write whose answer was lost and that the SDK sent again finds its own first attempt there: it was saved.
            if (current is { } found && found.Narrative.UpdatedAt == narrative.UpdatedAt && found.Narrative.UpdatedBy == narrative.UpdatedBy
                && found.Narrative.Sections.Count == narrative.Sections.Count && narrative.Sections.All(s => found.Narrative.Sections.GetValueOrDefault(s.Key) == s.Value))
            {
                return new NarrativeOutcome.Saved(found.Narrative, found.ETag);
            }
            return new NarrativeOutcome.Conflict(
                ifMatch is null
                    ? $"The {year} narrative exists already; read it and save again with its version."
                    : $"Someone else saved the {year} narrative since you read it; read it again, and save your changes on it.",
                current?.Narrative, current?.ETag);
        }
    }
}
