using System.Globalization;
using Azure;
using Azure.Storage.Blobs.Models;
using Pps.Core.Definition;
using Pps.Core.Returns;

namespace Pps.Core.Storage;

/// <summary>What became of NPPN publishing a year's return definition.</summary>
public abstract record DefinitionOutcome
{
    public sealed record Published(ReturnDefinition Definition, bool Created) : DefinitionOutcome;

    public sealed record Invalid(IReadOnlyList<ValidationIssue> Issues, string Summary) : DefinitionOutcome;

    public sealed record Forbidden(string Message) : DefinitionOutcome;

    /// <summary>The year's collection has opened (or the year is built in): its definition can no longer change.</summary>
    public sealed record Refused(string Message) : DefinitionOutcome;

    /// <summary>Someone else published a version of the year at the same time; read it and try again.</summary>
    public sealed record Conflict(string Message) : DefinitionOutcome;
}

/// <summary>What a read of a year's published definition found.</summary>
public abstract record DefinitionRead
{
    public sealed record Found(ReturnDefinition Definition, ETag ETag) : DefinitionRead;

    /// <summary>The document is still the one with the ETag the reader gave.</summary>
    public sealed record Unchanged : DefinitionRead;

    public sealed record Missing : DefinitionRead;
}

/// <summary>
/// The return definitions NPPN publishes for the years after the built-in ones: one JSON document per year in the
/// reference container (<c>definitions/return-{year}.json</c>), checked against the schema and the model before
/// it is stored, and refused once the year's collection has opened (a form that changes under a service's
/// feet would make its answers mean something else). It only reads and writes storage: what the app answers
/// from is the <see cref="IDefinitionCatalog"/> over it.
/// </summary>
public sealed class DefinitionStore(PpsStorage storage, CollectionYearStore years, TimeProvider clock)
{
    private const string Folder = "definitions/";

    private static string BlobName(int year) => $"{Folder}return-{year.ToString(CultureInfo.InvariantCulture)}.json";

    /// <summary>
    /// The year's published document; with <paramref name="ifNoneMatch"/>, only if it is no longer that version
    /// (a conditional read: no body comes back when it is unchanged).
    /// </summary>
    public async Task<DefinitionRead> ReadAsync(int year, ETag? ifNoneMatch = null, CancellationToken ct = default)
    {
        var blob = storage.Reference.GetBlobClient(BlobName(year));
        try
        {
            var options = new BlobDownloadOptions { Conditions = ifNoneMatch is { } e ? new BlobRequestConditions { IfNoneMatch = e } : null };
            var response = await blob.DownloadStreamingAsync(options, ct);
            // A 304 comes back as a response without a body (the SDK does not throw for it).
            if (response.GetRawResponse().Status == 304) return new DefinitionRead.Unchanged();
            using var download = response.Value;
            using var reader = new StreamReader(download.Content);
            return new DefinitionRead.Found(DefinitionJson.Parse(await reader.ReadToEndAsync(ct)), download.Details.ETag);
        }
        catch (RequestFailedException e) when (e.Status == 304)
        {
            return new DefinitionRead.Unchanged();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return new DefinitionRead.Missing();
        }
    }

    /// <summary>The years NPPN has published a definition for.</summary>
    public async Task<IReadOnlyList<int>> PublishedYearsAsync(CancellationToken ct = default)
    {
        var found = new List<int>();
        await foreach (var item in storage.Reference.GetBlobsAsync(BlobTraits.None, BlobStates.None, Folder, ct))
        {
            var name = item.Name[Folder.Length..];
            if (name.StartsWith("return-", StringComparison.Ordinal) && name.EndsWith(".json", StringComparison.Ordinal)
                && int.TryParse(name["return-".Length..^".json".Length], NumberStyles.None, CultureInfo.InvariantCulture, out var year))
            {
                found.Add(year);
            }
        }
        return found.Order().ToList();
    }

    /// <summary>
    /// Checks a document as a publish would, storing nothing: against the schema, what the schema cannot say, and the
    /// year it is for. <see cref="DefinitionOutcome.Published"/> (never stored) with the definition read, or
    /// <see cref="DefinitionOutcome.Invalid"/> naming each problem by its place in the document.
    /// </summary>
    public static DefinitionOutcome Check(int year, string json, string consequence = "nothing was stored")
    {
        var (definition, problems) = DefinitionJson.Check(json);
        if (definition is null) return new DefinitionOutcome.Invalid(problems, $"The {year} definition has {problems.Count} problem(s); {consequence}.");
        if (definition.Year != year)
        {
            return new DefinitionOutcome.Invalid([ValidationIssue.Error("/year", "year", $"The document is for {definition.Year}, not {year}.")],
                $"The definition is for another year; {consequence}.");
        }
        return new DefinitionOutcome.Published(definition, false);
    }

    /// <summary>
    /// Publishes a year's definition (a new year, or a later version of one not yet open). Nothing is stored
    /// unless the whole document is valid.
    /// </summary>
    public async Task<DefinitionOutcome> PublishAsync(Actor actor, int year, string json, CancellationToken ct = default)
    {
        if (!actor.IsNppn) return new DefinitionOutcome.Forbidden("Only NPPN can publish a return definition.");
        var check = Check(year, json, "nothing was published");
        if (check is not DefinitionOutcome.Published { Definition: var definition }) return check;
        if (BuiltInDefinitions.Find(year) is not null)
        {
            return new DefinitionOutcome.Refused($"The {year} definition is built in (its returns were collected with it); it cannot be replaced.");
        }
        var collection = await years.GetAsync(year, ct);
        var now = clock.GetUtcNow();
        if (collection is { } c && now >= c.Year.Opens)
        {
            return new DefinitionOutcome.Refused(
                $"The {year} collection opened on {c.Year.Opens.ToString("d MMMM yyyy", CultureInfo.InvariantCulture)}: its definition can no longer change.");
        }

        var blob = storage.Reference.GetBlobClient(BlobName(year));
        var existing = await ReadAsync(year, null, ct) as DefinitionRead.Found;
        if (existing is { } stored && definition.Version <= stored.Definition.Version)
        {
            return new DefinitionOutcome.Invalid([ValidationIssue.Error("/version", "version",
                    $"Version {definition.Version} is not after the published version {stored.Definition.Version}: give version {stored.Definition.Version + 1}.")],
                "The version must go up; nothing was published.");
        }
        try
        {
            var conditions = existing is { } e ? new BlobRequestConditions { IfMatch = e.ETag } : new BlobRequestConditions { IfNoneMatch = ETag.All };
            await blob.UploadAsync(BinaryData.FromString(DefinitionJson.Write(definition)), new BlobUploadOptions
            {
                Conditions = conditions,
                HttpHeaders = new BlobHttpHeaders { ContentType = "application/json; charset=utf-8" },
            }, ct);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return new DefinitionOutcome.Conflict($"Someone else published the {year} definition at the same time; read it and publish again.");
        }
        return new DefinitionOutcome.Published(definition, existing is null);
    }
}
