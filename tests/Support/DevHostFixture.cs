using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Pps.Core.Returns;
using Pps.Core.Storage;
using Pps.DevHost;
using static Pps.Tests.Support.Window2013;

namespace Pps.Tests.Support;

/// <summary>
/// The real devhost (devhost/, the app's own DI registration) booted in-process on a free loopback port,
/// against tables and containers of its own in the tests' Azurite (PPS_STORAGE). Use it as:
/// <code>
/// await using var host = await DevHostFixture.StartAsync();   // or StartAsync(settings, clock, site)
/// var response = await host.Client.GetAsync("api/definitions/2013");  // Client.BaseAddress = host.BaseUrl
/// host.Client.DefaultRequestHeaders.Authorization = new("Bearer", DevHostFixture.AdminToken);  // NPPN
/// host.Clock.Now = ...;                                           // the app's TimeProvider (a FakeClock)
/// host.Storage / host.Services                                    // what the app itself uses
/// </code>
/// settings are extra configuration keys ("CloseYearSchedule", "DevHost:Site", "DevHost:BlobPollSeconds", ...);
/// by default the close timer is set to a schedule that never comes round in a test run (1 January).
/// With ["topology"] = "production" the site is packaged (site/package.mjs) into the published container and served
/// from a second origin (SiteUrl) as the static website serves it, and the API (BaseUrl) answers with the app's CORS.
/// From the command line the same host is: dotnet run --project devhost -- --port 7071 (see README.md).
/// </summary>
public sealed class DevHostFixture : IAsyncDisposable
{
    public const string AdminToken = "test-nppn-admin-token";

    private DevHostFixture(WebApplication app, PpsStorage storage, StorageOptions names, FakeClock clock)
    {
        App = app;
        StorageNames = names;
        Storage = storage;
        Clock = clock;
        BaseUrl = new Uri(DevHostApp.BaseUrl(app));
        SiteUrl = new Uri(DevHostApp.SiteUrl(app));
        Client = new HttpClient(new HttpClientHandler { AutomaticDecompression = System.Net.DecompressionMethods.All }) { BaseAddress = BaseUrl };
        Site = SiteUrl == BaseUrl ? Client : new HttpClient(new HttpClientHandler { AutomaticDecompression = System.Net.DecompressionMethods.All }) { BaseAddress = SiteUrl };
    }

    public WebApplication App { get; }
    public IServiceProvider Services => App.Services;
    public PpsStorage Storage { get; }

    /// <summary>The names of this host's tables and containers: give them to another host to run a second instance on the same storage.</summary>
    public StorageOptions StorageNames { get; }
    public FakeClock Clock { get; }
    public Uri BaseUrl { get; }

    /// <summary>Where the site is: BaseUrl, or its own origin in the production topology ("topology" = "production").</summary>
    public Uri SiteUrl { get; }
    public HttpClient Client { get; }

    /// <summary>A client of the site's origin (the same as Client unless the topology is production).</summary>
    public HttpClient Site { get; }

    /// <summary>Starts the devhost; it is now 15 September 2013 on its clock unless <paramref name="now"/> says otherwise.</summary>
    /// <param name="configure">Registrations made before the app's own, such as a pipeline policy on its storage clients (<see cref="StorageFaults"/>).</param>
    /// <param name="storage">Another host's <see cref="StorageNames"/>: this one is a second instance of the app on the same storage.</param>
    public static async Task<DevHostFixture> StartAsync(IReadOnlyDictionary<string, string>? settings = null, DateTimeOffset? now = null,
        Action<IServiceCollection>? configure = null, StorageOptions? storage = null)
    {
        // Fresh names unless shared; the devhost creates its storage itself on start.
        var names = storage ?? Azurite.NewOptions("d");
        var config = new Dictionary<string, string>(TestApp.Settings(names, AdminToken).Select(kv => KeyValuePair.Create(kv.Key, kv.Value!)))
        {
            ["port"] = "0",
            ["DevHost:Settings"] = "",
            ["DevHost:BlobPollSeconds"] = "0.2",
            ["CloseYearSchedule"] = "0 0 0 1 1 *",
            ["BackupSchedule"] = "0 0 0 1 1 *",
            ["ReminderSchedule"] = "0 0 0 1 1 *",
            ["Pps:MailQueue"] = (names.TablePrefix + "-mail").ToLowerInvariant(),
            ["DevHost:QueuePollSeconds"] = "0.2",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) config[key] = value;
        var clock = new FakeClock(now ?? Now);
        var app = DevHostApp.Build(config.Select(kv => $"--{kv.Key}={kv.Value}").ToArray(),
            services =>
            {
                services.AddSingleton<TimeProvider>(clock);
                configure?.Invoke(services);
            });
        await app.StartAsync();
        return new DevHostFixture(app, app.Services.GetRequiredService<PpsStorage>(), names, clock);
    }

    /// <summary>A service's access token for a year, issued as NPPN would.</summary>
    public async Task<string> TokenForAsync(int serviceId, int year = 2013) =>
        (await Services.GetRequiredService<CredentialStore>().IssueAsync(serviceId, year, "nppn", Clock.GetUtcNow(), "test")).Token;

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (Site != Client) Site.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
