using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Pps.Core.Publishing;

namespace Pps.Cli;

/// <summary>
/// Renders the national report of a published year to an A4 PDF with headless Chromium (/usr/bin/chromium,
/// never a downloaded browser) from a running host: opens report.html?year=Y&amp;print=1, waits until the page
/// says every chart is drawn (body[data-ready=true]) and prints it with the page's print styles, twice, so that the
/// contents give each heading's page (<see cref="ReportPrinter"/>). The demo renders and publishes its report the same way.
/// </summary>
public static class ReportPdfCommand
{
    /// <summary>A report as rendered: the PDF, and the published version and number of returns the page showed.</summary>
    public sealed record Rendered(ReportPrinter.Printed Printed, string Version, int Returns, TimeSpan Elapsed);

    public static async Task<int> RunAsync(CommandLine options)
    {
        var year = options.Int("year", 0);
        if (year == 0) throw new CommandLineException("--year is required: the published year to render.");
        var output = Path.GetFullPath(options.Required("out"));
        var baseUrl = options.Optional("url", Environment.GetEnvironmentVariable("PPS_SITE_URL") ?? "http://127.0.0.1:7071/");
        var rendered = await RenderAsync(baseUrl, year, options.Optional("chromium", "/usr/bin/chromium"));
        await File.WriteAllBytesAsync(output, rendered.Printed.Pdf);
        Console.WriteLine($"Wrote {output} ({Describe(rendered)}).");
        if (options.Optional("publish", "false") != "true") return 0;
        var entry = await PublishAsync(options, year, rendered);
        Console.WriteLine($"Published {entry.File.Path} ({entry.File.Bytes / 1024} KiB, SHA-256 {entry.File.Sha256}) in version {entry.Version} of {year}.");
        return 0;
    }

    /// <summary>Size, pages and time of a rendered report, for a person reading the command's output.</summary>
    public static string Describe(Rendered rendered) =>
        $"{rendered.Printed.Pdf.Length / 1024} KiB, {rendered.Printed.Pages} pages, rendered in {rendered.Elapsed.TotalSeconds:0.0} s: " +
        $"prints of {rendered.Printed.FirstPass.TotalSeconds:0.0} and {rendered.Printed.SecondPass.TotalSeconds:0.0} s, the second with the contents' page numbers";

    /// <summary>Opens the report of <paramref name="year"/> at <paramref name="baseUrl"/> in headless Chromium, waits until it is drawn, and prints it.</summary>
    public static async Task<Rendered> RenderAsync(string baseUrl, int year, string chromium = "/usr/bin/chromium")
    {
        baseUrl = baseUrl.TrimEnd('/') + "/";
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
        var response = await page.GotoAsync($"{baseUrl}report.html?year={year}&print=1");
        if (response is null || !response.Ok) throw new CommandLineException($"{baseUrl}report.html answered {response?.Status}: is the host running?");
        await page.WaitForSelectorAsync("body[data-ready]", new PageWaitForSelectorOptions { Timeout = 120_000 });
        if (await page.GetAttributeAsync("body", "data-ready") != "true")
        {
            throw new CommandLineException($"The report for {year} could not be drawn: {await page.InnerTextAsync("#app")}");
        }
        // The page shows the latest year when the one asked for is not published: refuse rather than print another year.
        if (await page.InputValueAsync("select#year") != year.ToString(CultureInfo.InvariantCulture))
        {
            throw new CommandLineException($"{year} is not a published year at {baseUrl}.");
        }
        ReportPrinter.Printed printed;
        try
        {
            printed = await ReportPrinter.PrintAsync(page);
        }
        catch (InvalidOperationException e)
        {
            throw new CommandLineException(e.Message);
        }
        var version = await page.GetAttributeAsync("body", "data-version")
            ?? throw new CommandLineException("The report page does not say which published version it shows.");
        var returns = int.Parse(await page.GetAttributeAsync("body", "data-returns") ?? "0", CultureInfo.InvariantCulture);
        return new Rendered(printed, version, returns, watch.Elapsed);
    }

    /// <summary>
    /// Adds the PDF to the published set it was rendered from (the version the page read), in the storage account of
    /// PPS_STORAGE (or the command's endpoints): the function app cannot run Chromium, so this step runs beside it.
    /// Refused when another version was published since.
    /// </summary>
    public static async Task<(ManifestFile File, string Version)> PublishAsync(CommandLine options, int year, Rendered rendered)
    {
        await using var app = CliApp.Build(options);
        var publisher = app.GetRequiredService<Publisher>();
        try
        {
            var manifest = await publisher.AttachAsync(year, ReportPdf.File(year, rendered.Printed.Pdf, rendered.Returns), rendered.Version);
            return (manifest.Files.Single(f => f.Kind == ReportPdf.Kind), manifest.Version);
        }
        catch (InvalidOperationException e)
        {
            throw new CommandLineException(e.Message);
        }
    }
}
