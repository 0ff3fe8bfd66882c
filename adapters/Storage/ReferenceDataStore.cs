using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Azure;
using Azure.Storage.Blobs.Models;
using Pps.Core.Reference;
using Pps.Core.Returns;
using Pps.Core.Catalogue;

namespace Pps.Core.Storage;

public sealed record StoredReferenceRow(int ServiceId, int Year, string? Region, long? Population0To19, long? SenPupils, long? FsmPupils, string? Source,
    string? PopulationSource = null, string? SenSource = null, string? FsmSource = null);

/// <summary>
/// The blobs' JSON, read and written by generated code with the serializer's defaults (the format they always had):
/// every close reads the reference data, a row per service and year.
/// </summary>
[JsonSerializable(typeof(List<StoredReferenceRow>))]
[JsonSerializable(typeof(Dictionary<int, List<int>>))]
internal sealed partial class ReferenceDataJson : JsonSerializerContext;

/// <summary>
/// Reference data lives in one blob for all years, so an import that replaces several years is one
/// conditional write: it lands whole or not at all, and two imports at once cannot interleave.
/// </summary>
public sealed class ReferenceDataStore(PpsStorage storage, ServiceCatalogue catalogue)
{
    internal const string ReferenceBlob = "reference-data.json";
    private const string NeighboursBlob = "statistical-neighbours.json";

    public async Task<ReferenceData> LoadAsync(CancellationToken ct = default) =>
        ToReferenceData((await ReadAsync(ReferenceBlob, ReferenceDataJson.Default.ListStoredReferenceRow, ct)).Value);

    /// <summary>Validates the CSV; only if every row is good, replaces the years it covers.</summary>
    public async Task<ImportResult> ImportCsvAsync(TextReader csv, CancellationToken ct = default)
    {
        var parsed = ReferenceDataCsv.Read(csv, catalogue);
        if (!parsed.Succeeded) return parsed;
        var (rows, etag) = await ReadAsync(ReferenceBlob, ReferenceDataJson.Default.ListStoredReferenceRow, ct);
        var merged = ToReferenceData(rows).Merge(parsed.Data!);
        await WriteAsync(ReferenceBlob, merged.Rows.Select(r =>
            new StoredReferenceRow(r.ServiceId, r.Year, r.Region, r.Population0To19, r.SenPupils, r.FsmPupils, r.Source, r.PopulationSource, r.SenSource, r.FsmSource)).ToList(), ReferenceDataJson.Default.ListStoredReferenceRow, etag, ct);
        return parsed;
    }

    /// <summary>What <see cref="ImportCsvAsync"/> would change, storing nothing: the file's problems, or its changes row by row.</summary>
    public async Task<(ImportResult Parsed, ReferenceChanges? Changes)> PreviewCsvAsync(TextReader csv, CancellationToken ct = default)
    {
        var parsed = ReferenceDataCsv.Read(csv, catalogue);
        return parsed.Succeeded ? (parsed, ReferenceChanges.Between(await LoadAsync(ct), parsed.Data!)) : (parsed, null);
    }

    /// <summary>What <see cref="ImportNeighboursCsvAsync"/> would change, storing nothing.</summary>
    public async Task<(NeighboursImportResult Parsed, ReferenceChanges? Changes)> PreviewNeighboursCsvAsync(TextReader csv, CancellationToken ct = default)
    {
        var parsed = StatisticalNeighboursCsv.Read(csv, catalogue);
        return parsed.Succeeded ? (parsed, ReferenceChanges.Between(await LoadNeighboursAsync(ct), parsed.Neighbours!)) : (parsed, null);
    }

    /// <summary>
    /// Replaces every year's reference rows with <paramref name="rows"/>, unchecked: for loading rows generated
    /// elsewhere in bulk (NPPN's imports go through <see cref="ImportCsvAsync"/>, which validates and merges).
    /// </summary>
    public async Task ReplaceAllAsync(IReadOnlyList<StoredReferenceRow> rows, CancellationToken ct = default) =>
        await storage.Reference.GetBlobClient(ReferenceBlob).UploadAsync(BinaryData.FromObjectAsJson(rows.ToList(), ReferenceDataJson.Default.ListStoredReferenceRow), new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
        }, ct);

    /// <summary>Service id to its statistical neighbours' ids; empty until NPPN loads a list.</summary>
    public async Task<IReadOnlyDictionary<int, IReadOnlyList<int>>> LoadNeighboursAsync(CancellationToken ct = default)
    {
        var (pairs, _) = await ReadAsync(NeighboursBlob, ReferenceDataJson.Default.DictionaryInt32ListInt32, ct);
        return pairs?.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<int>)kv.Value) ?? new Dictionary<int, IReadOnlyList<int>>();
    }

    /// <summary>Validates the CSV; only if every row is good, replaces the whole list of statistical neighbours.</summary>
    public async Task<NeighboursImportResult> ImportNeighboursCsvAsync(TextReader csv, CancellationToken ct = default)
    {
        var parsed = StatisticalNeighboursCsv.Read(csv, catalogue);
        if (!parsed.Succeeded) return parsed;
        var (_, etag) = await ReadAsync(NeighboursBlob, ReferenceDataJson.Default.DictionaryInt32ListInt32, ct);
        await WriteAsync(NeighboursBlob, parsed.Neighbours!.ToDictionary(kv => kv.Key, kv => kv.Value.ToList()), ReferenceDataJson.Default.DictionaryInt32ListInt32, etag, ct);
        return parsed;
    }

    private static ReferenceData ToReferenceData(List<StoredReferenceRow>? rows)
    {
        if (rows is null) return ReferenceData.Empty;
        // A handful of regions and sources, each read once per row: one string of each is kept.
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        string? Once(string? text) => text is null ? null : texts.TryGetValue(text, out var kept) ? kept : texts[text] = text;
        return new ReferenceData(rows.Select(r => new ReferenceRow(r.ServiceId, r.Year, Once(r.Region), r.Population0To19, r.SenPupils, r.FsmPupils) {
            Source = Once(r.Source), PopulationSource = Once(r.PopulationSource), SenSource = Once(r.SenSource), FsmSource = Once(r.FsmSource),
        }));
    }

    private async Task<(T? Value, ETag? ETag)> ReadAsync<T>(string blobName, JsonTypeInfo<T> type, CancellationToken ct) where T : class
    {
        try
        {
            var content = await storage.Reference.GetBlobClient(blobName).DownloadContentAsync(ct);
            return (content.Value.Content.ToObjectFromJson(type), content.Value.Details.ETag);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return (null, null);
        }
    }

    /// <summary>One conditional upload: the blob as read (<paramref name="etag"/>), or none if it was absent.</summary>
    private async Task WriteAsync<T>(string blobName, T value, JsonTypeInfo<T> type, ETag? etag, CancellationToken ct)
    {
        var conditions = etag is null ? new BlobRequestConditions { IfNoneMatch = ETag.All } : new BlobRequestConditions { IfMatch = etag };
        try
        {
            await storage.Reference.GetBlobClient(blobName).UploadAsync(BinaryData.FromObjectAsJson(value, type), new BlobUploadOptions
            {
                Conditions = conditions,
                HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
            }, ct);
        }
        catch (RequestFailedException e) when (PpsStorage.IsConflict(e))
        {
            throw new ConcurrencyConflictException("Another import of the same reference data finished first; import the file again.", null, e);
        }
    }
}
