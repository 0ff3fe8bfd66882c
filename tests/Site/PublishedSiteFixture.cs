using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Pps.Core.Catalogue;
using Pps.Core.Definition;
using Pps.Core.Intake;
using Pps.Core.Publishing;
using Pps.Core.Returns;
using Pps.Core.Storage;
using Pps.Synthetic;
using Pps.Tests.Support;

namespace Pps.Tests.Site;

/// <summary>
/// The site over a real close, for the browser tests. On its own Azurite storage it opens two collection
/// years, stores returns through the ReturnService the API uses (2012: synthetic full returns with reference
/// data and statistical neighbours; 2013: the 131 real self-ratings of the report's Table C), closes both
/// windows and runs the close-of-year code, which publishes them. Everything runs in the real devhost
/// (<see cref="DevHostFixture"/>: the app's own DI registration) in the production topology, as deployed: the site is
/// packaged (site/package.mjs) and served from an origin of its own, as the static website serves it, with the
/// published set under /data/, and the API answers from another origin with the app's CORS (CSP: self and the API).
/// Headless Chromium is /usr/bin/chromium, never a downloaded browser.
/// <para>Needs: site/dist built (scripts/test.sh runs npm ci and the build) and /usr/bin/chromium.</para>
/// </summary>
public sealed class PublishedSiteFixture : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";

    private static readonly DateTimeOffset Start = new(2014, 1, 6, 9, 0, 0, TimeSpan.Zero);
    private IPlaywright? _playwright;

    public DevHostFixture Host { get; private set; } = null!;
    /// <summary>The site's origin (the static website), not the API's.</summary>
    public string BaseUrl => Host.SiteUrl.ToString();
    public IBrowser Browser { get; private set; } = null!;
    public static string SiteRoot => RepoFiles.At("site", "dist");
    public static string Artifacts => Directory.CreateDirectory(RepoFiles.At("tests", "artifacts")).FullName;

    public async Task InitializeAsync()
    {
        if (!File.Exists(Path.Combine(SiteRoot, "index.html")))
            throw new InvalidOperationException($"{SiteRoot} is not built: run `npm ci && npm run build` in site/ (scripts/test.sh does).");
        if (!File.Exists(Chromium))
            throw new InvalidOperationException($"{Chromium} is missing: scripts/test.sh installs it with apt-get.");

        // The site as deployed: packaged into the static website's origin, the API on another with the app's CORS.
        Host = await DevHostFixture.StartAsync(new Dictionary<string, string> { ["topology"] = "production" }, now: Start);
        if (Host.SiteUrl == Host.BaseUrl) throw new InvalidOperationException("The production topology puts the site and the API on two origins.");
        await PublishTwoYearsAsync();

        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        if (Host is not null) await Host.DisposeAsync();
    }

    /// <summary>A new page with the site's CSP violations and script errors collected.</summary>
    public async Task<(IPage Page, List<string> Errors)> NewPageAsync(int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") errors.Add(message.Text); };
        page.PageError += (_, error) => errors.Add(error);
        return (page, errors);
    }

    /// <summary>Opens a page and waits until it says it is ready (body[data-ready=true]: every chart drawn).</summary>
    public async Task OpenAsync(IPage page, string path)
    {
        await page.GotoAsync(BaseUrl + path);
        await page.WaitForSelectorAsync("body[data-ready=true]", new PageWaitForSelectorOptions { Timeout = 60_000 });
    }

    /// <summary>A published file as the publisher wrote it (a path as the index and manifests give it).</summary>
    public async Task<string> ReadPublishedAsync(string path) =>
        (await BlobPublishedStore.For(Host.Storage).ReadAsync(path, default))!.Value.Content.ToString();

    private async Task PublishTwoYearsAsync()
    {
        var clock = Host.Clock;
        var years = Host.Services.GetRequiredService<CollectionYearStore>();
        var reference = Host.Services.GetRequiredService<ReferenceDataStore>();
        var service = Host.Services.GetRequiredService<ReturnService>();
        foreach (var year in new[] { 2012, 2013 })
        {
            await years.SaveAsync(new CollectionYear
            {
                Year = year, Opens = Start.AddDays(-30), Closes = Start.AddDays(1), NationalServiceCount = ServicesNationally.BuiltIn.InYear(year),
            }, null);
        }

        var ratings = new List<(int ServiceId, Dictionary<string, string?> Values)>();
        using (var csv = new StreamReader(RepoFiles.At("tests", "data", "nppn-2013-exemplification-ratings.csv")))
        {
            ratings.AddRange(SelfRatingsCsv.Read(csv));
        }
        // The synthetic 2012 ratings walk back from the real 2013 ones (as the demo's do), so that the changes the pages
        // show are as many as a real year's.
        var synthetic = SyntheticReturns.Generate(seed: 2012, firstYear: 2012, lastYear: 2013, new SyntheticOptions
        {
            LastYearRatings = ratings.ToDictionary(r => r.ServiceId, r => (IReadOnlyDictionary<string, string?>)Exemplifications.All
                .ToDictionary(e => e.Code, e => r.Values.GetValueOrDefault(FieldIds.Rating(e.Code)))),
        });
        var imported = await reference.ImportCsvAsync(new StringReader(ReferenceCsv(synthetic)));
        Assert.True(imported.Succeeded, string.Join("; ", imported.Problems));
        var neighbours = await reference.ImportNeighboursCsvAsync(new StringReader(NeighboursCsv()));
        Assert.True(neighbours.Succeeded);

        var changes = synthetic.Returns.Where(r => r.Year == 2012)
            .Select(r => new ReturnChange(2012, r.ServiceId, r.Values.AsDictionary().ToDictionary(kv => kv.Key, kv => (string?)kv.Value), [], null))
            .Concat(ratings.Select(r => new ReturnChange(2013, r.ServiceId, r.Values, [], null)));
        await Parallel.ForEachAsync(changes, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (change, _) =>
        {
            var outcome = await service.SubmitAsync(Actor.ForService(change.ServiceId), change);
            Assert.IsType<ReturnOutcome.Done>(outcome);
        });

        // 2013's narrative as the demo writes it: NPPN's commentary from the printed report.
        var narrative = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(RepoFiles.At("tests", "data", "report-2013-narrative.json")))
            .RootElement.GetProperty("sections").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        Assert.IsType<NarrativeOutcome.Saved>(await Host.Services.GetRequiredService<NarrativeStore>().SaveAsync(Actor.Nppn, 2013, narrative, null));

        clock.Now = Start.AddDays(2);
        var outcomes = await Host.Services.GetRequiredService<YearCloser>().CloseDueYearsAsync();
        Assert.Equal([2012, 2013], outcomes.Where(o => o.Result == CloseOutcome.Published).Select(o => o.Year).Order());
    }

    private static string ReferenceCsv(SyntheticData data)
    {
        var text = new StringBuilder("service_id,year,region,population_0_19,sen_pupils,fsm_pupils,source\n");
        foreach (var row in data.Reference.Rows)
        {
            text.Append(CultureInfo.InvariantCulture, $"{row.ServiceId},{row.Year},\"{row.Region}\",{row.Population0To19},{row.SenPupils},{row.FsmPupils},\"{SyntheticReturns.ReferenceSource}\"\n");
        }
        return text.ToString();
    }

    /// <summary>Each service's statistical neighbours: the five services with the nearest ids (a stand-in for NPPN's list).</summary>
    private static string NeighboursCsv()
    {
        var ids = ServiceCatalogue.BuiltIn.All.Select(s => s.Id).ToList();
        var text = new StringBuilder("service_id,neighbour_id\n");
        foreach (var id in ids)
        {
            foreach (var n in ids.Where(n => n != id).OrderBy(n => Math.Abs(n - id)).Take(5)) text.Append(CultureInfo.InvariantCulture, $"{id},{n}\n");
        }
        return text.ToString();
    }
}
