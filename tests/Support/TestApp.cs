using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Pps.Core.Storage;
using Pps.Functions.Setup;

namespace Pps.Tests.Support;

/// <summary>
/// The app's object graph as Program.cs builds it (AddPpsApp), on per-test tables and
/// containers in Azurite, with a clock the test moves. A second TestApp over the same <see cref="StorageOptions"/>
/// is a fresh process on the same storage (after a crash, say).
/// </summary>
public sealed class TestApp : IDisposable
{
    public const string AdminToken = "test-nppn-admin-token";

    private readonly ServiceProvider _provider;

    private TestApp(ServiceProvider provider, StorageOptions options, FakeClock clock) =>
        (_provider, Options, Clock) = (provider, options, clock);

    public StorageOptions Options { get; }
    public FakeClock Clock { get; }
    public IServiceProvider Services => _provider;

    public T Get<T>() where T : notnull => _provider.GetRequiredService<T>();

    /// <summary>A function class, activated as the Functions host activates it (constructor injection from the app's services).</summary>
    public T Function<T>() => ActivatorUtilities.CreateInstance<T>(_provider);

    /// <param name="options">The storage of an earlier TestApp to open again; new tables and containers when null.</param>
    /// <param name="configure">Registrations made before the app's own (they win over its TryAdd… defaults), such as <see cref="WriteFaults"/>.</param>
    public static async Task<TestApp> StartAsync(DateTimeOffset now, StorageOptions? options = null, Action<IServiceCollection>? configure = null,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        options ??= Azurite.NewOptions();
        var values = Settings(options, AdminToken);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) values[key] = value;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var clock = new FakeClock(now);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<TimeProvider>(clock);
        configure?.Invoke(services);
        services.AddPpsApp(configuration);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        await provider.GetRequiredService<PpsStorage>().EnsureCreatedAsync();
        return new TestApp(provider, options, clock);
    }

    /// <summary>
    /// What every test host of the app is configured with (this one, <see cref="AppServices"/>, <see cref="DevHostFixture"/>):
    /// the storage names, Azurite's connection and NPPN's credential as its SHA-256, as the app is given it in Azure.
    /// </summary>
    public static Dictionary<string, string?> Settings(StorageOptions options, string adminToken) => new(options.Settings())
    {
        [StorageSetup.ConnectionName] = Azurite.ConnectionString,
        ["Pps:AdminTokenSha256"] = CredentialStore.Sha256Hex(adminToken),
    };

    public void Dispose() => _provider.Dispose();
}
