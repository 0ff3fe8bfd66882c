using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pps.Core.Storage;
using Pps.Functions.Setup;

namespace Pps.Cli;

/// <summary>
/// The app's object graph for a command: the same <c>AddPpsApp</c> the Functions worker and the devhost build, on
/// the storage account in PPS_STORAGE, or at the endpoints the command line or the environment give, signed in with
/// Microsoft Entra ID (<see cref="StorageTarget"/>), so a command sees what the app sees (the definitions NPPN published among it).
/// The tables and containers are the app's defaults, or the app's own settings from the environment
/// (<c>Pps__TablePrefix</c>, <c>Pps__ReferenceContainer</c>…, as in local.settings.sample.json).
/// </summary>
public static class CliApp
{
    /// <param name="options">The tables and containers; when null, the app's defaults and the environment's <c>Pps__…</c> settings.</param>
    /// <param name="configure">Registrations made before the app's own (they win over its TryAdd… defaults).</param>
    /// <param name="command">The command's options, for the storage account's endpoints (<see cref="StorageTarget"/>).</param>
    public static async Task<ServiceProvider> StartAsync(CommandLine? command = null, StorageOptions? options = null, Action<IServiceCollection>? configure = null)
    {
        var provider = Build(command, options, configure);
        await provider.GetRequiredService<PpsStorage>().EnsureCreatedAsync();
        return provider;
    }

    /// <summary>As <see cref="StartAsync"/>, on tables and containers that exist already.</summary>
    public static ServiceProvider Build(CommandLine? command = null, StorageOptions? options = null, Action<IServiceCollection>? configure = null)
    {
        var storage = StorageTarget.Settings(command ?? CommandLine.Parse([]), Environment.GetEnvironmentVariables());
        var fromEnvironment = options is null;
        options ??= new StorageOptions();
        var builder = new ConfigurationBuilder().AddInMemoryCollection(storage).AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{StorageOptions.SectionName}:{nameof(StorageOptions.TablePrefix)}"] = options.TablePrefix,
            [$"{StorageOptions.SectionName}:{nameof(StorageOptions.UploadsContainer)}"] = options.UploadsContainer,
            [$"{StorageOptions.SectionName}:{nameof(StorageOptions.ReportsContainer)}"] = options.ReportsContainer,
            [$"{StorageOptions.SectionName}:{nameof(StorageOptions.PublishedContainer)}"] = options.PublishedContainer,
            [$"{StorageOptions.SectionName}:{nameof(StorageOptions.ReferenceContainer)}"] = options.ReferenceContainer,
            [$"{StorageOptions.SectionName}:{nameof(StorageOptions.ProvisionalContainer)}"] = options.ProvisionalContainer,
            [$"{StorageOptions.SectionName}:{nameof(StorageOptions.BackupsContainer)}"] = options.BackupsContainer,
            [$"{StorageOptions.SectionName}:{nameof(StorageOptions.PublishedPrefix)}"] = options.PublishedPrefix,
        });
        if (fromEnvironment) builder.AddInMemoryCollection(AppSettingsInEnvironment());
        var configuration = builder.Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        configure?.Invoke(services);
        services.AddPpsApp(configuration);
        return services.BuildServiceProvider();
    }

    /// <summary>The environment's "Pps__Name" settings as the app's "Pps:Name" (the storage account comes from <see cref="StorageTarget"/>).</summary>
    private static Dictionary<string, string?> AppSettingsInEnvironment()
    {
        var prefix = StorageOptions.SectionName + "__";
        var settings = new Dictionary<string, string?>();
        foreach (System.Collections.DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            if (variable.Key is string key && key.StartsWith(prefix, StringComparison.Ordinal))
            {
                settings[$"{StorageOptions.SectionName}:{key[prefix.Length..].Replace("__", ":", StringComparison.Ordinal)}"] = variable.Value as string;
            }
        }
        return settings;
    }
}
