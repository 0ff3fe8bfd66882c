using Microsoft.Extensions.Configuration;
using Pps.Core.Storage;
using Pps.Functions.Setup;

namespace Pps.Bench;

/// <summary>The app's configuration for one benchmark run: the Azurite in PPS_STORAGE, with tables and containers of the run's own.</summary>
public static class BenchConfiguration
{
    /// <summary>The Azurite connection string in PPS_STORAGE; null (having said how to set it) when there is none.</summary>
    public static string? Connection()
    {
        var connection = Environment.GetEnvironmentVariable("PPS_STORAGE");
        if (!string.IsNullOrWhiteSpace(connection)) return connection;
        Console.Error.WriteLine("PPS_STORAGE is not set: start Azurite with scripts/azurite.sh (source it, then azurite_start) and run again.");
        return null;
    }

    public static IConfiguration ForRun(string connection, string id) => new ConfigurationBuilder().AddInMemoryCollection(
        new Dictionary<string, string?>(StorageOptions.ForRun(id, tablePrefix: "bench").Settings())
        {
            [StorageSetup.ConnectionName] = connection,
            ["Pps:AdminTokenSha256"] = CredentialStore.Sha256Hex("bench-admin-" + id),
        }).Build();
}
