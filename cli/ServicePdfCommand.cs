using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;

namespace Pps.Cli;

/// <summary>
/// Renders services' benchmarking packs of a published year to A4 PDFs with headless Chromium (/usr/bin/chromium,
/// never a downloaded browser) from a running host, as <see cref="ReportPdfCommand"/> renders the national report:
/// opens service.html?year=Y&amp;id=N&amp;print=1 for each service, waits until every chart is drawn
/// (body[data-ready=true]) and prints it with the page's print styles. <c>--service 24</c>, <c>24,25</c> or
/// <c>all</c> (every service with a return that year, from the published key); one file per service in
/// <c>--out</c> (a folder), named <c>service-{id}-{year}.pdf</c>.
/// </summary>
public static class ServicePdfCommand
{
    public static async Task<int> RunAsync(CommandLine options)
    {
        var year = options.Int("year", 0);
        if (year == 0) throw new CommandLineException("--year is required: the published year to render.");
        var folder = Directory.CreateDirectory(Path.GetFullPath(options.Required("out"))).FullName;
        var baseUrl = options.Optional("url", Environment.GetEnvironmentVariable("PPS_SITE_URL") ?? "http://127.0.0.1:7071/").TrimEnd('/') + "/";
        var chromium = options.Optional("chromium", "/usr/bin/chromium");
        if (!File.Exists(chromium)) throw new CommandLineException($"{chromium} does not exist: install Chromium (apt-get install chromium) or pass --chromium.");

        var watch = Stopwatch.StartNew();
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var page = await browser.NewPageAsync();
        var ids = await ServicesAsync(page, baseUrl, year, options.Required("service"));
        foreach (var id in ids)
        {
            var response = await page.GotoAsync($"{baseUrl}service.html?year={year}&id={id}&print=1");
            if (response is null || !response.Ok) throw new CommandLineException($"{baseUrl}service.html answered {response?.Status}: is the host running?");
            await page.WaitForSelectorAsync("body[data-ready]", new PageWaitForSelectorOptions { Timeout = 120_000 });
            if (await page.GetAttributeAsync("body", "data-ready") != "true")
                throw new CommandLineException($"The pack of service {id} for {year} could not be drawn: {await page.InnerTextAsync("#app")}");
            // The page shows the latest year when the one asked for is not published, and the list of services when the
            // service has no page: refuse rather than print something else under the service's name.
            if (await page.InputValueAsync("select#year") != year.ToString(CultureInfo.InvariantCulture))
                throw new CommandLineException($"{year} is not a published year at {baseUrl}.");
            if (await page.Locator("[data-not-found]").CountAsync() > 0)
                throw new CommandLineException(await page.InnerTextAsync("[data-not-found]"));
            var output = Path.Combine(folder, $"service-{id}-{year}.pdf");
            await page.PdfAsync(new PagePdfOptions { Path = output, Format = "A4", PrintBackground = true });
            Console.WriteLine($"Wrote {output} ({new FileInfo(output).Length / 1024} KiB).");
        }
        Console.WriteLine($"{ids.Count} pack(s) in {watch.ElapsedMilliseconds} ms.");
        return 0;
    }

    /// <summary>The ids asked for; "all" is every service with a return in the year's published key.</summary>
    private static async Task<IReadOnlyList<int>> ServicesAsync(IPage page, string baseUrl, int year, string which)
    {
        if (which != "all")
        {
            return which.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0
                    ? id : throw new CommandLineException($"--service: \"{s}\" is not a service number (give numbers, comma-separated, or all)."))
                .ToList();
        }
        // The same path as the site reads: config.json → index.json → the year's manifest → the key.
        async Task<JsonElement> Json(string url)
        {
            var response = await page.APIRequest.GetAsync(url);
            if (!response.Ok) throw new CommandLineException($"{url} answered {response.Status}: is the host running?");
            return JsonDocument.Parse(await response.TextAsync()).RootElement;
        }
        var folder = (await Json(baseUrl + "config.json")).GetProperty("publishedPrefix").GetString() ?? "";
        var prefix = new Uri(new Uri(baseUrl), folder.EndsWith('/') ? folder : folder + "/").ToString();
        var entry = (await Json(prefix + "index.json")).GetProperty("years").EnumerateArray()
            .FirstOrDefault(y => y.GetProperty("year").GetInt32() == year);
        if (entry.ValueKind == JsonValueKind.Undefined) throw new CommandLineException($"{year} is not a published year at {baseUrl}.");
        var manifest = await Json(prefix + entry.GetProperty("manifest").GetString());
        var key = manifest.GetProperty("files").EnumerateArray().FirstOrDefault(f => f.GetProperty("kind").GetString() == "key");
        if (key.ValueKind == JsonValueKind.Undefined) throw new CommandLineException($"The published set of {year} has no key to service numbers: give --service numbers.");
        return (await Json(prefix + key.GetProperty("path").GetString())).GetProperty("services").EnumerateArray()
            .Where(s => s.GetProperty("status").GetString() == "returned")
            .Select(s => s.GetProperty("serviceId").GetInt32()).Order().ToList();
    }
}
