using Pps.Core.Storage;

namespace Pps.Tests.Support;

/// <summary>
/// Storage for tests: the Azurite that scripts/test.sh started (PPS_STORAGE), with tables and containers
/// of their own per call so that tests running in parallel never see each other's data.
/// </summary>
public static class Azurite
{
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("PPS_STORAGE")
        ?? throw new InvalidOperationException(
            "PPS_STORAGE is not set: run the tests with scripts/test.sh, which starts Azurite and sets it.");

    public static async Task<PpsStorage> NewStorageAsync()
    {
        var storage = PpsStorage.FromConnectionString(ConnectionString, NewOptions());
        await storage.EnsureCreatedAsync();
        return storage;
    }

    /// <summary>Table prefix and container names of their own, for a test that builds its storage through the app's DI.</summary>
    public static StorageOptions NewOptions(string suffix = "") => StorageOptions.ForRun(Guid.NewGuid().ToString("N")[..10] + suffix);
}
