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
        Console.WriteLine($"Backup {manifest.Name}: " + string.Join(", ", manifest.Tables.Select(t => $"{t.Table} {t.Entities}")));
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
        var outcome = await Backups(options).RestoreAsync(name);
        switch (outcome)
        {
            case RestoreOutcome.Restored restored:
                Console.WriteLine($"Restored {name}: " + string.Join(", ", restored.Backup.Tables.Select(t => $"{t.Table} {t.Entities}")));
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
