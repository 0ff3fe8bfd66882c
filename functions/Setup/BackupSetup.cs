using Azure.Storage.Blobs;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Pps.Core.Backup;
using Pps.Core.Storage;

namespace Pps.Functions.Setup;

public static class BackupSetup
{
    /// <summary>The connection of the backup copy's account, read as "PpsStorage" is (a connection string, or its blob endpoint with a credential).</summary>
    public const string CopyConnectionName = "PpsBackupCopy";

    /// <summary>
    /// The table backup and restore (adapters/Backup). Needs <see cref="StorageSetup.AddPpsStorage"/>. Every backup is
    /// also written to "PpsBackupCopy" when it is set: a connection string, or (in Azure)
    /// "PpsBackupCopy__blobServiceUri" with "PpsBackupCopy__credential" and "PpsBackupCopy__clientId", the second
    /// account in another region that infra/modules/backup-copy.bicep creates. Its container is
    /// "Pps__BackupCopyContainer" (the backups container's name by default).
    /// </summary>
    public static IServiceCollection AddPpsBackup(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => Copy(provider, configuration.GetSection(CopyConnectionName)));
        services.TryAddSingleton<TableBackup>();
        return services;
    }

    private static BackupCopy Copy(IServiceProvider provider, IConfigurationSection connection)
    {
        var options = provider.GetRequiredService<IOptions<StorageOptions>>().Value;
        var container = string.IsNullOrWhiteSpace(options.BackupCopyContainer) ? options.BackupsContainer : options.BackupCopyContainer;
        BlobServiceClient account;
        if (!string.IsNullOrWhiteSpace(connection.Value)) account = new BlobServiceClient(connection.Value);
        else if (connection["blobServiceUri"] is { Length: > 0 } uri)
        {
            account = new BlobServiceClient(new Uri(uri), provider.GetRequiredService<AzureComponentFactory>().CreateTokenCredential(connection));
        }
        else return BackupCopy.None;
        var copy = account.GetBlobContainerClient(container);
        if (copy.Uri == provider.GetRequiredService<PpsStorage>().Backups.Uri)
        {
            throw new InvalidOperationException(
                $"{CopyConnectionName} and Pps__BackupCopyContainer name the backups container itself ({copy.Uri}): the copy must be another container, in another account in Azure.");
        }
        return new BackupCopy(copy);
    }
}
