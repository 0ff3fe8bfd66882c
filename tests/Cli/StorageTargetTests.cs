using System.Collections;
using Azure.Identity;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pps.Cli;
using Pps.Core.Storage;

namespace Pps.Tests.Cli;

/// <summary>
/// The cli reaches an account whose shared keys are off (every account the Bicep creates) through its endpoints and
/// Microsoft Entra ID. There is no Azure here: these tests check what the options become and that the app's graph
/// builds on them with a token credential; the restore itself is rehearsed on Azurite (RestoreRunbookTests).
/// </summary>
public class StorageTargetTests
{
    private static readonly Hashtable NoEnvironment = new();

    private static Dictionary<string, string?> Settings(IDictionary environment, params string[] args) =>
        StorageTarget.Settings(CommandLine.Parse(args), environment);

    [Fact]
    public void An_account_name_gives_its_public_endpoints_and_no_connection_string()
    {
        var settings = Settings(new Hashtable { ["PPS_STORAGE"] = "UseDevelopmentStorage=true" }, "--account", "stpps01");
        Assert.Null(settings["PpsStorage"]);
        Assert.Equal("https://stpps01.table.core.windows.net/", settings["PpsStorage:tableServiceUri"]);
        Assert.Equal("https://stpps01.blob.core.windows.net/", settings["PpsStorage:blobServiceUri"]);
        Assert.Equal("https://stpps01.queue.core.windows.net/", settings["PpsStorage:queueServiceUri"]);
    }

    [Fact]
    public void Endpoints_may_name_two_accounts_and_the_queue_follows_the_blobs()
    {
        var settings = Settings(NoEnvironment, "--table-endpoint", "https://stnew.table.core.windows.net/",
            "--blob-endpoint", "https://stbcopy.blob.core.windows.net/");
        Assert.Equal("https://stnew.table.core.windows.net/", settings["PpsStorage:tableServiceUri"]);
        Assert.Equal("https://stbcopy.blob.core.windows.net/", settings["PpsStorage:blobServiceUri"]);
        Assert.Equal("https://stbcopy.queue.core.windows.net/", settings["PpsStorage:queueServiceUri"]);
    }

    [Fact]
    public void The_environment_takes_the_app_settings_names_and_the_options_win_over_it()
    {
        var environment = new Hashtable
        {
            ["PPS_STORAGE"] = "UseDevelopmentStorage=true",
            ["PpsStorage__tableServiceUri"] = "https://stenv.table.core.windows.net/",
            ["PpsStorage__blobServiceUri"] = "https://stenv.blob.core.windows.net/",
            ["PpsStorage__clientId"] = "00000000-0000-0000-0000-000000000001",
        };
        var settings = Settings(environment);
        Assert.Null(settings["PpsStorage"]);
        Assert.Equal("https://stenv.table.core.windows.net/", settings["PpsStorage:tableServiceUri"]);
        Assert.Equal("00000000-0000-0000-0000-000000000001", settings["PpsStorage:clientId"]);
        Assert.Equal("https://stopt.table.core.windows.net/", Settings(environment, "--account", "stopt")["PpsStorage:tableServiceUri"]);
        Assert.Equal("https://stacct.blob.core.windows.net/", Settings(new Hashtable { ["PPS_STORAGE_ACCOUNT"] = "stacct" })["PpsStorage:blobServiceUri"]);
        // With no endpoints anywhere, the connection string as before.
        Assert.Equal("UseDevelopmentStorage=true", Settings(new Hashtable { ["PPS_STORAGE"] = "UseDevelopmentStorage=true" })["PpsStorage"]);
    }

    [Theory]
    [InlineData("--account", "St_Pps", null, null, "--account \"St_Pps\" is not a storage account name")]
    [InlineData("--account", "stpps", "--blob-endpoint", "https://a.blob.core.windows.net/", "give either it or --table-endpoint and --blob-endpoint")]
    [InlineData("--table-endpoint", "https://a.table.core.windows.net/", null, null, "--blob-endpoint is required with --table-endpoint")]
    [InlineData("--blob-endpoint", "https://a.blob.core.windows.net/", null, null, "--table-endpoint is required with --blob-endpoint")]
    [InlineData("--table-endpoint", "http://a.table.core.windows.net/", "--blob-endpoint", "https://a.blob.core.windows.net/", "--table-endpoint \"http://a.table.core.windows.net/\" is not an https URI")]
    [InlineData("--table-endpoint", "a.table.core.windows.net", "--blob-endpoint", "https://a.blob.core.windows.net/", "is not an https URI")]
    public void Bad_options_are_refused_naming_the_option(string name, string value, string? other, string? otherValue, string message)
    {
        var args = other is null ? new[] { name, value } : [name, value, other, otherValue!];
        var refused = Assert.Throws<CommandLineException>(() => Settings(NoEnvironment, args));
        Assert.Contains(message, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void With_nothing_set_the_message_names_both_ways_in()
    {
        var refused = Assert.Throws<CommandLineException>(() => Settings(NoEnvironment));
        Assert.Contains("PPS_STORAGE", refused.Message, StringComparison.Ordinal);
        Assert.Contains("--account", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// The app's own graph (AddPpsApp) on an account's endpoints: the clients point at them and the credential is
    /// DefaultAzureCredential. A call then asks Entra ID for a token, which fails here (no Azure sign-in, no network):
    /// it never falls back to a key.
    /// </summary>
    [Fact]
    public async Task The_apps_graph_builds_on_the_endpoints_with_DefaultAzureCredential()
    {
        await using var app = CliApp.Build(CommandLine.Parse(["--account", "stppsrestore"]), new StorageOptions { TablePrefix = "pps" });
        var storage = app.GetRequiredService<PpsStorage>();
        Assert.Equal(new Uri("https://stppsrestore.table.core.windows.net/ppsReturns"), storage.Returns.Uri);
        Assert.Equal(new Uri("https://stppsrestore.blob.core.windows.net/backups"), storage.Backups.Uri);
        var section = app.GetRequiredService<IConfiguration>().GetSection("PpsStorage");
        Assert.IsType<DefaultAzureCredential>(app.GetRequiredService<AzureComponentFactory>().CreateTokenCredential(section));

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await Assert.ThrowsAnyAsync<AuthenticationFailedException>(() => storage.Returns.GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>("2013", "1", cancellationToken: timeout.Token));
    }

    [Fact]
    public async Task A_restore_from_another_accounts_backups_must_say_where_the_reference_blobs_go_back()
    {
        // The backups are the copy account's (--blob-endpoint): without --reference-endpoint, NPPN's narratives and
        // definitions would be written back to the copy's reference container, not the data account's.
        var refused = await Assert.ThrowsAsync<CommandLineException>(() => BackupCommand.RestoreAsync(CommandLine.Parse([
            "--backup", "20261125T033000Z-a1b2c3", "--table-endpoint", "https://stdata.table.core.windows.net/", "--blob-endpoint", "https://stbkcopy.blob.core.windows.net/"])));
        Assert.Contains("--reference-endpoint", refused.Message, StringComparison.Ordinal);
    }
}
