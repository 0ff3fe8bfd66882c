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
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.SectionName));
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
                throw new InvalidOperationException(
                    $"Storage is not configured: set {ConnectionName} to a connection string, or {ConnectionName}__tableServiceUri and {ConnectionName}__blobServiceUri.");
            }
            var credential = new DefaultAzureCredential();
            return new PpsStorage(new TableServiceClient(new Uri(tableUri), credential), new BlobServiceClient(new Uri(blobUri), credential), options);
        });
        services.AddSingleton<ReturnStore>();
        services.AddSingleton<CollectionYearStore>();
        services.AddSingleton<ReferenceDataStore>();
        return services;
    }
}
