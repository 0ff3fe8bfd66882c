using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Pps.Cli;

/// <summary>
/// Renders the national report of a published year to an A4 PDF with headless Chromium (/usr/bin/chromium,
/// never a downloaded browser) from a running host: opens report.html?year=Y&amp;print=1, waits until the page
/// says every chart is drawn (body[data-ready=true]) and prints it with the page's print styles, twice, so that the
/// contents give each heading's page (<see cref="ReportPrinter"/>).
/// </summary>
public static class ReportPdfCommand
{
    public static async Task<int> RunAsync(CommandLine options)
    {
        var year = options.Int("year", 0);
        if (year == 0) throw new CommandLineException("--year is required: the published year to render.");
        var output = Path.GetFullPath(options.Required("out"));
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
        var response = await page.GotoAsync($"{baseUrl}report.html?year={year}&print=1");
        if (response is null || !response.Ok) throw new CommandLineException($"{baseUrl}report.html answered {response?.Status}: is the host running?");
        await page.WaitForSelectorAsync("body[data-ready]", new PageWaitForSelectorOptions { Timeout = 120_000 });
        if (await page.GetAttributeAsync("body", "data-ready") != "true")
        {
            throw new CommandLineException($"The report for {year} could not be drawn: {await page.InnerTextAsync("#app")}");
        }
        // The page shows the latest year when the one asked for is not published: refuse rather than print another year.
        if (await page.InputValueAsync("select#year") != year.ToString(System.Globalization.CultureInfo.InvariantCulture))
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
        await File.WriteAllBytesAsync(output, printed.Pdf);
        Console.WriteLine($"Wrote {output} ({printed.Pdf.Length / 1024} KiB, {printed.Pages} pages) in {watch.ElapsedMilliseconds} ms " +
            $"(prints of {printed.FirstPass.TotalMilliseconds:F0} and {printed.SecondPass.TotalMilliseconds:F0} ms, the second with the contents' page numbers).");
        if (options.Optional("publish", "false") != "true") return 0;

        // --publish: add the PDF to the published set it was rendered from (the version the page read), in the
        // storage account of PPS_STORAGE: the function app cannot run Chromium, so this step runs beside it.
        var version = await page.GetAttributeAsync("body", "data-version")
            ?? throw new CommandLineException("The report page does not say which published version it shows.");
        var returns = int.Parse(await page.GetAttributeAsync("body", "data-returns") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        await using var app = CliApp.Build(options);
        var publisher = app.GetRequiredService<Pps.Core.Publishing.Publisher>();
        try
        {
            var manifest = await publisher.AttachAsync(year, Pps.Core.Publishing.ReportPdf.File(year, await File.ReadAllBytesAsync(output), returns), version);
            var entry = manifest.Files.Single(f => f.Kind == Pps.Core.Publishing.ReportPdf.Kind);
            Console.WriteLine($"Published {entry.Path} ({entry.Bytes / 1024} KiB, SHA-256 {entry.Sha256}) in version {manifest.Version} of {year}.");
        }
        catch (InvalidOperationException e)
        {
            throw new CommandLineException(e.Message);
        }
        return 0;
    }
}
