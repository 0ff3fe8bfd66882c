using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pps.Core.Storage;
using Pps.Functions.Setup;
using Pps.Tests.Support;

namespace Pps.Tests.Infra;

/// <summary>
/// In Azure the app's identity has Storage Table Data Contributor on each of its tables only (infra/modules/roles.bicep),
/// which does not let it create a table: the table service answers 403 to the attempt. With the setting the template
/// sets (Pps__TablesProvisioned=true), the app starts, as the host starts it, on a table service that refuses every
/// table creation, and a table the deployment did not make stops the start with its name.
/// </summary>
public class ProvisionedTablesTests
{
    /// <summary>A table service that answers 403 to "create table", as it does for an identity whose role is on the tables.</summary>
    private sealed class NoTableCreation : HttpPipelinePolicy
    {
        private int _refused;
        public int Refused => _refused;

        private static bool IsCreateTable(Request request) =>
            request.Method == RequestMethod.Post && request.Uri.Path.TrimEnd('/').EndsWith("/Tables", StringComparison.OrdinalIgnoreCase);

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (IsCreateTable(message.Request))
            {
                Interlocked.Increment(ref _refused);
                throw new Azure.RequestFailedException(403, "This request is not authorized to perform this operation using this permission.", "AuthorizationPermissionMismatch", null);
            }
            await ProcessNextAsync(message, pipeline);
        }
    }

    private static async Task<(ServiceProvider App, Exception? Failed)> StartAsync(StorageOptions options, NoTableCreation policy)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>(options.Settings())
        {
            [StorageSetup.ConnectionName] = Azurite.ConnectionString,
            ["Pps:AdminTokenSha256"] = CredentialStore.Sha256Hex("admin"),
            // As infra/modules/function-app.bicep sets it.
            ["Pps:TablesProvisioned"] = "true",
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddPpsApp(configuration);
        services.AddAzureClients(clients => clients.ConfigureDefaults(o => o.AddPolicy(policy, HttpPipelinePosition.PerCall)));
        var app = services.BuildServiceProvider();
        try
        {
            foreach (var hosted in app.GetServices<IHostedService>()) await hosted.StartAsync(default);
            return (app, null);
        }
        catch (Exception e)
        {
            return (app, e);
        }
    }

    [Fact]
    public async Task The_app_starts_and_saves_on_tables_the_deployment_made_without_trying_to_create_one()
    {
        var options = Azurite.NewOptions();
        // The deployment (storage.bicep) made the tables.
        var deployed = PpsStorage.FromConnectionString(Azurite.ConnectionString, options);
        foreach (var table in deployed.Tables) await table.CreateIfNotExistsAsync();
        var policy = new NoTableCreation();

        var (app, failed) = await StartAsync(options, policy);
        await using (app)
        {
            Assert.Null(failed);
            Assert.Equal(0, policy.Refused);
            await Window2013.OpenAsync(app.GetRequiredService<CollectionYearStore>());
            Assert.NotNull(await app.GetRequiredService<CollectionYearStore>().GetAsync(2013));
        }
    }

    [Fact]
    public async Task A_table_the_deployment_did_not_make_stops_the_start_naming_it_and_is_not_created()
    {
        var options = Azurite.NewOptions();
        var deployed = PpsStorage.FromConnectionString(Azurite.ConnectionString, options);
        foreach (var table in deployed.Tables.Where(t => t.Name != options.MailTable)) await table.CreateIfNotExistsAsync();
        var policy = new NoTableCreation();

        var (app, failed) = await StartAsync(options, policy);
        await using (app)
        {
            var error = Assert.IsType<InvalidOperationException>(failed);
            Assert.Contains($"Table {options.MailTable} does not exist", error.Message, StringComparison.Ordinal);
            Assert.Contains("Pps__TablesProvisioned", error.Message, StringComparison.Ordinal);
            Assert.Equal(0, policy.Refused);
            var tables = new TableServiceClient(Azurite.ConnectionString).QueryAsync(t => t.Name == options.MailTable);
            Assert.Empty(await tables.ToListAsync());
        }
    }
}
