using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Pps.Core.Backup;
using Pps.Core.Catalogue;
using Pps.Core.Intake;
using Pps.Core.Publishing;
using Pps.Core.Returns;
using Pps.Core.Storage;
using Pps.Tests.Support;

namespace Pps.Tests.Backup;

/// <summary>
/// docs/deploy.md's restore runbook, rehearsed on Azurite: a year is collected, closed and published; the app's backup
/// writes it to the backups container and to the copy (the second account in Azure; a second container here); every
/// table is wiped; the cli, as a process of its own, lists the copy's backups and restores the newest from the copy;
/// NPPN's recompute then publishes exactly the bytes that were published before.
/// </summary>
public class RestoreRunbookTests
{
    private static readonly DateTimeOffset Opens = new(2013, 9, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Closes = new(2013, 10, 31, 17, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Backup_wipe_restore_from_the_copy_through_the_cli_and_recompute_publishes_the_same_bytes()
    {
        var copyContainer = "backupcopy-" + Guid.NewGuid().ToString("N")[..10];
        await new BlobServiceClient(Azurite.ConnectionString).GetBlobContainerClient(copyContainer).CreateAsync();
        var clock = new FakeClock(new DateTimeOffset(2013, 9, 15, 10, 0, 0, TimeSpan.Zero));
        await using var app = await AppServices.StartAsync(clock, "admin-" + Guid.NewGuid().ToString("N"), settings: new Dictionary<string, string>
        {
            ["PpsBackupCopy"] = Azurite.ConnectionString,
            ["Pps:BackupCopyContainer"] = copyContainer,
        });
        var storage = app.GetRequiredService<PpsStorage>();
        var service = app.GetRequiredService<ReturnService>();
        await app.GetRequiredService<CollectionYearStore>().SaveAsync(
            new CollectionYear { Year = 2013, Opens = Opens, Closes = Closes, NationalServiceCount = ServicesNationally.BuiltIn.InYear(2013) }, null);
        using var csv = new StreamReader(RepoFiles.At("tests", "data", "nppn-2013-exemplification-ratings.csv"));
        foreach (var (serviceId, values) in SelfRatingsCsv.Read(csv))
        {
            var draft = Assert.IsType<ReturnOutcome.Done>(await service.SaveDraftAsync(Actor.ForService(serviceId), new ReturnChange(2013, serviceId, values, [], null)));
            Assert.IsType<ReturnOutcome.Done>(await service.SubmitStoredAsync(Actor.ForService(serviceId), 2013, serviceId, draft.Return.ETag, []));
        }
        await app.GetRequiredService<CredentialStore>().IssueAsync(24, 2013, "nppn", clock.GetUtcNow(), "officer");
        clock.Now = Closes.AddHours(1);
        var closed = Assert.Single(await app.GetRequiredService<YearCloser>().CloseDueYearsAsync());
        Assert.Equal(CloseOutcome.Published, closed.Result);
        var publisher = app.GetRequiredService<Publisher>();
        var published = await FilesAsync(publisher, closed.Manifest!);
        Assert.Equal(131, closed.Manifest!.Returns);

        // The nightly backup: the app's own code, to both places.
        clock.Now = Closes.AddDays(1);
        var backup = await app.GetRequiredService<TableBackup>().BackupAsync();
        var copy = new BlobServiceClient(Azurite.ConnectionString).GetBlobContainerClient(copyContainer);
        Assert.Equal(await BlobsAsync(storage.Backups), await BlobsAsync(copy));
        Assert.Equal(backup.Tables.Count + backup.Blobs!.Count + 1, (await BlobsAsync(copy)).Count);

        // The disaster: every table emptied.
        foreach (var table in storage.Tables)
        {
            await foreach (var entity in table.QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"]))
            {
                await table.DeleteEntityAsync(entity.PartitionKey, entity.RowKey);
            }
        }
        foreach (var table in storage.Tables) Assert.Empty(await table.QueryAsync<TableEntity>().ToListAsync());

        // The runbook: list the copy's backups, restore the newest into the empty tables.
        var (listed, list) = await CliProcess.RunAsync(null, "backups", "--container", copyContainer);
        Assert.True(listed == 0, list);
        Assert.Equal(backup.Name, list.Trim());
        var (restored, output) = await CliProcess.RunAsync(null, "restore", "--backup", backup.Name, "--prefix", storage.Options.TablePrefix, "--container", copyContainer);
        Assert.True(restored == 0, output);
        Assert.Contains($"Restored {backup.Name}", output, StringComparison.Ordinal);
        // A second restore refuses the tables that now hold the data, and changes nothing.
        var (again, refusal) = await CliProcess.RunAsync(null, "restore", "--backup", backup.Name, "--prefix", storage.Options.TablePrefix, "--container", copyContainer);
        Assert.Equal(1, again);
        Assert.Contains("already holds entities", refusal, StringComparison.Ordinal);

        // NPPN's recompute (RecomputeNational) of the published year, from the restored tables.
        var recomputed = await app.GetRequiredService<YearCloser>().RecomputeOnRequestAsync(2013);
        Assert.Equal(CloseOutcome.Published, recomputed.Result);
        Assert.NotEqual(closed.Manifest.Version, recomputed.Manifest!.Version);
        Assert.Equal(131, recomputed.Manifest.Returns);
        var republished = await FilesAsync(publisher, recomputed.Manifest);
        Assert.Equal(published.Keys.Order(), republished.Keys.Order());
        foreach (var (path, bytes) in published)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(republished[path]), $"{path} differs after the restore");
        }
    }

    [Fact]
    public async Task A_copy_that_cannot_be_written_fails_the_backup_after_the_first_account_holds_it_whole()
    {
        var missing = "backupcopy-missing-" + Guid.NewGuid().ToString("N")[..10];
        var clock = new FakeClock(new DateTimeOffset(2013, 9, 15, 10, 0, 0, TimeSpan.Zero));
        await using var app = await AppServices.StartAsync(clock, "admin-" + Guid.NewGuid().ToString("N"), settings: new Dictionary<string, string>
        {
            ["PpsBackupCopy"] = Azurite.ConnectionString,
            ["Pps:BackupCopyContainer"] = missing,
        });
        await app.GetRequiredService<CollectionYearStore>().SaveAsync(
            new CollectionYear { Year = 2013, Opens = Opens, Closes = Closes, NationalServiceCount = 150 }, null);
        var backups = app.GetRequiredService<TableBackup>();
        await Assert.ThrowsAsync<Azure.RequestFailedException>(() => backups.BackupAsync());
        Assert.Single(await backups.ListAsync());
    }

    [Fact]
    public async Task The_copy_cannot_be_the_backups_container_itself()
    {
        var clock = new FakeClock(new DateTimeOffset(2013, 9, 15, 10, 0, 0, TimeSpan.Zero));
        await using var app = await AppServices.StartAsync(clock, "admin-" + Guid.NewGuid().ToString("N"), settings: new Dictionary<string, string>
        {
            ["PpsBackupCopy"] = Azurite.ConnectionString,
        });
        var refused = Assert.Throws<InvalidOperationException>(() => app.GetRequiredService<TableBackup>());
        Assert.Contains("PpsBackupCopy", refused.Message, StringComparison.Ordinal);
    }

    private static async Task<Dictionary<string, byte[]>> FilesAsync(Publisher publisher, Manifest manifest)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var file in manifest.Files) files[file.Path] = (await publisher.VersionFileAsync(manifest, file))!.ToArray();
        Assert.NotEmpty(files);
        return files;
    }

    private static async Task<List<string>> BlobsAsync(BlobContainerClient container)
    {
        var names = new List<string>();
        await foreach (var blob in container.GetBlobsAsync()) names.Add($"{blob.Name} {Convert.ToHexString(blob.Properties.ContentHash)}");
        return names;
    }
}
