using System.Text.Json;
using Azure;
using Azure.Storage.Blobs.Models;
using Pps.Core.Reference;
using Pps.Core.Returns;

namespace Pps.Core.Storage;

public sealed record StoredReferenceRow(int ServiceId, int Year, string? Region, long? Population0To19, long? SenPupils, long? FsmPupils, string? Source);

/// <summary>
/// Reference data lives in one blob for all years, so an import that replaces several years is one
/// conditional write: it lands whole or not at all, and two imports at once cannot interleave.
/// </summary>
public sealed class ReferenceDataStore(PpsStorage storage)
{
    private const string BlobName = "reference-data.json";

    public async Task<ReferenceData> LoadAsync(CancellationToken ct = default) => (await ReadAsync(ct)).Data;

    /// <summary>Validates the CSV; only if every row is good, replaces the years it covers.</summary>
    public async Task<ImportResult> ImportCsvAsync(TextReader csv, CancellationToken ct = default)
    {
        var parsed = ReferenceDataCsv.Read(csv);
        if (!parsed.Succeeded) return parsed;
        var (current, etag) = await ReadAsync(ct);
        var merged = current.Merge(parsed.Data!);
        var body = BinaryData.FromObjectAsJson(merged.Rows.Select(r =>
            new StoredReferenceRow(r.ServiceId, r.Year, r.Region, r.Population0To19, r.SenPupils, r.FsmPupils, r.Source)).ToList());
        var conditions = etag is null ? new BlobRequestConditions { IfNoneMatch = ETag.All } : new BlobRequestConditions { IfMatch = etag };
        try
        {
            await storage.Reference.GetBlobClient(BlobName).UploadAsync(body, new BlobUploadOptions
            {
                Conditions = conditions,
                HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
            }, ct);
        }
        catch (RequestFailedException e) when (PpsStorage.IsConflict(e))
        {
            throw new ConcurrencyConflictException("Another reference-data import finished first; import the file again.", null, e);
        }
        return parsed;
    }

    private async Task<(ReferenceData Data, ETag? ETag)> ReadAsync(CancellationToken ct)
    {
        var blob = storage.Reference.GetBlobClient(BlobName);
        try
        {
            var content = await blob.DownloadContentAsync(ct);
            var rows = content.Value.Content.ToObjectFromJson<List<StoredReferenceRow>>()!;
            return (new ReferenceData(rows.Select(r => new ReferenceRow(r.ServiceId, r.Year, r.Region, r.Population0To19, r.SenPupils, r.FsmPupils) { Source = r.Source })),
                content.Value.Details.ETag);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return (ReferenceData.Empty, null);
        }
    }
}
