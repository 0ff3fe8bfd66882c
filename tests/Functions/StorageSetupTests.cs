using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pps.Core.Storage;
using Pps.Functions.Setup;

namespace Pps.Tests.Functions;

/// <summary>The storage clients as Azure configures them: identity-based endpoints and the user-assigned identity's settings.</summary>
public class StorageSetupTests
{
    [Fact]
    public void Identity_based_settings_give_clients_on_those_endpoints_with_the_named_managed_identity()
    {
        var clientId = Guid.NewGuid().ToString();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            // What infra/modules/function-app.bicep writes.
            ["PpsStorage:tableServiceUri"] = "https://stexample.table.core.windows.net/",
            ["PpsStorage:blobServiceUri"] = "https://stexample.blob.core.windows.net/",
            ["PpsStorage:credential"] = "managedidentity",
            ["PpsStorage:clientId"] = clientId,
            ["Pps:TablePrefix"] = "pps",
        }).Build();
        var services = new ServiceCollection();
        services.AddPpsStorage(configuration);
        using var provider = services.BuildServiceProvider();

        var storage = provider.GetRequiredService<PpsStorage>();
        Assert.Equal("https://stexample.table.core.windows.net/ppsReturns", storage.Returns.Uri.ToString().TrimEnd('/'));
        Assert.Equal("stexample.blob.core.windows.net", storage.Backups.Uri.Host);
        // The credential the clients get is the library's reading of the same section: the user-assigned identity.
        var credential = provider.GetRequiredService<AzureComponentFactory>().CreateTokenCredential(configuration.GetSection("PpsStorage"));
        Assert.IsType<Azure.Identity.ManagedIdentityCredential>(credential);
    }
}
