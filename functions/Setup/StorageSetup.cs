using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pps.Core.Storage;

namespace Pps.Functions.Setup;

public static class StorageSetup
{
    /// <summary>The connection name the app and its blob trigger share.</summary>
    public const string ConnectionName = "PpsStorage";

    /// <summary>
    /// Binds <see cref="StorageOptions"/> from the "Pps" section and registers the storage account's clients
    /// through Microsoft.Extensions.Azure (<c>AddAzureClients</c>), reading the same "PpsStorage" connection the
    /// blob trigger reads: a connection string locally (Azurite), or identity-based in Azure
    /// ("PpsStorage__tableServiceUri", "PpsStorage__blobServiceUri" and "PpsStorage__queueServiceUri", with the credential that
    /// <see cref="AzureComponentFactory.CreateTokenCredential"/> builds from "PpsStorage__credential" and
    /// "PpsStorage__clientId": the user-assigned managed identity the Bicep creates).
    /// </summary>
    public static IServiceCollection AddPpsStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        services.AddOptions<StorageConnectionOptions>()
            .Configure(o =>
            {
                o.ConnectionString = configuration[ConnectionName];
                o.TableServiceUri = configuration.GetSection(ConnectionName)["tableServiceUri"];
                o.BlobServiceUri = configuration.GetSection(ConnectionName)["blobServiceUri"];
            })
            .Validate(o => !string.IsNullOrWhiteSpace(o.ConnectionString)
                    || (!string.IsNullOrWhiteSpace(o.TableServiceUri) && !string.IsNullOrWhiteSpace(o.BlobServiceUri)),
                StorageConnectionOptions.Missing)
            .ValidateOnStart();
        var connection = configuration.GetSection(ConnectionName);
        // AddAzureClients forwards the Azure SDK's own event logs into ILogger: at Information that is every storage
        // request and response (tens of thousands of lines a collection, billed by Application Insights). Keep its warnings.
        services.AddLogging(logging => logging.AddFilter("Azure.Core", LogLevel.Warning).AddFilter("Azure.Identity", LogLevel.Warning));
        services.AddAzureClients(clients =>
        {
            // The credential comes from "PpsStorage__credential" / "PpsStorage__clientId" (and the other keys
            // Azure.Identity knows); only built when the endpoints are identity-based.
            clients.AddClient<TableServiceClient, TableClientOptions>((options, provider) => Endpoint(connection, "tableServiceUri") is { } uri
                ? new TableServiceClient(uri, Credential(provider, connection), options)
                : new TableServiceClient(ConnectionString(connection), options));
            clients.AddClient<BlobServiceClient, BlobClientOptions>((options, provider) => Endpoint(connection, "blobServiceUri") is { } uri
                ? new BlobServiceClient(uri, Credential(provider, connection), options)
                : new BlobServiceClient(ConnectionString(connection), options));
            // The mail outbox. Base64, as the Functions queue extension reads messages by default.
            clients.AddClient<QueueServiceClient, QueueClientOptions>((options, provider) =>
            {
                options.MessageEncoding = QueueMessageEncoding.Base64;
                return Endpoint(connection, "queueServiceUri") is { } uri
                    ? new QueueServiceClient(uri, Credential(provider, connection), options)
                    : new QueueServiceClient(ConnectionString(connection), options);
            });
        });
        services.AddSingleton(provider => new PpsStorage(
            provider.GetRequiredService<TableServiceClient>(),
            provider.GetRequiredService<BlobServiceClient>(),
            provider.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.AddSingleton<ReturnStore>();
        services.AddSingleton<CollectionYearStore>();
        services.AddSingleton<ReferenceDataStore>();
        services.AddHostedService<StorageInitializer>();
        return services;
    }

    private static Azure.Core.TokenCredential Credential(IServiceProvider provider, IConfigurationSection connection) =>
        provider.GetRequiredService<AzureComponentFactory>().CreateTokenCredential(connection);

    /// <summary>An identity-based endpoint ("PpsStorage__tableServiceUri"), or null when a connection string is used.</summary>
    private static Uri? Endpoint(IConfigurationSection connection, string key) =>
        string.IsNullOrWhiteSpace(connection.Value) && connection[key] is { Length: > 0 } uri ? new Uri(uri) : null;

    private static string ConnectionString(IConfigurationSection connection) =>
        string.IsNullOrWhiteSpace(connection.Value)
            ? throw new InvalidOperationException(StorageConnectionOptions.Missing)
            : connection.Value;
}

/// <summary>Where the storage account is: "PpsStorage" (a connection string) or its two service URIs.</summary>
public sealed class StorageConnectionOptions
{
    public const string Missing =
        $"Storage is not configured: set {StorageSetup.ConnectionName} to a connection string, or {StorageSetup.ConnectionName}__tableServiceUri and {StorageSetup.ConnectionName}__blobServiceUri.";

    public string? ConnectionString { get; set; }
    public string? TableServiceUri { get; set; }
    public string? BlobServiceUri { get; set; }
}

/// <summary>Every table prefix and container name is set, and the published prefix is a folder.</summary>
public sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var failures = new List<string>();
        void Required(string setting, string? value)
        {
            if (string.IsNullOrWhiteSpace(value)) failures.Add($"Pps__{setting} is empty; it must name the {setting} (see local.settings.sample.json).");
        }
        Required(nameof(StorageOptions.TablePrefix), options.TablePrefix);
        Required(nameof(StorageOptions.UploadsContainer), options.UploadsContainer);
        Required(nameof(StorageOptions.ReportsContainer), options.ReportsContainer);
        Required(nameof(StorageOptions.PublishedContainer), options.PublishedContainer);
        Required(nameof(StorageOptions.ReferenceContainer), options.ReferenceContainer);
        Required(nameof(StorageOptions.ProvisionalContainer), options.ProvisionalContainer);
        Required(nameof(StorageOptions.BackupsContainer), options.BackupsContainer);
        if (!string.IsNullOrWhiteSpace(options.MailQueue) && !System.Text.RegularExpressions.Regex.IsMatch(options.MailQueue, "^[a-z0-9](?!.*--)[a-z0-9-]{1,54}[a-z0-9]$"))
        {
            failures.Add($"Pps__MailQueue is \"{options.MailQueue}\"; a queue name is 3 to 56 lower-case letters, digits and single hyphens (the poison queue adds \"-poison\").");
        }
        if (options.PublishedPrefix is { Length: > 0 } prefix && (!prefix.EndsWith('/') || prefix.StartsWith('/')))
        {
            failures.Add($"Pps__PublishedPrefix is \"{prefix}\"; it must be a folder such as \"data/\" (ending with '/', not starting with one), or empty.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
