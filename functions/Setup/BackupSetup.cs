using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Pps.Core.Backup;

namespace Pps.Functions.Setup;

public static class BackupSetup
{
    /// <summary>The table backup and restore (core/Backup). Needs <see cref="StorageSetup.AddPpsStorage"/>.</summary>
    public static IServiceCollection AddPpsBackup(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<TableBackup>();
        return services;
    }
}
