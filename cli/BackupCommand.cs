using Microsoft.Extensions.DependencyInjection;
using Pps.Core.Backup;
using Pps.Core.Storage;

namespace Pps.Cli;

/// <summary>
/// NPPN's table backups: take one, list them, restore one into empty tables. The account is PPS_STORAGE, or its
/// endpoints with Entra ID (<see cref="StorageTarget"/>); the tables and the backups may be in two accounts
/// (<c>--table-endpoint</c> of the target, <c>--blob-endpoint</c> of the backup copy's account).
/// </summary>
public static class BackupCommand
{
    public static async Task<int> BackupAsync(CommandLine options)
    {
        var manifest = await Backups(options).BackupAsync();
        Console.WriteLine($"Backup {manifest.Name}: " + string.Join(", ", manifest.Tables.Select(t => $"{t.Table} {t.Entities}")) + $", reference blobs {manifest.Blobs?.Count ?? 0}");
        return 0;
    }

    public static async Task<int> ListAsync(CommandLine options)
    {
        foreach (var name in await Backups(options).ListAsync()) Console.WriteLine(name);
        return 0;
    }

    public static async Task<int> RestoreAsync(CommandLine options)
    {
        var name = options.Required("backup");
        // The backups may be read from another account than the data's (--blob-endpoint of the copy account): the
        // reference container's blobs (NPPN's narratives, definitions, reference data) then go back to the data
        // account's, which --reference-endpoint names; with only the one account (--account, PPS_STORAGE) it is that one's.
        var referenceEndpoint = options.Value("reference-endpoint");
        if (referenceEndpoint is null && options.Value(StorageTarget.TableEndpointOption) is not null)
        {
            throw new CommandLineException("With --table-endpoint, give --reference-endpoint too: the data account's blob endpoint, where the backup's reference blobs (NPPN's narratives and definitions) go back.");
        }
        Azure.Storage.Blobs.BlobContainerClient? reference = referenceEndpoint is null ? null
            : new Azure.Storage.Blobs.BlobServiceClient(new Uri(referenceEndpoint), new Azure.Identity.DefaultAzureCredential()).GetBlobContainerClient(new StorageOptions().ReferenceContainer);
        var outcome = await Backups(options).RestoreAsync(name, reference: reference);
        switch (outcome)
        {
            case RestoreOutcome.Restored restored:
                Console.WriteLine($"Restored {name}: " + string.Join(", ", restored.Backup.Tables.Select(t => $"{t.Table} {t.Entities}")) + $", reference blobs {restored.Backup.Blobs?.Count ?? 0}");
                return 0;
            case RestoreOutcome.NotFound(var message):
                Console.Error.WriteLine(message);
                return 1;
            case RestoreOutcome.NotEmpty(var message):
                Console.Error.WriteLine(message);
                return 1;
            case RestoreOutcome.Corrupt(var message):
                Console.Error.WriteLine(message);
                return 1;
            default:
                throw new InvalidOperationException($"Unexpected outcome {outcome}.");
        }
    }

    /// <summary>The tables under --prefix (default pps) and the container --container (default backups).</summary>
    private static TableBackup Backups(CommandLine options)
    {
        var app = CliApp.Build(options, new StorageOptions
        {
            TablePrefix = options.Optional("prefix", new StorageOptions().TablePrefix),
            BackupsContainer = options.Optional("container", new StorageOptions().BackupsContainer),
        });
        app.GetRequiredService<PpsStorage>().Backups.CreateIfNotExists();
        return app.GetRequiredService<TableBackup>();
    }
}
