using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pps.Core.Storage;
using Pps.Functions.Setup;

namespace Pps.Tests.Support;

/// <summary>
/// The app's object graph, built through its own registration (AddPpsApp, as functions/Program.cs does), on
/// tables and containers of this test's own in the Azurite that scripts/test.sh started.
/// </summary>
public static class AppServices
{
    public static async Task<ServiceProvider> StartAsync(TimeProvider clock, string adminToken, Action<ILoggingBuilder>? logging = null,
        IReadOnlyDictionary<string, string>? settings = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(TestApp.Settings(Azurite.NewOptions(), adminToken)
            .Concat((settings ?? new Dictionary<string, string>()).Select(kv => KeyValuePair.Create(kv.Key, (string?)kv.Value)))).Build();
        var services = new ServiceCollection()
            .AddLogging(builder => logging?.Invoke(builder))
            .AddSingleton(clock);
        services.AddPpsApp(configuration);
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<PpsStorage>().EnsureCreatedAsync();
        return provider;
    }
}
