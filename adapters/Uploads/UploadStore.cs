using Azure;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Pps.Core.Storage;
using Pps.Core.Uploads.Workbook;

namespace Pps.Core.Uploads;

/// <summary>
/// Uploaded workbooks and their reports in blob storage. An upload is written once under a name the server
/// chose (never overwritten: If-None-Match *), streamed in blocks of at most 4 MiB and stopped as soon as it
/// passes the size limit, so a large body never sits in memory and nothing is committed. Reports are
/// written conditionally, so two runs of the check on the same upload cannot both write theirs.
/// </summary>
public sealed class UploadStore(PpsStorage storage)
{
    private const int BlockBytes = 4 * 1024 * 1024;

    public BlobContainerClient Uploads => storage.Uploads;

    /// <summary>Stores the body as the upload; false (and nothing stored) when it is larger than <paramref name="maxBytes"/>.</summary>
    public async Task<bool> StoreAsync(UploadName name, Stream body, long maxBytes, CancellationToken ct)
    {
        var limited = new LimitedReadStream(body, maxBytes);
        try
        {
            await storage.Uploads.GetBlobClient(name.BlobName).UploadAsync(limited, new BlobUploadOptions
            {
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                HttpHeaders = new BlobHttpHeaders { ContentType = WorkbookTemplate.ContentType },
                TransferOptions = new StorageTransferOptions { InitialTransferSize = BlockBytes, MaximumTransferSize = BlockBytes, MaximumConcurrency = 1 },
            }, ct);
            return true;
        }
        catch (Exception) when (limited.Exceeded)
        {
            return false;
        }
    }

    /// <summary>The uploaded file, or null when the blob is larger than the limit (it is then never downloaded).</summary>
    public static async Task<BinaryData?> ReadAsync(BlobClient blob, long maxBytes, CancellationToken ct)
    {
        var properties = await blob.GetPropertiesAsync(cancellationToken: ct);
        if (properties.Value.ContentLength > maxBytes) return null;
        var content = await blob.DownloadContentAsync(new BlobDownloadOptions
        {
            Conditions = new BlobRequestConditions { IfMatch = properties.Value.ETag },
        }, ct);
        return content.Value.Content;
    }

    public async Task<(ValidationReport Report, ETag ETag)?> ReadReportAsync(UploadName name, CancellationToken ct)
    {
        try
        {
            var content = await storage.Reports.GetBlobClient(name.ReportName).DownloadContentAsync(ct);
            return (ValidationReport.FromJson(content.Value.Content.ToMemory().Span), content.Value.Details.ETag);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>
    /// Writes the report if the stored one is still the version read (<paramref name="ifMatch"/>), or if there is
    /// none yet when it is null. Returns the new ETag, or null when another writer got there first.
    /// </summary>
    public async Task<ETag?> TryWriteReportAsync(UploadName name, ValidationReport report, ETag? ifMatch, CancellationToken ct)
    {
        try
        {
            var response = await storage.Reports.GetBlobClient(name.ReportName).UploadAsync(new BinaryData(report.ToJson()), new BlobUploadOptions
            {
                Conditions = ifMatch is { } etag ? new BlobRequestConditions { IfMatch = etag } : new BlobRequestConditions { IfNoneMatch = ETag.All },
                HttpHeaders = new BlobHttpHeaders { ContentType = "application/json; charset=utf-8" },
            }, ct);
            return response.Value.ETag;
        }
        catch (RequestFailedException e) when (PpsStorage.IsConflict(e))
        {
            return null;
        }
    }

    public Task DeleteReportAsync(UploadName name, CancellationToken ct) =>
        storage.Reports.GetBlobClient(name.ReportName).DeleteIfExistsAsync(cancellationToken: ct);
}
