using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pps.Core.Storage;
using Pps.Functions.Setup;

namespace Pps.Cli;

/// <summary>
/// The app's object graph for a command: the same <c>AddPpsApp</c> the Functions worker and the devhost build, on
/// the storage account in PPS_STORAGE, so a command sees what the app sees (the definitions NPPN published among it).
/// </summary>
public static class CliApp
{
    /// <param name="options">The tables and containers; the app's defaults when null.</param>
    /// <param name="configure">Registrations made before the app's own (they win over its TryAdd… defaults).</param>
    public static async Task<ServiceProvider> StartAsync(StorageOptions? options = null, Action<IServiceCollection>? configure = null)
    {
        var provider = Build(options, configure);
        await provider.GetRequiredService<PpsStorage>().EnsureCreatedAsync();
        return provider;
    }

    /// <summary>As <see cref="StartAsync"/>, on tables and containers that exist already.</summary>
    public static ServiceProvider Build(StorageOptions? options = null, Action<IServiceCollection>? configure = null)
    {
        var connection = Environment.GetEnvironmentVariable("PPS_STORAGE")
            ?? throw new CommandLineException("PPS_STORAGE is not set: run through scripts/run-pipeline.sh, which starts Azurite and sets it.");
        options ??= new StorageOptions();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [StorageSetup.ConnectionName] = connection,
            [$"{StorageOptions.SectionName}:{nameof(StorageOptions.TablePrefix)}"] = options.TablePrefix,
            [$"{StorageOptions.SectionName}:{nameof(StorageOptions.UploadsContainer)}"] = options.UploadsContainer,
            [$"{StorageOptions.SectionName}:{nameof(StorageOptions.ReportsContainer)}"] = options.ReportsContainer,
            [$"{StorageOptions.SectionName}:{nameof(StorageOptions.PublishedContainer)}"] = options.PublishedContainer,
            [$"{StorageOptions.SectionName}:{nameof(StorageOptions.ReferenceContainer)}"] = options.ReferenceContainer,
            [$"{StorageOptions.SectionName}:{nameof(StorageOptions.ProvisionalContainer)}"] = options.ProvisionalContainer,
            [$"{StorageOptions.SectionName}:{nameof(StorageOptions.BackupsContainer)}"] = options.BackupsContainer,
            [$"{StorageOptions.SectionName}:{nameof(StorageOptions.PublishedPrefix)}"] = options.PublishedPrefix,
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        configure?.Invoke(services);
        services.AddPpsApp(configuration);
        return services.BuildServiceProvider();
    }
}
