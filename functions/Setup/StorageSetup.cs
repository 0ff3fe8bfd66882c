using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pps.Core.Storage;

namespace Pps.Functions.Setup;

public static class StorageSetup
{
    /// <summary>The connection name the app and its blob trigger share.</summary>
    public const string ConnectionName = "PpsStorage";

    /// <summary>
    /// Binds <see cref="StorageOptions"/> from the "Pps" section and registers the storage account:
    /// a connection string in "PpsStorage" locally (Azurite), or identity-based in Azure
    /// ("PpsStorage__tableServiceUri" and "PpsStorage__blobServiceUri" with the app's managed identity).
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
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<StorageOptions>>().Value;
            var connectionString = configuration[ConnectionName];
            if (!string.IsNullOrWhiteSpace(connectionString))
            {
                return PpsStorage.FromConnectionString(connectionString, options);
            }
            var section = configuration.GetSection(ConnectionName);
            var tableUri = section["tableServiceUri"];
            var blobUri = section["blobServiceUri"];
            if (string.IsNullOrWhiteSpace(tableUri) || string.IsNullOrWhiteSpace(blobUri))
            {
                throw new InvalidOperationException(StorageConnectionOptions.Missing);
            }
            var credential = new DefaultAzureCredential();
            return new PpsStorage(new TableServiceClient(new Uri(tableUri), credential), new BlobServiceClient(new Uri(blobUri), credential), options);
        });
        services.AddSingleton<ReturnStore>();
        services.AddSingleton<CollectionYearStore>();
        services.AddSingleton<ReferenceDataStore>();
        services.AddHostedService<StorageInitializer>();
        return services;
    }
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
        if (options.PublishedPrefix is { Length: > 0 } prefix && (!prefix.EndsWith('/') || prefix.StartsWith('/')))
        {
            failures.Add($"Pps__PublishedPrefix is \"{prefix}\"; it must be a folder such as \"data/\" (ending with '/', not starting with one), or empty.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
