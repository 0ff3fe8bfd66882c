using Azure.Storage.Blobs;
using Microsoft.Azure.Functions.Worker;
using Pps.Core.Uploads;
using Pps.Functions.Setup;

namespace Pps.Functions.Uploads;

/// <summary>
/// Checks each new blob in the uploads container and writes its validation report; a clean workbook changes
/// the return. Event Grid delivers BlobCreated events (infra/modules/upload-events-subscription.bicep), at
/// least once: the check is idempotent and ends with a "failed" report after a few failing runs. Bound to a
/// BlobClient, never byte[]: the size is checked before anything is downloaded.
/// </summary>
public sealed class ValidateUploadedWorkbook(WorkbookIntake intake)
{
    [Function(nameof(ValidateUploadedWorkbook))]
    public Task Run(
        [BlobTrigger("%Pps:UploadsContainer%/{name}", Source = BlobTriggerSource.EventGrid, Connection = StorageSetup.ConnectionName)] BlobClient blob,
        string name, CancellationToken ct) =>
        intake.CheckAsync(blob, ct);
}
