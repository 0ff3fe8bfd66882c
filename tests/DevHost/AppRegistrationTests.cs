using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Pps.Core.Storage;
using Pps.DevHost;
using Pps.Functions.Setup;
using Pps.Tests.Support;

namespace Pps.Tests.DevHost;

/// <summary>The app's own registration (AddPpsApp, what Program.cs and the devhost call): it builds every function and refuses bad settings at start.</summary>
public class AppRegistrationTests
{
    private static Dictionary<string, string?> GoodSettings() => new()
    {
        ["PpsStorage"] = Azurite.ConnectionString,
        ["Pps:AdminTokenSha256"] = CredentialStore.Sha256Hex("token"),
        ["Pps:TablePrefix"] = "t" + Guid.NewGuid().ToString("N")[..10],
    };

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddPpsApp(builder.Configuration);
        return builder.Build();
    }

    [Fact]
    public async Task Every_function_class_in_functions_metadata_resolves_from_the_apps_registration()
    {
        var catalog = FunctionCatalog.Load(FunctionCatalog.FindMetadata(null, RepoFiles.Root()));
        Assert.Contains(catalog.Functions, f => f.Name == "CloseCollectionYears");
        Assert.Contains(catalog.Functions, f => f.Name == "GetReturn");
        using var host = Build(GoodSettings());
        await using var scope = host.Services.CreateAsyncScope();
        foreach (var function in catalog.Functions)
        {
            var instance = ActivatorUtilities.CreateInstance(scope.ServiceProvider, function.Method.DeclaringType!);
            Assert.IsType(function.Method.DeclaringType!, instance);
        }
    }

    [Theory]
    [InlineData(null, "Pps__AdminTokenSha256 is not set")]
    [InlineData("", "Pps__AdminTokenSha256 is not set")]
    [InlineData("abc123", "Pps__AdminTokenSha256 is not a SHA-256 in hex: it has 6 characters")]
    [InlineData("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", "some are not hex digits")]
    public async Task A_missing_or_malformed_admin_token_hash_stops_the_app_at_start_naming_the_setting(string? hash, string message)
    {
        var settings = GoodSettings();
        settings["Pps:AdminTokenSha256"] = hash;
        using var host = Build(settings);
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_storage_setting_stops_the_app_at_start_naming_the_setting()
    {
        var settings = GoodSettings();
        settings.Remove("PpsStorage");
        using var host = Build(settings);
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("set PpsStorage to a connection string", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_published_prefix_that_is_not_a_folder_stops_the_app()
    {
        var settings = GoodSettings();
        settings["Pps:PublishedPrefix"] = "data";
        using var host = Build(settings);
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("Pps__PublishedPrefix", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Starting_on_empty_storage_creates_the_tables_and_containers()
    {
        var settings = GoodSettings();
        var id = Guid.NewGuid().ToString("N")[..10];
        settings["Pps:PublishedContainer"] = "pub-" + id;
        using var host = Build(settings);
        var storage = host.Services.GetRequiredService<Pps.Core.Storage.PpsStorage>();
        Assert.False(await storage.Published.ExistsAsync());
        await host.StartAsync();
        try
        {
            Assert.True(await storage.Published.ExistsAsync());
            Assert.True(await storage.Uploads.ExistsAsync());
            await storage.Years.GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>("year", "2013"); // throws if the table is missing
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
