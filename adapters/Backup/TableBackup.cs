using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using Pps.Core.Storage;
using Pps.Core.Telemetry;

namespace Pps.Core.Backup;

/// <summary>
/// What a backup holds: one file per table, with its entity count and SHA-256, and (from format 2) a copy of each blob
/// NPPN writes to the reference container; the manifest is written last.
/// </summary>
public sealed record BackupManifest(string Name, int Format, DateTimeOffset CreatedAt, IReadOnlyList<BackupTable> Tables, IReadOnlyList<BackupBlob>? Blobs = null)
{
    public const int CurrentFormat = 2;
    public int Entities => Tables.Sum(t => t.Entities);
}

/// <param name="Blob">The blob's name in the reference container (<c>narratives/report-2013.json</c>, <c>definitions/return-2014.json</c>, <c>reference-data.json</c>).</param>
/// <param name="Path">Where the backup keeps its bytes: <c>{name}/reference/{Blob}</c>.</param>
public sealed record BackupBlob(string Blob, string Path, string ContentType, long Bytes, string Sha256);

/// <param name="Table">The table's name without the prefix (Returns, ReturnHistory, Years, Credentials), so a backup restores into any prefix.</param>
public sealed record BackupTable(string Table, string Path, int Entities, string Sha256);

/// <summary>What a restore did, or why it did nothing.</summary>
public abstract record RestoreOutcome
{
    public sealed record Restored(BackupManifest Backup) : RestoreOutcome;
    /// <summary>No backup of that name, or one whose manifest was never written (it died midway).</summary>
    public sealed record NotFound(string Message) : RestoreOutcome;
    /// <summary>Nothing restored: a table already holds entities (a restore never merges into live data).</summary>
    public sealed record NotEmpty(string Message) : RestoreOutcome;
    /// <summary>Nothing restored: a file does not match the checksum its manifest recorded.</summary>
    public sealed record Corrupt(string Message) : RestoreOutcome;
}

/// <summary>
/// The second place every backup is written: the backups container of another storage account, in another region
/// (infra/modules/backup-copy.bicep), so that neither losing the account nor the region loses the backups.
/// <see cref="None"/> when no copy is configured (locally, unless "PpsBackupCopy" is set).
/// </summary>
public sealed class BackupCopy(BlobContainerClient? container)
{
    public static readonly BackupCopy None = new(null);
    public BlobContainerClient? Container { get; } = container;
}

/// <summary>
/// Backups of the tables, because Table storage has no point-in-time restore. A backup exports every entity
/// of the returns, their audit trail, the years and the credentials' metadata (the SHA-256 of each token,
/// never a token: tokens are never stored) with every property and its type, as one JSON-lines file per
/// table under <c>{name}/</c> in the backups container, and then <c>{name}/manifest.json</c>. Files are
/// written create-only and never change; in Azure the container is versioned and has an immutability
/// (WORM) policy (infra/modules/storage.bicep), so not even the app can alter or delete a backup. Every file is
/// also written to the <see cref="BackupCopy"/> when there is one, manifest last there too; a copy that cannot be
/// written fails the backup (so the backup-missed alert fires), once the first account holds the complete backup.
/// A restore rebuilds the tables from a chosen backup into an account whose tables are empty, and refuses
/// otherwise: it never merges into live data.
/// <para>
/// What NPPN writes as blobs is data too: its narrative for each year's report (<see cref="NarrativeStore"/>), the return
/// definitions it published (<see cref="DefinitionStore"/>) and the reference data, all in the reference container. A
/// backup copies every blob there but the close's lease blobs (<c>locks/</c>: a lease is no data), and a restore writes
/// back each one the container lacks; one that is there with other bytes is live data, and the restore then refuses
/// before it writes anything, as it does for a table that holds entities.
/// </para>
/// </summary>
public sealed class TableBackup(PpsStorage storage, BackupCopy copy, TimeProvider clock, ILogger<TableBackup> log)
{
    private const string ManifestFile = "manifest.json";
    /// <summary>Where a backup keeps the reference container's blobs, and the folder of that container it leaves out (the close's leases).</summary>
    private const string ReferenceFolder = "reference", LeaseFolder = "locks/";
    /// <summary>Table service properties that the service sets itself and a restore cannot (or must not) write.</summary>
    private static readonly HashSet<string> ServiceProperties = ["PartitionKey", "RowKey", "Timestamp", "odata.etag"];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    public async Task<BackupManifest> BackupAsync(CancellationToken ct = default)
    {
        using var activity = PpsTelemetry.Source.StartActivity("pps.backup");
        var now = clock.GetUtcNow();
        var name = $"{now:yyyyMMdd'T'HHmmss'Z'}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";
        var tables = new List<BackupTable>();
        var files = new List<(string Path, byte[] Bytes, string ContentType)>();
        foreach (var (logical, table) in Tables())
        {
            var lines = new StringBuilder();
            var count = 0;
            await foreach (var entity in table.QueryAsync<TableEntity>(cancellationToken: ct))
            {
                lines.Append(JsonSerializer.Serialize(ToStored(entity), Json)).Append('\n');
                count++;
            }
            var bytes = Encoding.UTF8.GetBytes(lines.ToString());
            var path = $"{name}/{logical}.jsonl";
            files.Add((path, bytes, "application/x-ndjson"));
            tables.Add(new BackupTable(logical, path, count, Convert.ToHexStringLower(SHA256.HashData(bytes))));
        }
        var blobs = new List<BackupBlob>();
        await foreach (var item in storage.Reference.GetBlobsAsync(cancellationToken: ct))
        {
            if (item.Name.StartsWith(LeaseFolder, StringComparison.Ordinal)) continue;
            var bytes = (await storage.Reference.GetBlobClient(item.Name).DownloadContentAsync(ct)).Value.Content.ToArray();
            var path = $"{name}/{ReferenceFolder}/{item.Name}";
            var contentType = item.Properties.ContentType ?? "application/octet-stream";
            files.Add((path, bytes, contentType));
            blobs.Add(new BackupBlob(item.Name, path, contentType, bytes.LongLength, Convert.ToHexStringLower(SHA256.HashData(bytes))));
        }
        var manifest = new BackupManifest(name, BackupManifest.CurrentFormat, now, tables, blobs);
        files.Add(($"{name}/{ManifestFile}", JsonSerializer.SerializeToUtf8Bytes(manifest, Json), "application/json"));
        // The whole backup, manifest last, in the account first and then in the copy: a copy that fails leaves a
        // complete backup beside the data.
        foreach (var container in copy.Container is { } second ? [storage.Backups, second] : new[] { storage.Backups })
        {
            foreach (var (path, bytes, contentType) in files) await WriteOnceAsync(container, path, bytes, contentType, ct);
        }
        activity?.SetTag("pps.backup", name);
        activity?.SetTag("pps.entities", manifest.Entities);
        activity?.SetTag("pps.backup.copied", copy.Container is not null);
        log.LogInformation(PpsTelemetry.BackupWrittenEvent + ": {Backup} with {Entities} entities", name, manifest.Entities);
        return manifest;
    }

    /// <summary>Complete backups (those with a manifest), newest first.</summary>
    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken ct = default)
    {
        var names = new List<string>();
        await foreach (var blob in storage.Backups.GetBlobsAsync(cancellationToken: ct))
        {
            if (blob.Name.EndsWith("/" + ManifestFile, StringComparison.Ordinal)) names.Add(blob.Name[..^(ManifestFile.Length + 1)]);
        }
        return names.OrderDescending(StringComparer.Ordinal).ToList();
    }

    /// <param name="reference">
    /// Where the reference container's blobs go back: the data account's reference container. By default this storage's,
    /// which is wrong only when the backups are read from another account than the data's (the cli's restore from the
    /// copy names the data account's container then).
    /// </param>
    public async Task<RestoreOutcome> RestoreAsync(string name, CancellationToken ct = default, BlobContainerClient? reference = null)
    {
        reference ??= storage.Reference;
        using var activity = PpsTelemetry.Source.StartActivity("pps.restore");
        activity?.SetTag("pps.backup", name);
        var manifestBytes = await ReadAsync($"{name}/{ManifestFile}", ct);
        if (manifestBytes is null)
        {
            return new RestoreOutcome.NotFound($"There is no complete backup \"{name}\" in {storage.Backups.Name} (a backup without a manifest died midway).");
        }
        var manifest = JsonSerializer.Deserialize<BackupManifest>(manifestBytes, Json)!;
        var targets = Tables().ToDictionary(t => t.Logical, t => t.Table);
        foreach (var table in targets.Values)
        {
            await table.CreateIfNotExistsAsync(ct);
            await foreach (var _ in table.QueryAsync<TableEntity>(maxPerPage: 1, select: ["PartitionKey"], cancellationToken: ct))
            {
                return new RestoreOutcome.NotEmpty($"Table {table.Name} already holds entities: a backup is restored only into empty tables; nothing was restored.");
            }
        }
        // Every file is read and checked before anything is written.
        var files = new List<(TableClient Table, byte[] Bytes)>();
        foreach (var entry in manifest.Tables)
        {
            if (!targets.TryGetValue(entry.Table, out var table)) return new RestoreOutcome.Corrupt($"The backup names an unknown table \"{entry.Table}\"; nothing was restored.");
            var bytes = await ReadAsync(entry.Path, ct);
            if (bytes is null || Convert.ToHexStringLower(SHA256.HashData(bytes)) != entry.Sha256)
            {
                return new RestoreOutcome.Corrupt($"{entry.Path} is missing or does not match its checksum in the manifest; nothing was restored.");
            }
            files.Add((table, bytes));
        }
        // The reference container's blobs: each checked against the manifest; one the container holds already must be
        // the same bytes (a restore adds what is missing and never writes over live data).
        var blobs = new List<(BackupBlob Entry, byte[] Bytes)>();
        foreach (var entry in manifest.Blobs ?? [])
        {
            var bytes = await ReadAsync(entry.Path, ct);
            if (bytes is null || Convert.ToHexStringLower(SHA256.HashData(bytes)) != entry.Sha256)
            {
                return new RestoreOutcome.Corrupt($"{entry.Path} is missing or does not match its checksum in the manifest; nothing was restored.");
            }
            var live = await ReadBlobAsync(reference, entry.Blob, ct);
            if (live is not null && !live.AsSpan().SequenceEqual(bytes))
            {
                return new RestoreOutcome.NotEmpty($"{reference.Name}/{entry.Blob} already holds other data: a backup is restored only where it is missing; nothing was restored.");
            }
            if (live is null) blobs.Add((entry, bytes));
        }
        if (blobs.Count > 0) await reference.CreateIfNotExistsAsync(cancellationToken: ct);
        foreach (var (entry, bytes) in blobs) await WriteOnceAsync(reference, entry.Blob, bytes, entry.ContentType, ct);
        foreach (var (table, bytes) in files)
        {
            var entities = Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => FromStored(JsonSerializer.Deserialize<StoredEntity>(line, Json)!));
            // A transaction holds up to 100 entities of one partition, and at most 4 MiB.
            foreach (var partition in entities.GroupBy(e => e.PartitionKey))
            {
                foreach (var chunk in TableLimits.Batches(partition))
                {
                    await table.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.Add, e)), ct);
                }
            }
        }
        activity?.SetTag("pps.entities", manifest.Entities);
        log.LogInformation("Restored backup {Backup}: {Entities} entities into empty tables", name, manifest.Entities);
        return new RestoreOutcome.Restored(manifest);
    }

    private IEnumerable<(string Logical, TableClient Table)> Tables() =>
        storage.Tables.Select(table => (table.Name[storage.Options.TablePrefix.Length..], table));

    private static async Task WriteOnceAsync(BlobContainerClient container, string path, byte[] content, string contentType, CancellationToken ct) =>
        await container.GetBlobClient(path).UploadAsync(BinaryData.FromBytes(content), new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
        }, ct);

    private Task<byte[]?> ReadAsync(string path, CancellationToken ct) => ReadBlobAsync(storage.Backups, path, ct);

    private static async Task<byte[]?> ReadBlobAsync(BlobContainerClient container, string path, CancellationToken ct)
    {
        try
        {
            return (await container.GetBlobClient(path).DownloadContentAsync(ct)).Value.Content.ToArray();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>One entity as stored in a backup: its keys and each property with its Table storage type.</summary>
    private sealed record StoredEntity(string PartitionKey, string RowKey, Dictionary<string, StoredValue> Properties);

    private sealed record StoredValue(string Type, string Value);

    private static StoredEntity ToStored(TableEntity entity) => new(entity.PartitionKey, entity.RowKey,
        entity.Where(p => !ServiceProperties.Contains(p.Key) && p.Value is not null)
            .ToDictionary(p => p.Key, p => Store(p.Key, p.Value!), StringComparer.Ordinal));

    private static StoredValue Store(string name, object value) => value switch
    {
        string s => new("String", s),
        int i => new("Int32", i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        long l => new("Int64", l.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        double d => new("Double", d.ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
        bool b => new("Boolean", b ? "true" : "false"),
        DateTimeOffset t => new("DateTime", t.ToString("O", System.Globalization.CultureInfo.InvariantCulture)),
        DateTime t => new("DateTime", new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)).ToString("O", System.Globalization.CultureInfo.InvariantCulture)),
        Guid g => new("Guid", g.ToString("D")),
        byte[] bytes => new("Binary", Convert.ToBase64String(bytes)),
        BinaryData data => new("Binary", Convert.ToBase64String(data.ToArray())),
        _ => throw new NotSupportedException($"Property {name} has a type a backup cannot keep: {value.GetType().Name}."),
    };

    private static TableEntity FromStored(StoredEntity stored)
    {
        var entity = new TableEntity(stored.PartitionKey, stored.RowKey);
        foreach (var (name, value) in stored.Properties)
        {
            var invariant = System.Globalization.CultureInfo.InvariantCulture;
            entity[name] = value.Type switch
            {
                "String" => value.Value,
                "Int32" => int.Parse(value.Value, invariant),
                "Int64" => long.Parse(value.Value, invariant),
                "Double" => double.Parse(value.Value, invariant),
                "Boolean" => value.Value == "true",
                "DateTime" => DateTimeOffset.Parse(value.Value, invariant, System.Globalization.DateTimeStyles.RoundtripKind),
                "Guid" => Guid.Parse(value.Value),
                "Binary" => Convert.FromBase64String(value.Value),
                _ => throw new NotSupportedException($"Property {name} has an unknown type in the backup: {value.Type}."),
            };
        }
        return entity;
    }
}
