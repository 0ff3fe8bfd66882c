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

/// <summary>
/// The return definitions NPPN publishes for the years after the built-in ones: one JSON document per year in the
/// reference container (<c>definitions/return-{year}.json</c>), checked against the schema and the model before
/// it is stored, and refused once the year's collection has opened (a form that changes under a service's
/// feet would make its answers mean something else). Each process registers what it reads with
/// <see cref="ReturnDefinitions"/>, so code that asks <see cref="ReturnDefinitions.For"/> sees it.
/// </summary>
public sealed class DefinitionStore(PpsStorage storage, CollectionYearStore years, TimeProvider clock)
{
    private static string BlobName(int year) => $"definitions/return-{year.ToString(CultureInfo.InvariantCulture)}.json";

    /// <summary>The year's definition: built in, known to this process, or published (read from storage); null when there is none.</summary>
    public async Task<ReturnDefinition?> FindAsync(int year, CancellationToken ct = default)
    {
        if (ReturnDefinitions.Find(year) is { } known) return known;
        var blob = storage.Reference.GetBlobClient(BlobName(year));
        try
        {
            var content = await blob.DownloadContentAsync(ct);
            var definition = DefinitionJson.Parse(content.Value.Content.ToString());
            ReturnDefinitions.Register(definition);
            return ReturnDefinitions.Find(year);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Every published definition in storage, registered with <see cref="ReturnDefinitions"/> (at start).</summary>
    public async Task<IReadOnlyList<int>> LoadAllAsync(CancellationToken ct = default)
    {
        var loaded = new List<int>();
        await foreach (var item in storage.Reference.GetBlobsAsync(BlobTraits.None, BlobStates.None, "definitions/", ct))
        {
            var content = await storage.Reference.GetBlobClient(item.Name).DownloadContentAsync(ct);
            var definition = DefinitionJson.Parse(content.Value.Content.ToString());
            ReturnDefinitions.Register(definition);
            loaded.Add(definition.Year);
        }
        return loaded;
    }

    /// <summary>
    /// Publishes a year's definition (a new year, or a later version of one not yet open). Nothing is stored
    /// unless the whole document is valid.
    /// </summary>
    public async Task<DefinitionOutcome> PublishAsync(Actor actor, int year, string json, CancellationToken ct = default)
    {
        if (!actor.IsNppn) return new DefinitionOutcome.Forbidden("Only NPPN can publish a return definition.");
        var (definition, problems) = DefinitionJson.Check(json);
        if (definition is null) return new DefinitionOutcome.Invalid(problems, $"The {year} definition has {problems.Count} problem(s); nothing was published.");
        if (definition.Year != year)
        {
            return new DefinitionOutcome.Invalid([ValidationIssue.Error("/year", "year", $"The document is for {definition.Year}, not {year}.")],
                "The definition is for another year; nothing was published.");
        }
        if (ReturnDefinitions.BuiltInYears.Contains(year))
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
        var existing = await FindStoredAsync(year, ct);
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
        ReturnDefinitions.Register(definition);
        return new DefinitionOutcome.Published(definition, existing is null);
    }

    private async Task<(ReturnDefinition Definition, ETag ETag)?> FindStoredAsync(int year, CancellationToken ct)
    {
        try
        {
            var content = await storage.Reference.GetBlobClient(BlobName(year)).DownloadContentAsync(ct);
            return (DefinitionJson.Parse(content.Value.Content.ToString()), content.Value.Details.ETag);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }
}
