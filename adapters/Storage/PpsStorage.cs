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

    /// <summary>
    /// Creates every table and container that does not exist yet. Safe to call at every start. With
    /// <see cref="StorageOptions.TablesProvisioned"/> the tables are only checked: the deployment made them, and the
    /// app's role covers their entities, not creating tables; a missing one stops the start, named.
    /// </summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        foreach (var table in Tables)
        {
            if (Options.TablesProvisioned)
            {
                await EnsureProvisionedAsync(table, cancellationToken);
            }
            else
            {
                await table.CreateIfNotExistsAsync(cancellationToken);
            }
        }
        foreach (var container in new[] { Uploads, Reports, Published, Reference, Provisional, Backups })
        {
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        }
    }

    private static async Task EnsureProvisionedAsync(TableClient table, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var _ in table.QueryAsync<TableEntity>(maxPerPage: 1, select: ["PartitionKey"], cancellationToken: cancellationToken).AsPages(pageSizeHint: 1))
            {
                break;
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new InvalidOperationException(
                $"Table {table.Name} does not exist. Pps__TablesProvisioned is true, so the app does not create its tables: " +
                "the deployment does (infra/modules/storage.bicep; run azd provision), or set Pps__TablesProvisioned to false " +
                "where the app may create them (Azurite).", e);
        }
    }

    internal static bool IsConflict(RequestFailedException e) => e.Status is 409 or 412;
}
