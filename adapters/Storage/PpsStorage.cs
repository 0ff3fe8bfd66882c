using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;

namespace Pps.Core.Storage;

/// <summary>The storage account as the app uses it: its tables and containers by role.</summary>
public sealed class PpsStorage
{
    public PpsStorage(TableServiceClient tables, BlobServiceClient blobs, StorageOptions options)
    {
        Options = options;
        Returns = tables.GetTableClient(options.ReturnsTable);
        ReturnHistory = tables.GetTableClient(options.ReturnHistoryTable);
        Years = tables.GetTableClient(options.YearsTable);
        Credentials = tables.GetTableClient(options.CredentialsTable);
        Contacts = tables.GetTableClient(options.ContactsTable);
        Mail = tables.GetTableClient(options.MailTable);
        Uploads = blobs.GetBlobContainerClient(options.UploadsContainer);
        Reports = blobs.GetBlobContainerClient(options.ReportsContainer);
        Published = blobs.GetBlobContainerClient(options.PublishedContainer);
        Reference = blobs.GetBlobContainerClient(options.ReferenceContainer);
        Provisional = blobs.GetBlobContainerClient(options.ProvisionalContainer);
        Backups = blobs.GetBlobContainerClient(options.BackupsContainer);
    }

    /// <summary>For local runs and tests: a connection string (Azurite's or an account's).</summary>
    public static PpsStorage FromConnectionString(string connectionString, StorageOptions options) =>
        new(new TableServiceClient(connectionString), new BlobServiceClient(connectionString), options);

    public StorageOptions Options { get; }
    public TableClient Returns { get; }
    public TableClient ReturnHistory { get; }
    public TableClient Years { get; }
    public TableClient Credentials { get; }
    public TableClient Contacts { get; }
    public TableClient Mail { get; }
    public BlobContainerClient Uploads { get; }
    public BlobContainerClient Reports { get; }
    public BlobContainerClient Published { get; }
    public BlobContainerClient Reference { get; }
    public BlobContainerClient Provisional { get; }
    public BlobContainerClient Backups { get; }

    /// <summary>Every table of the app, in the order a backup writes and a restore reads them.</summary>
    public IReadOnlyList<TableClient> Tables => [Years, Returns, ReturnHistory, Credentials, Contacts, Mail];

    /// <summary>Creates every table and container that does not exist yet. Safe to call at every start.</summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        foreach (var table in Tables)
        {
            await table.CreateIfNotExistsAsync(cancellationToken);
        }
        foreach (var container in new[] { Uploads, Reports, Published, Reference, Provisional, Backups })
        {
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        }
    }

    internal static bool IsConflict(RequestFailedException e) => e.Status is 409 or 412;
}
