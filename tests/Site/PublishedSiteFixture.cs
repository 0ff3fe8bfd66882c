using System.Globalization;
using System.Net;
using System.Text;
using Azure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Playwright;
using Pps.Core.Catalogue;
using Pps.Core.Intake;
using Pps.Core.Publishing;
using Pps.Core.Returns;
using Pps.Core.Storage;
using Pps.Core.Synthetic;
using Pps.Tests.Support;

namespace Pps.Tests.Site;

/// <summary>
/// The site over a real close, for the browser tests. On its own Azurite storage it opens two collection
/// years, stores returns through the ReturnService the API uses (2012: synthetic full returns with reference
/// data and statistical neighbours; 2013: the 131 real self-ratings of the report's Table C), closes both
/// windows and runs the close-of-year code, which publishes them. It then serves site/dist at / and the
/// published container under /data/ on a loopback port, with the headers a deployment sets (CSP: self only,
/// no inline script or style), and starts headless Chromium (/usr/bin/chromium, never a downloaded browser).
/// <para>Needs: site/dist built (scripts/test.sh runs npm ci and the build) and /usr/bin/chromium.</para>
/// </summary>
public sealed class PublishedSiteFixture : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'";

    private static readonly DateTimeOffset Start = new(2014, 1, 6, 9, 0, 0, TimeSpan.Zero);
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _serving;
    private IPlaywright? _playwright;

    public PpsStorage Storage { get; private set; } = null!;
    public string BaseUrl { get; private set; } = "";
    public IBrowser Browser { get; private set; } = null!;
    public static string SiteRoot => RepoFiles.At("site", "dist");
    public static string Artifacts => Directory.CreateDirectory(RepoFiles.At("tests", "artifacts")).FullName;

    public async Task InitializeAsync()
    {
        if (!File.Exists(Path.Combine(SiteRoot, "index.html")))
            throw new InvalidOperationException($"{SiteRoot} is not built: run `npm ci && npm run build` in site/ (scripts/test.sh does).");
        if (!File.Exists(Chromium))
            throw new InvalidOperationException($"{Chromium} is missing: scripts/test.sh installs it with apt-get.");

        Storage = await Azurite.NewStorageAsync();
        await PublishTwoYearsAsync();

        var port = FreePort();
        BaseUrl = $"http://127.0.0.1:{port}/";
        _listener.Prefixes.Add(BaseUrl);
        _listener.Start();
        _serving = Task.Run(ServeAsync);

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
        _stop.Cancel();
        _listener.Close();
        if (_serving is not null) await _serving.ContinueWith(_ => { }, TaskScheduler.Default);
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

    public async Task<string> ReadPublishedAsync(string path) =>
        (await Storage.Published.GetBlobClient(path).DownloadContentAsync()).Value.Content.ToString();

    private async Task PublishTwoYearsAsync()
    {
        var clock = new FakeClock(Start);
        var returns = new ReturnStore(Storage);
        var years = new CollectionYearStore(Storage);
        var reference = new ReferenceDataStore(Storage);
        var service = new ReturnService(returns, years, clock);
        foreach (var year in new[] { 2012, 2013 })
        {
            await years.SaveAsync(new CollectionYear
            {
                Year = year, Opens = Start.AddDays(-30), Closes = Start.AddDays(1), NationalServiceCount = ServiceRegistry.NationalCount(year),
            }, null);
        }

        var synthetic = SyntheticReturns.Generate(seed: 2012, firstYear: 2012, lastYear: 2013);
        var imported = await reference.ImportCsvAsync(new StringReader(ReferenceCsv(synthetic)));
        Assert.True(imported.Succeeded, string.Join("; ", imported.Problems));
        var neighbours = await reference.ImportNeighboursCsvAsync(new StringReader(NeighboursCsv()));
        Assert.True(neighbours.Succeeded);

        var ratings = new List<(int ServiceId, Dictionary<string, string?> Values)>();
        using (var csv = new StreamReader(RepoFiles.At("tests", "data", "nppn-2013-exemplification-ratings.csv")))
        {
            ratings.AddRange(SelfRatingsCsv.Read(csv));
        }
        var changes = synthetic.Returns.Where(r => r.Year == 2012)
            .Select(r => new ReturnChange(2012, r.ServiceId, r.Values.AsDictionary().ToDictionary(kv => kv.Key, kv => (string?)kv.Value), [], null))
            .Concat(ratings.Select(r => new ReturnChange(2013, r.ServiceId, r.Values, [], null)));
        await Parallel.ForEachAsync(changes, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (change, _) =>
        {
            var outcome = await service.SubmitAsync(Actor.ForService(change.ServiceId), change);
            Assert.IsType<ReturnOutcome.Done>(outcome);
        });

        clock.Now = Start.AddDays(2);
        var closer = new YearCloser(Storage, returns, years, reference, new Publisher(new BlobPublishedStore(Storage.Published), clock), clock,
            NullLogger<YearCloser>.Instance);
        var outcomes = await closer.CloseDueYearsAsync();
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
        var ids = ServiceRegistry.All.Select(s => s.Id).ToList();
        var text = new StringBuilder("service_id,neighbour_id\n");
        foreach (var id in ids)
        {
            foreach (var n in ids.Where(n => n != id).OrderBy(n => Math.Abs(n - id)).Take(5)) text.Append(CultureInfo.InvariantCulture, $"{id},{n}\n");
        }
        return text.ToString();
    }

    private static int FreePort()
    {
        var socket = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        var port = ((IPEndPoint)socket.LocalEndpoint).Port;
        socket.Stop();
        return port;
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception) when (_stop.IsCancellationRequested) { return; }
            catch (HttpListenerException) { return; }
            catch (ObjectDisposedException) { return; }
            _ = Task.Run(() => RespondAsync(context));
        }
    }

    private async Task RespondAsync(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            response.Headers["Content-Security-Policy"] = ContentSecurityPolicy;
            response.Headers["X-Content-Type-Options"] = "nosniff";
            var path = Uri.UnescapeDataString(context.Request.Url!.AbsolutePath).TrimStart('/');
            if (path.Length == 0) path = "index.html";
            byte[]? body = null;
            string contentType = "application/octet-stream";
            if (path.StartsWith("data/", StringComparison.Ordinal))
            {
                if (path.Contains("manifest-provisional", StringComparison.Ordinal)) { response.StatusCode = 404; return; }
                foreach (var blob in new[] { path, path["data/".Length..] })
                {
                    try
                    {
                        var content = await Storage.Published.GetBlobClient(blob).DownloadContentAsync();
                        body = content.Value.Content.ToArray();
                        contentType = content.Value.Details.ContentType;
                        response.Headers["Cache-Control"] = content.Value.Details.CacheControl;
                        break;
                    }
                    catch (RequestFailedException e) when (e.Status == 404)
                    {
                    }
                }
            }
            else
            {
                var file = Path.GetFullPath(Path.Combine(SiteRoot, path));
                if (file.StartsWith(SiteRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal) && File.Exists(file))
                {
                    body = await File.ReadAllBytesAsync(file);
                    contentType = Path.GetExtension(file) switch
                    {
                        ".html" => "text/html; charset=utf-8",
                        ".css" => "text/css; charset=utf-8",
                        ".js" => "text/javascript; charset=utf-8",
                        ".svg" => "image/svg+xml",
                        ".txt" => "text/plain; charset=utf-8",
                        _ => "application/octet-stream",
                    };
                }
            }
            if (body is null) { response.StatusCode = 404; return; }
            response.ContentType = contentType;
            response.ContentLength64 = body.Length;
            await response.OutputStream.WriteAsync(body);
        }
        catch (HttpListenerException)
        {
        }
        finally
        {
            try { response.Close(); } catch (ObjectDisposedException) { }
        }
    }
}
