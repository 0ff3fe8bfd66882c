using Microsoft.Extensions.DependencyInjection;
using System.Text.Json;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Pps.Core.Definition;
using UglyToad.PdfPig;
using Xunit.Abstractions;

namespace Pps.Tests.Site;

/// <summary>
/// The published site in headless Chromium over a real close (see <see cref="PublishedSiteFixture"/>): what
/// the pages show is what was published, they work by keyboard, pass axe-core's WCAG 2.2 AA rules, and the
/// report prints to A4. Screenshots and the PDF are kept in tests/artifacts/.
/// </summary>
[Trait("Category", "Browser")]
public sealed partial class SiteBrowserTests(PublishedSiteFixture site, ITestOutputHelper output) : IClassFixture<PublishedSiteFixture>
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The printed 2013 report's standing passages the project keeps beside those it had from the start (issue 26): "A
    /// brief history" and "What do Parent Partnership Services do?" in the introduction, and the Code of Practice's minimum
    /// standards opening each section of Part 2: the id, the heading and a sentence of each, and the report section it is in.
    /// </summary>
    public static readonly (string Id, string Heading, string Sentence, string Section)[] StandingFromThePrintedReport =
    [
        ("history", "A brief history", "The project arose out of work started in the south west region in 2001", "report-introduction"),
        ("role", "What do Parent Partnership Services do?", "became statutory when the SEN and Disability Act 2001 (SENDA) amended the 1996 Education Act", "report-introduction"),
        ("standards-type", "Minimum standards: type of service provision", "All LEAs must make arrangements for Parent Partnership Services.", "report-type"),
        ("standards-budget", "Minimum standards: service budget", "Set out their funding and budgeting plans for the service", "report-budget"),
        ("standards-staffing", "Minimum standards: staffing", "They use their best endeavours to recruit sufficient Independent Parental Supporters", "report-staffing"),
        ("standards-access", "Minimum standards: access to the service", "That information about the available services is publicised widely in the area using a variety of means", "report-access"),
        ("standards-casework", "Minimum standards: casework and other roles", "That practical support is offered to parents, either individually or in groups", "report-casework"),
        ("standards-strategic", "Minimum standards: involvement in strategic work", "That parents' views are heard and understood, and inform and influence the development of local SEN policy and practice.", "report-strategic"),
    ];

    private async Task<JsonElement> PublishedFigureAsync(int year, string kind, string id)
    {
        var index = JsonDocument.Parse(await site.ReadPublishedAsync("index.json")).RootElement;
        var manifestPath = index.GetProperty("years").EnumerateArray().Single(y => y.GetProperty("year").GetInt32() == year).GetProperty("manifest").GetString()!;
        var manifest = JsonDocument.Parse(await site.ReadPublishedAsync(manifestPath)).RootElement;
        var file = manifest.GetProperty("files").EnumerateArray()
            .Single(f => f.GetProperty("kind").GetString() == kind && f.GetProperty("figureId").GetString() == id);
        return JsonDocument.Parse(await site.ReadPublishedAsync(file.GetProperty("path").GetString()!)).RootElement;
    }

    /// <summary>A service's page as published: from the shard whose id range holds it (the manifest lists no file per service).</summary>
    private async Task<JsonElement> PublishedServiceAsync(int year, int id)
    {
        var index = JsonDocument.Parse(await site.ReadPublishedAsync("index.json")).RootElement;
        var manifestPath = index.GetProperty("years").EnumerateArray().Single(y => y.GetProperty("year").GetInt32() == year).GetProperty("manifest").GetString()!;
        var files = JsonDocument.Parse(await site.ReadPublishedAsync(manifestPath)).RootElement.GetProperty("files").EnumerateArray().ToList();
        Assert.DoesNotContain(files, f => f.GetProperty("kind").GetString() == "service");
        var shard = files.Single(f => f.GetProperty("kind").GetString() == "services" && f.GetProperty("first").GetInt32() <= id && id <= f.GetProperty("last").GetInt32());
        var services = JsonDocument.Parse(await site.ReadPublishedAsync(shard.GetProperty("path").GetString()!)).RootElement.GetProperty("services").EnumerateArray().ToList();
        Assert.True(services.Count > 1, "a shard holds several services");
        return services.Single(s => s.GetProperty("serviceId").GetInt32() == id);
    }

    /// <summary>
    /// The page as a reader sees it, kept in tests/artifacts/ (docs/site.md): <c>{name}.png</c> the first screen on opening
    /// it; <c>{name}-full.png</c> the whole page, scrolled through first so that every chart drawn as it comes into view
    /// (the dashboard's) is drawn, as a reader scrolling down would see it.
    /// </summary>
    private static async Task ScreenshotAsync(IPage page, string name)
    {
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(PublishedSiteFixture.Artifacts, name + ".png") });
        await page.EvaluateAsync("""
            async () => {
              for (let y = 0; y < document.documentElement.scrollHeight; y += window.innerHeight) {
                window.scrollTo(0, y);
                await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
              }
              window.scrollTo(0, 0);
            }
            """);
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('[data-chart]')].every((c) => c.dataset.drawn === 'true')", null, new PageWaitForFunctionOptions { Timeout = 60_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(PublishedSiteFixture.Artifacts, name + "-full.png"), FullPage = true, Timeout = 120_000 });
    }

    [Fact]
    public async Task Dashboard_shows_chart_4_2a_as_published_with_its_chart_drawn()
    {
        var (page, errors) = await site.NewPageAsync();
        await site.OpenAsync(page, "index.html?year=2013");

        var figure = await PublishedFigureAsync(2013, "figure", "chart-4-2a");
        var columns = figure.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("id").GetString()).ToList();
        int At(string id) => columns.IndexOf(id);
        var section = page.Locator("[data-figure=chart-4-2a]");
        Assert.Contains("N = 131", await section.InnerTextAsync());
        // Columns by their headings (columns with no data in any row, 2011 and 2012 here, are left out on the page).
        var headings = (await section.Locator("thead th").AllInnerTextsAsync()).ToList();
        var labels = figure.GetProperty("columns").EnumerateArray().ToDictionary(c => c.GetProperty("id").GetString()!, c => c.GetProperty("label").GetString()!);
        int Cell(string id) => headings.IndexOf(labels[id]) - 1;   // the first heading is the row's own
        Assert.True(Cell("count_2013") >= 0 && Cell("pct_2013") >= 0, string.Join(" | ", headings));
        foreach (var row in figure.GetProperty("rows").EnumerateArray().Select(r => r.EnumerateArray().ToList()))
        {
            var label = row[At("label")].GetString()!;
            var cells = await section.Locator("tbody tr").Filter(new LocatorFilterOptions { Has = page.Locator($"th:text-is('{label}')") })
                .Locator("td").AllInnerTextsAsync();
            Assert.Equal(row[At("count_2013")].GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture), cells[Cell("count_2013")]);
            Assert.Equal($"{row[At("pct_2013")].GetInt32()}%", cells[Cell("pct_2013")]);
        }
        await DrawnWhenSeenAsync(page, "chart-4-2a");
        Assert.Contains("table that follows", await page.Locator("[data-chart=chart-4-2a] canvas").GetAttributeAsync("aria-label"));
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Dashboard_draws_the_first_screen_at_once_and_every_other_chart_as_it_comes_into_view()
    {
        var (page, errors) = await site.NewPageAsync();
        await site.OpenAsync(page, "index.html?year=2013");
        var charts = await page.Locator("[data-chart]").CountAsync();
        // At ready: every chart that starts within the first screen is drawn, and the charts far below are not yet.
        var counts = await page.EvaluateAsync<int[]>(@"() => {
            const all = [...document.querySelectorAll('[data-chart]')];
            const first = all.filter(c => c.getBoundingClientRect().top < window.innerHeight);
            return [first.length, first.filter(c => c.dataset.drawn === 'true').length, all.filter(c => c.dataset.drawn === 'true').length];
        }");
        var (inFirstScreen, drawnInFirstScreen, drawn) = (counts[0], counts[1], counts[2]);
        Assert.True(charts > 40, $"{charts} charts on the 2013 dashboard");
        Assert.Equal(inFirstScreen, drawnInFirstScreen);
        Assert.True(drawn < charts, $"all {charts} charts were drawn before the reader scrolled");
        // Scrolling down the page draws each chart as it comes near.
        for (var i = 0; i < charts; i++) await page.Locator("[data-chart]").Nth(i).ScrollIntoViewIfNeededAsync();
        // Until no chart is left undrawn (a selector, not a script: the page's CSP allows no eval).
        await page.WaitForSelectorAsync("[data-chart]:not([data-drawn=true])", new PageWaitForSelectorOptions { State = WaitForSelectorState.Detached, Timeout = 60_000 });
        Assert.Equal(charts, await page.Locator("[data-chart][data-drawn=true]").CountAsync());
        Assert.Empty(errors);
    }

    /// <summary>Scrolls a chart into view and waits until it is drawn.</summary>
    private static async Task DrawnWhenSeenAsync(IPage page, string chartId)
    {
        var chart = page.Locator($"[data-chart={chartId}]");
        await chart.ScrollIntoViewIfNeededAsync();
        await page.WaitForSelectorAsync($"[data-chart={chartId}][data-drawn=true]", new PageWaitForSelectorOptions { Timeout = 30_000 });
    }

    [Fact]
    public async Task The_year_selector_lists_every_published_year_and_switches_the_figures()
    {
        var (page, errors) = await site.NewPageAsync();
        await site.OpenAsync(page, "index.html");
        Assert.Equal(["2013", "2012"], await page.Locator("#year option").AllInnerTextsAsync());
        Assert.StartsWith("2013: 131 returns", await page.Locator(".pps-lede").Last.InnerTextAsync());

        await page.SelectOptionAsync("#year", "2012");
        await page.WaitForSelectorAsync("body[data-ready=true]");
        Assert.Contains("year=2012", page.Url);
        var tableB = await PublishedFigureAsync(2012, "figure", "table-b");
        var returns = tableB.GetProperty("returns").GetInt32();
        Assert.True(returns > 100, $"2012 has synthetic Part 2 returns: {returns}");
        Assert.Contains($"N = {returns}", await page.Locator("[data-figure=table-b]").InnerTextAsync());
        await DrawnWhenSeenAsync(page, "chart-8");
        await ScreenshotAsync(page, "dashboard-2012");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Service_24_page_shows_its_34_ratings_as_published()
    {
        var (page, errors) = await site.NewPageAsync();
        await site.OpenAsync(page, "service.html?year=2013&id=24");
        Assert.Equal("24 Bath & NE Somerset", await page.Locator("h1").InnerTextAsync());

        var published = await PublishedServiceAsync(2013, 24);
        var ratings = published.GetProperty("ratings").EnumerateArray().ToList();
        Assert.Equal(34, ratings.Count);
        var rows = page.Locator("#ratings tbody tr");
        Assert.Equal(34, await rows.CountAsync());
        for (var i = 0; i < ratings.Count; i++)
        {
            Assert.Equal(ratings[i].GetProperty("code").GetString(), await rows.Nth(i).GetAttributeAsync("data-code"));
            Assert.Equal(ratings[i].GetProperty("ratingLabel").GetString(), await rows.Nth(i).Locator("td").First.InnerTextAsync());
            // Table C's mark against the same service's 2012 rating, in words.
            var change = ratings[i].GetProperty("change").GetString() switch
            {
                "higher" => "Higher than last year", "lower" => "Lower than last year", "same" => "Same as last year", _ => "no comparison",
            };
            Assert.Equal(change, await rows.Nth(i).Locator("td").Nth(2).InnerTextAsync());
        }
        Assert.Contains(ratings, r => r.GetProperty("change").GetString() is "higher" or "lower");
        Assert.Equal(published.GetProperty("lines").GetArrayLength(), await page.Locator("#measures tbody tr").CountAsync());
        await ScreenshotAsync(page, "service-24");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task The_services_page_lists_every_service_with_a_return_from_the_key_and_links_to_its_page()
    {
        var (page, errors) = await site.NewPageAsync();
        await site.OpenAsync(page, "service.html?year=2013");
        var links = page.Locator(".pps-service-list a");
        Assert.Equal(131, await links.CountAsync());
        Assert.Equal("24 Bath & NE Somerset", await page.Locator(".pps-service-list a[href$='id=24']").InnerTextAsync());
        await page.Locator(".pps-service-list a[href$='id=24']").ClickAsync();
        await page.WaitForSelectorAsync("body[data-ready=true]");
        Assert.Equal("24 Bath & NE Somerset", await page.Locator("h1").InnerTextAsync());
        Assert.Empty(errors);
    }

    [Fact]
    public async Task The_report_follows_the_printed_reports_structure_with_its_standing_text_and_appendices_2_and_3_in_full()
    {
        var (page, errors) = await site.NewPageAsync();
        await site.OpenAsync(page, "report.html?year=2013");

        Assert.Equal([
                "Contents", "Introduction", "Summary", "Who took part",
                "Part 1: self-assessment against the exemplifications of the minimum standards", "Part 2: additional national data collection",
                "Using the benchmarking data", "Notes on method", "Appendix 1: key to service numbers",
                "Appendix 2: the exemplifications of the minimum standards", "Appendix 3: the questions of the 2013 return",
            ], await page.Locator("#app h2").AllInnerTextsAsync());
        // The standing text where the printed report had it: how results are presented in Part 1; how services can be
        // compared and the cautionary notes opening Part 2.
        Assert.Contains("How the results are presented", await page.Locator("section:has(> #part-1-title)").InnerTextAsync());
        var part2 = await page.Locator("section:has(> #part-2-title)").InnerTextAsync();
        Assert.Contains("How can services be compared?", part2);
        Assert.Contains("Cautionary notes", part2);
        Assert.True(part2.IndexOf("Cautionary notes", StringComparison.Ordinal) < part2.IndexOf("Type of service provision", StringComparison.Ordinal));
        Assert.Equal(2, await page.Locator("#report-introduction [data-text='standing:about'] ul.govuk-list--bullet").CountAsync());   // Markdown lists as lists
        // The printed report's history, what services do, and each Part 2 section's minimum standards: published with the
        // set (kind "narrative") and shown, heading and words, in the section the printed report had them.
        var standing = (await PublishedFigureAsync(2013, "narrative", "narrative")).GetProperty("standing").EnumerateArray()
            .ToDictionary(s => s.GetProperty("id").GetString()!, s => (Title: s.GetProperty("title").GetString()!, Markdown: s.GetProperty("markdown").GetString()!));
        foreach (var (id, heading, sentence, section) in StandingFromThePrintedReport)
        {
            Assert.True(standing.TryGetValue(id, out var published), $"the published set has no standing passage '{id}'");
            Assert.Equal(heading, published.Title);
            Assert.Contains(sentence, published.Markdown);
            var shown = page.Locator($"#{section} [data-text='standing:{id}']");
            Assert.Equal(heading, await shown.Locator("h3, h4").First.InnerTextAsync());
            Assert.Contains(sentence, await shown.InnerTextAsync());
        }
        // In the introduction in the printed report's order: the history, NPPN's introduction, about the report, what services do.
        Assert.Equal(["standing:history", "narrative:introduction", "standing:about", "standing:role"],
            await page.Locator("#report-introduction > [data-text]").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.text)"));

        // NPPN's 2013 commentary (the printed report's, saved as the demo saves it) in the sections the printed report had it.
        Assert.Contains("This is the tenth year in which national data", await page.Locator("#report-introduction [data-text='narrative:introduction']").InnerTextAsync());
        Assert.Contains("The total budget for 2013 -14 has fallen again this year", await page.Locator("#report-budget [data-text='narrative:budget']").InnerTextAsync());
        Assert.Contains("There are 8 exemplifications covering working with parents.", await page.Locator("#report-exemplifications [data-text='narrative:area-1']").InnerTextAsync());
        Assert.Equal("Highlights for 2013", await page.Locator("#report-budget [data-text='narrative:budget'] h4").First.InnerTextAsync());
        Assert.DoesNotContain("](", await page.Locator("#report-introduction").InnerTextAsync());   // links as links, not Markdown
        Assert.Equal("https://www.parentpartnership.org.uk", await page.Locator("#report-introduction [data-text='narrative:introduction'] a").First.GetAttributeAsync("href"));

        // Appendix 2: every exemplification, each with its three levels; Appendix 3: every question of the 2013 definition, in its order.
        Assert.Equal(34, await page.Locator("#report-appendix-2 [data-exemplification]").CountAsync());
        Assert.Equal(34 * 3, await page.Locator("#report-appendix-2 [data-exemplification] dt").CountAsync());
        Assert.Contains("copies of the PPS policy on impartiality and confidentiality",
            await page.Locator("#report-appendix-2 [data-exemplification='2f'] li").AllInnerTextsAsync());
        var questions = await page.Locator("#report-appendix-3 [data-question]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.question)");
        Assert.Equal(BuiltInDefinitions.All.For(2013).Fields.Select(f => f.Id), questions);
        Assert.Contains("A self-rating against the exemplification (Appendix 2)", await page.Locator("#report-appendix-3 [data-question='rating.1a']").InnerTextAsync());
        await page.Locator("#report-appendix-2").ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(PublishedSiteFixture.Artifacts, "report-2013-appendix-2.png") });
        Assert.Empty(errors);
    }

    [Fact]
    public async Task The_report_prints_to_A4_with_table_C_in_it()
    {
        var (page, errors) = await site.NewPageAsync();
        await site.OpenAsync(page, "report.html?year=2013&print=1");
        var started = System.Diagnostics.Stopwatch.StartNew();
        var pdf = await page.PdfAsync(new PagePdfOptions { Format = "A4", PrintBackground = true, Path = Path.Combine(PublishedSiteFixture.Artifacts, "report-2013.pdf") });
        output.WriteLine($"PDF: {pdf.Length / 1024} KiB in {started.ElapsedMilliseconds} ms");

        using var document = PdfDocument.Open(pdf);
        output.WriteLine($"{document.NumberOfPages} pages");
        // Cover, summary, contents, who took part, Part 1 (Charts 1-4, 34 exemplification charts, Table C),
        // Part 2, method and Appendix 1, each part on a new page: dozens of pages, not hundreds.
        Assert.InRange(document.NumberOfPages, 25, 200);   // Table C in full: one table per area, about 4 pages each
        var first = document.GetPage(1);
        Assert.InRange(first.Width, 594, 596);   // A4: 595 × 842 points
        Assert.InRange(first.Height, 841, 843);
        var text = string.Join("\n", document.GetPages().Select(p => p.Text));
        Assert.Contains("Table C: Self rating of each Parent Partnership Service", text);
        Assert.Contains("Appendix 1: key to service numbers", text);
        Assert.DoesNotContain("Skip to main content", text);   // no navigation on paper
        Assert.DoesNotContain("Collection year", text);
        Assert.Empty(errors);
    }

    /// <summary>Runs a poppler tool (pdftotext, pdfinfo; scripts/test.sh installs them) and returns what it wrote.</summary>
    private static string Poppler(string tool, params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = System.Diagnostics.Process.Start(start)!;
        var text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{tool} failed: {process.StandardError.ReadToEnd()}");
        return text;
    }

    [Fact]
    public async Task The_report_pdf_numbers_every_page_holds_all_of_table_c_and_nothing_runs_past_the_page()
    {
        var (page, errors) = await site.NewPageAsync();
        await site.OpenAsync(page, "report.html?year=2013&print=1");
        var path = Path.Combine(PublishedSiteFixture.Artifacts, "report-2013-checked.pdf");
        var started = System.Diagnostics.Stopwatch.StartNew();
        // As `pps report-pdf` prints it: twice, the second time with the contents' page numbers written in.
        var printed = await Pps.Cli.ReportPrinter.PrintAsync(page);
        await File.WriteAllBytesAsync(path, printed.Pdf);
        output.WriteLine($"PDF: {printed.Pages} pages, {printed.Pdf.Length / 1024} KiB in {started.ElapsedMilliseconds} ms (prints of {printed.FirstPass.TotalMilliseconds:F0} and {printed.SecondPass.TotalMilliseconds:F0} ms)");
        // The first pages as a reader sees them (cover, contents), kept beside the screenshots at a legible resolution.
        Poppler("pdftoppm", "-r", "80", "-png", "-f", "1", "-l", "4", path, Path.Combine(PublishedSiteFixture.Artifacts, "report-2013-page"));

        var pages = int.Parse(System.Text.RegularExpressions.Regex.Match(Poppler("pdfinfo", path), @"Pages:\s+(\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var texts = Enumerable.Range(1, pages).Select(n => Poppler("pdftotext", "-layout", "-f", $"{n}", "-l", $"{n}", path, "-")).ToList();
        for (var n = 1; n <= pages; n++) Assert.True(texts[n - 1].Contains($"Page {n} of {pages}", StringComparison.Ordinal), $"page {n} has no number");
        // The first print hides the charts (it is read for its headings' pages only); the PDF itself has every one.
        var charts = await page.Locator("[data-chart] canvas").CountAsync();
        var images = Poppler("pdfimages", "-list", path).Split('\n').Skip(2).Count(l => l.Trim().Length > 0);
        Assert.True(images >= charts, $"the PDF holds {images} images for the report's {charts} charts");
        // The report ends on its last words, not on a page with nothing but the footer (the line with the page's number).
        var lastBody = string.Join("\n", texts[^1].Split('\n').Where(l => !l.Contains($"Page {pages} of {pages}", StringComparison.Ordinal)));
        Assert.False(string.IsNullOrWhiteSpace(lastBody), $"page {pages}, the last, shows nothing but its footer");
        // The contents give each heading's page: read on paper, the number after each entry is a page that shows that heading.
        static string Squash(string text) => System.Text.RegularExpressions.Regex.Replace(text.Replace("\ufb01", "fi", StringComparison.Ordinal).Replace("\ufb02", "fl", StringComparison.Ordinal), @"\s+", "");
        var entries = await page.EvaluateAsync<string[][]>("() => [...document.querySelectorAll('.pps-report-contents__entry')].map((li) => [li.querySelector('a').textContent, li.querySelector('[data-page-of]').textContent])");
        Assert.True(entries.Length > 40, $"the contents list {entries.Length} headings");
        var firstListed = int.Parse(entries[0][1], System.Globalization.CultureInfo.InvariantCulture);
        var contentsText = Squash(string.Concat(texts.Take(firstListed - 1)));
        Assert.Contains("Contents", contentsText);
        var last = 0;
        foreach (var entry in entries)
        {
            var number = int.Parse(entry[1], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(number >= last && number <= pages, $"'{entry[0]}' is given page {number}, after page {last}, of {pages}");
            Assert.True(contentsText.Contains(Squash(entry[0]) + entry[1], StringComparison.Ordinal), $"the printed contents do not give '{entry[0]}' page {number}");
            Assert.True(Squash(texts[number - 1]).Contains(Squash(entry[0]), StringComparison.Ordinal), $"page {number} does not show '{entry[0]}'");
            last = number;
        }

        // The standing text the printed report had, on paper too: each passage's heading and a sentence of it.
        var paper = Squash(string.Concat(texts));
        foreach (var (id, heading, sentence, _) in StandingFromThePrintedReport)
        {
            Assert.True(paper.Contains(Squash(heading), StringComparison.Ordinal), $"the PDF does not show the heading of '{id}': {heading}");
            Assert.True(paper.Contains(Squash(sentence), StringComparison.Ordinal), $"the PDF does not show '{id}': {sentence}");
        }

        // The fixture's reference rows are synthetic, so the cover says the report holds synthetic data, and so does every footer.
        Assert.Contains("This page shows synthetic data", texts[0]);
        Assert.All(texts, t => Assert.Contains("Contains SYNTHETIC DATA", t));

        // Table C as published: every exemplification's column and every service's row must be on paper.
        var tableC = await PublishedFigureAsync(2013, "figure", "table-c");
        var codes = tableC.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("id").GetString()!)
            .Where(id => System.Text.RegularExpressions.Regex.IsMatch(id, "^[0-9][a-h]$")).ToList();
        var services = tableC.GetProperty("rows").EnumerateArray().Select(r => r[0].ToString()).ToList();
        Assert.Equal(34, codes.Count);
        Assert.Equal(131, services.Count);
        // The demo's check reads the same from the PDF with PdfPig (apart from pdftotext, below): it must find it all too.
        // And every table the page laid out for paper, each cell's words under its caption.
        output.WriteLine($"{printed.Tables.Count} tables on the printed page, {printed.Tables.Sum(t => t.Cells.Length)} cells");
        Assert.True(printed.Tables.Count > 100, $"{printed.Tables.Count} tables read from the printed page");
        var onPaper = Pps.Cli.ReportPdfCheck.Check(printed.Pdf, codes, services, synthetic: true, printed.Tables);
        Assert.True(onPaper.Count == 0, string.Join("\n", onPaper));
        // Table C's pages: each area's table repeats its header ("Service  Method  1a  1b ...") on every page it runs onto.
        var header = new System.Text.RegularExpressions.Regex(@"^[ \t]*Service[ \t]+Method[ \t]+[0-9][a-h]\b.*$", System.Text.RegularExpressions.RegexOptions.Multiline);
        var tableCText = string.Join("\n", texts.Where(t => header.IsMatch(t)));
        var headers = header.Matches(tableCText).Select(m => m.Value).SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToHashSet();
        Assert.All(codes, code => Assert.Contains(code, headers));
        // A row: the service's number, then its method (PPO, PPO+MG, PPO+LA or "not stated"), then its ratings.
        var rowStarts = System.Text.RegularExpressions.Regex.Matches(tableCText, @"^[ \t]*([0-9]+)[ \t]+(PPO[+A-Z]*|not stated)[ \t]", System.Text.RegularExpressions.RegexOptions.Multiline)
            .Select(m => m.Groups[1].Value).ToList();
        // Each area's table holds every service: six areas, so each service's number starts six rows.
        Assert.All(services, id => Assert.Equal(6, rowStarts.Count(s => s == id)));

        // Nothing runs past the page: every word pdftotext finds lies inside the page box, left and right margins kept.
        var box = Poppler("pdftotext", "-bbox", path, "-");
        var width = double.Parse(System.Text.RegularExpressions.Regex.Match(box, "<page width=\"([0-9.]+)\"").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var overflowing = System.Text.RegularExpressions.Regex.Matches(box, "<word xMin=\"([0-9.]+)\" yMin=\"[0-9.]+\" xMax=\"([0-9.]+)\"[^>]*>([^<]*)<")
            .Where(m => double.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) > width - 20)
            .Select(m => m.Groups[3].Value).ToList();
        Assert.True(overflowing.Count == 0, $"{overflowing.Count} words reach past the right margin: {string.Join(", ", overflowing.Take(10))}");
        // And in the browser, laid out at the printable width of A4 (186 mm): no table is wider than the page.
        await page.SetViewportSizeAsync(703, 1000);
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });
        var wide = await page.EvaluateAsync<string[]>("[...document.querySelectorAll('table')].filter((t) => t.getBoundingClientRect().right > 704 || t.scrollWidth > t.parentElement.clientWidth).map((t) => t.caption?.textContent ?? '?')");
        Assert.True(wide.Length == 0, $"tables wider than the page: {string.Join("; ", wide.Take(5))}");
        var wideCharts = await page.EvaluateAsync<string[]>("[...document.querySelectorAll('.pps-chart, .pps-chart canvas')].filter((c) => c.getBoundingClientRect().right > 704).map((c) => `${c.closest('[data-figure]')?.dataset.figure ?? '?'} (${c.tagName.toLowerCase()} from ${Math.round(c.getBoundingClientRect().left)} to ${Math.round(c.getBoundingClientRect().right)} px)`)");
        Assert.True(wideCharts.Length == 0, $"charts wider than the page: {string.Join("; ", wideCharts.Take(5))}");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task The_demos_pdf_check_names_what_a_report_lacks()
    {
        // A "report" with one area's Table C of two services, a table clipped by its box, no page numbers, no synthetic mark, a word past the margin and
        // a last page with nothing on it (as the report's was when GOV.UK's bottom padding ran past the appendices).
        var (page, _) = await site.NewPageAsync();
        await page.SetContentAsync("""
            <html><body style="font: 12pt sans-serif">
            <h1>Cover</h1>
            <table><tr><th>Service</th><th>Method</th><th>1a</th><th>1b</th></tr>
              <tr><td>7</td><td>PPO+LA</td><td>G</td><td>G</td></tr><tr><td>8</td><td>PPO</td><td>B =</td><td>N =</td></tr></table>
            <div style="height: 3.5em; overflow: hidden"><table><caption>A clipped table</caption>
              <tr><th>Alpha</th><td>1</td></tr><tr><th>Beta</th><td>2</td></tr><tr><th>Gamma</th><td>3</td></tr></table></div>
            <p style="margin-left: 180mm; white-space: nowrap">Overflowing</p>
            <div style="break-before: page">&nbsp;</div>
            </body></html>
            """);
        var pdf = await page.PdfAsync(new PagePdfOptions { Format = "A4" });
        // The tables as the page laid them out: the clipped one whole, and one the page never printed.
        Pps.Cli.ReportPrinter.PrintedTable[] tables =
        [
            new("A clipped table", ["Alpha", "1", "Beta", "2", "Gamma", "3"]),
            new("A table left out", ["Delta", "4"]),
        ];
        var failures = Pps.Cli.ReportPdfCheck.Check(pdf, ["1a", "1b", "1c"], ["7", "8", "9"], synthetic: true, tables);
        output.WriteLine(string.Join("\n", failures));
        Assert.Contains(failures, f => f.Contains("have no 'Page n of 2'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("1 of 2 pages show nothing but the footer (pages 2)", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("the cover does not say", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("pages have no footer saying the report contains synthetic data", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("do not name 1 of the 3 exemplifications (1c)", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("3 of the 3 services do not have a row in each of Table C's 6 area tables (7: 1, 8: 1, 9: 0)", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("'Overflowing' on page 1", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("the table 'A clipped table' is not whole on paper: 4 of its words are missing, 'Beta' (0 of 1), '2' (0 of 1), 'Gamma' (0 of 1), '3' (0 of 1)", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("the table 'A table left out' is not on paper", StringComparison.Ordinal));
        Assert.Equal(9, failures.Count);
    }

    /// <summary>A drawn chart's axes (each scale's tick labels) and the tooltip of its first point, as Chart.js shows them.</summary>
    private static async Task<(Dictionary<string, string[]> Axes, string[] Tooltip)> ChartAsDrawnAsync(IPage page, string chartId)
    {
        var json = await page.EvaluateAsync<string>("""
            (id) => {
              const chart = document.querySelector(`[data-chart="${id}"] canvas`).chart;
              const axes = Object.fromEntries(Object.entries(chart.scales).map(([key, scale]) => [key, scale.ticks.map((t) => String(t.label))]));
              chart.tooltip.setActiveElements([{ datasetIndex: 0, index: 0 }], { x: 0, y: 0 });
              chart.update();
              return JSON.stringify({ axes, tooltip: chart.tooltip.body.flatMap((b) => b.lines) });
            }
            """, chartId);
        var drawn = JsonDocument.Parse(json).RootElement;
        return (drawn.GetProperty("axes").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(v => v.GetString()!).ToArray()),
            drawn.GetProperty("tooltip").EnumerateArray().Select(v => v.GetString()!).ToArray());
    }

    [Fact]
    public async Task Money_reads_in_pounds_on_the_charts_axes_and_tooltips_of_the_report_and_the_service_page()
    {
        var (page, errors) = await site.NewPageAsync();
        // 2012 has Part 2's figures (synthetic budgets); the report draws every chart before it says it is ready.
        await site.OpenAsync(page, "report.html?year=2012");
        // Chart 8: each service's budget, ranked; the value axis and the tooltip are money.
        var chart8 = await ChartAsDrawnAsync(page, "chart-8");
        output.WriteLine($"chart-8: y {string.Join(" | ", chart8.Axes["y"])}; tooltip {string.Join(" | ", chart8.Tooltip)}");
        Assert.NotEmpty(chart8.Axes["y"]);
        Assert.All(chart8.Axes["y"], label => Assert.Matches(@"^£[0-9,]+(\.[0-9]{2})?$", label));
        Assert.Contains(chart8.Tooltip, line => System.Text.RegularExpressions.Regex.IsMatch(line, @"£[0-9,]+"));
        // A scatter of the budget against pupils with SEN: money on the budget's axis only.
        var scatter = (await PublishedFigureAsync(2012, "figure", "chart-12")).GetProperty("columns").EnumerateArray().ToList();
        Assert.Equal("gbp", scatter.Single(c => c.GetProperty("id").GetString() == "y").GetProperty("unit").GetString());
        var chart12 = await ChartAsDrawnAsync(page, "chart-12");
        output.WriteLine($"chart-12: x {string.Join(" | ", chart12.Axes["x"])}; y {string.Join(" | ", chart12.Axes["y"])}; tooltip {string.Join(" | ", chart12.Tooltip)}");
        Assert.All(chart12.Axes["y"], label => Assert.StartsWith("£", label));
        Assert.All(chart12.Axes["x"], label => Assert.DoesNotContain("£", label));
        Assert.Contains(chart12.Tooltip, line => line.Contains('£', StringComparison.Ordinal));

        // Service 24's pack: its budget against the quartiles of all services, its region and its neighbours.
        await site.OpenAsync(page, "service.html?year=2012&id=24");
        var measure = await ChartAsDrawnAsync(page, "measure-budget");
        output.WriteLine($"measure-budget: y {string.Join(" | ", measure.Axes["y"])}; tooltip {string.Join(" | ", measure.Tooltip)}");
        Assert.All(measure.Axes["y"], label => Assert.StartsWith("£", label));
        Assert.Contains(measure.Tooltip, line => line.Contains('£', StringComparison.Ordinal));
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_service_packs_measure_charts_read_plainly_distinct_whole_steps_and_names_that_do_not_run_together()
    {
        // 2012: every Part 2 measure, counts of a few volunteers among them; on screen, and in the print view at A4's
        // printable width (186 mm), where the charts are half a page wide.
        foreach (var (view, width, print) in new[] { ("service.html?year=2012&id=24", 1280, false), ("service.html?year=2012&id=24&print=1", 703, true) })
        {
            var (page, errors) = await site.NewPageAsync(width, 1000);
            if (print) await page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });
            await site.OpenAsync(page, view);
            await MeasureChartsReadPlainlyAsync(page, view);
            Assert.Empty(errors);
        }
    }

    private static async Task MeasureChartsReadPlainlyAsync(IPage page, string view)
    {
        var json = await page.EvaluateAsync<string>("""
            () => JSON.stringify([...document.querySelectorAll('[data-chart^="measure-"] canvas')].map((canvas) => {
              const chart = canvas.chart;
              const spans = chart.scales.x.getLabelItems().map((item) => {
                chart.ctx.save();
                chart.ctx.font = item.font.string;
                const width = Math.max(...[item.label].flat().map((line) => chart.ctx.measureText(String(line)).width));
                chart.ctx.restore();
                return { label: [item.label].flat().join(' '), from: item.options.translation[0] - width / 2, to: item.options.translation[0] + width / 2 };
              });
              return { id: canvas.closest('[data-chart]').dataset.chart, y: chart.scales.y.ticks.map((t) => String(t.label)), spans };
            }))
            """);
        var charts = JsonDocument.Parse(json).RootElement.EnumerateArray().ToList();
        Assert.True(charts.Count >= 10, $"{view}: {charts.Count} measure charts drawn");
        foreach (var chart in charts)
        {
            var id = $"{view} {chart.GetProperty("id").GetString()}";
            // Each step of the value axis reads as a value of its own (a count's axis never "0, 0, 1, 1").
            var ticks = chart.GetProperty("y").EnumerateArray().Select(t => t.GetString()).ToList();
            Assert.True(ticks.Distinct().Count() == ticks.Count, $"{id}'s axis reads {string.Join(", ", ticks)}");
            // The names under the bars (this service, all services, its region, its neighbours) each end before the next begins.
            var spans = chart.GetProperty("spans").EnumerateArray().ToList();
            for (var n = 1; n < spans.Count; n++)
            {
                Assert.True(spans[n - 1].GetProperty("to").GetDouble() <= spans[n].GetProperty("from").GetDouble(),
                    $"{id}: '{spans[n - 1].GetProperty("label").GetString()}' runs into '{spans[n].GetProperty("label").GetString()}'");
            }
        }
    }

    [Fact]
    public async Task Summary_values_show_their_labels_and_units_and_no_page_shows_a_machine_key()
    {
        var (page, errors) = await site.NewPageAsync();
        // 2012 has Part 2 figures (synthetic); 2013 has the real ratings only.
        await site.OpenAsync(page, "index.html?year=2012");
        var chart8 = await PublishedFigureAsync(2012, "figure", "chart-8");
        var published = chart8.GetProperty("statistics").EnumerateArray().Where(s => s.GetProperty("value").ValueKind == JsonValueKind.Number).ToList();
        var list = page.Locator("[data-figure=chart-8] .pps-statistics");
        Assert.Equal(published.Select(s => s.GetProperty("label").GetString()), await list.Locator("dt").AllInnerTextsAsync());
        var mean = published.Single(s => s.GetProperty("id").GetString() == "mean");
        Assert.Equal($"£{mean.GetProperty("value").GetDecimal():N2}", (await list.Locator("dd").AllInnerTextsAsync())[published.IndexOf(mean)]);
        foreach (var path in new[] { "index.html?year=2012", "report.html?year=2012", "index.html?year=2013", "report.html?year=2013", "service.html?year=2013&id=24", "reconciliation.html?year=2013" })
        {
            await site.OpenAsync(page, path);
            var text = await page.Locator("main").InnerTextAsync();
            var keys = System.Text.RegularExpressions.Regex.Matches(text, @"\b[a-z][a-z0-9]*_[a-z0-9_]+\b|\b[a-z]+[A-Z][A-Za-z]*\b|\{[a-z]\w*\}|\bnull\b").Select(m => m.Value).Distinct().ToList();
            Assert.True(keys.Count == 0, $"{path} shows {string.Join(", ", keys)}");
        }
        Assert.Empty(errors);
    }

    [Fact]
    public async Task The_report_pdf_added_to_the_set_is_listed_with_its_hash_and_linked_from_the_dashboard_and_the_report()
    {
        var publisher = site.Host.Services.GetRequiredService<Pps.Core.Publishing.Publisher>();
        var current = (await publisher.CurrentAsync(2013))!;
        var pdf = System.Text.Encoding.ASCII.GetBytes("%PDF-1.7\n% the report as printed\n");
        var manifest = current.Files.Any(f => f.Kind == Pps.Core.Publishing.ReportPdf.Kind)
            ? current
            : await publisher.AttachAsync(2013, Pps.Core.Publishing.ReportPdf.File(2013, pdf, current.Returns), current.Version);
        var entry = manifest.Files.Single(f => f.Kind == Pps.Core.Publishing.ReportPdf.Kind);
        var (page, errors) = await site.NewPageAsync();
        foreach (var path in new[] { "index.html?year=2013", "report.html?year=2013" })
        {
            await site.OpenAsync(page, path);
            var link = page.Locator("a[data-report-pdf]");
            Assert.Equal(1, await link.CountAsync());
            Assert.EndsWith(entry.Path, await link.GetAttributeAsync("href"), StringComparison.Ordinal);
            var response = await page.APIRequest.GetAsync(new Uri(new Uri(page.Url), await link.GetAttributeAsync("href")).ToString());
            Assert.Equal(entry.Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await response.BodyAsync())));
        }
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_service_number_no_service_has_says_there_is_no_such_service()
    {
        var (page, errors) = await site.NewPageAsync();
        await site.OpenAsync(page, "service.html?year=2013&id=999");
        Assert.Contains("There is no such service", await page.Locator("[data-not-found]").InnerTextAsync());
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Synthetic_data_is_marked_on_every_page_that_shows_it()
    {
        var (page, errors) = await site.NewPageAsync();
        foreach (var path in new[] { "index.html?year=2013", "report.html?year=2013", "service.html?year=2013&id=24" })
        {
            await site.OpenAsync(page, path);
            Assert.Equal(1, await page.Locator("[data-synthetic-banner]").CountAsync());
        }
        // On the report each synthetic figure and highlight carries the tag; a real one does not.
        await site.OpenAsync(page, "report.html?year=2013");
        var marked = await page.Locator("[data-figure][data-synthetic=true]").CountAsync();
        Assert.True(marked > 0);
        Assert.Equal(marked, await page.Locator("[data-figure][data-synthetic=true] .pps-figure__head .pps-synthetic-tag").CountAsync());
        Assert.Equal(0, await page.Locator("[data-figure]:not([data-synthetic]) .pps-figure__head h3 .pps-synthetic-tag, [data-figure]:not([data-synthetic]) .pps-figure__head h4 .pps-synthetic-tag").CountAsync());
        var highlights = JsonDocument.Parse(await site.ReadPublishedAsync(await HighlightsPathAsync(2013))).RootElement.EnumerateArray().ToList();
        // The summary lists each statement that opens a section once; a statement on one exemplification sits under its chart.
        bool OnOneExemplification(JsonElement h) => System.Text.RegularExpressions.Regex.IsMatch(h.GetProperty("id").GetString()!, "^ex-[0-9][a-h]$");
        var synthetic = highlights.Where(h => h.GetProperty("synthetic").GetBoolean()).ToList();
        Assert.Equal(synthetic.Count(h => !OnOneExemplification(h)), await page.Locator("section[aria-labelledby=summary-title] li[data-synthetic=true] .pps-synthetic-tag").CountAsync());
        Assert.Equal(highlights.Count(h => !OnOneExemplification(h)), await page.Locator("section[aria-labelledby=summary-title] li").CountAsync());
        Assert.Equal(synthetic.Count(OnOneExemplification), await page.Locator(".pps-statement .pps-synthetic-tag").CountAsync());
        Assert.Empty(errors);
    }

    private async Task<string> HighlightsPathAsync(int year)
    {
        var index = JsonDocument.Parse(await site.ReadPublishedAsync("index.json")).RootElement;
        var manifestPath = index.GetProperty("years").EnumerateArray().Single(y => y.GetProperty("year").GetInt32() == year).GetProperty("manifest").GetString()!;
        return JsonDocument.Parse(await site.ReadPublishedAsync(manifestPath)).RootElement.GetProperty("files").EnumerateArray()
            .Single(f => f.GetProperty("kind").GetString() == "highlights").GetProperty("path").GetString()!;
    }

    public static TheoryData<string, string> Pages => new()
    {
        { "dashboard-2013", "index.html?year=2013" },
        { "dashboard-2012", "index.html?year=2012" },
        { "report-2013", "report.html?year=2013" },
        { "report-2012", "report.html?year=2012" },
        { "services-2013", "service.html?year=2013" },
        { "service-24-2013", "service.html?year=2013&id=24" },
        { "service-24-2012", "service.html?year=2012&id=24" },
        { "no-such-service", "service.html?year=2013&id=999" },
        { "reconciliation-2013", "reconciliation.html?year=2013" },
        { "not-found", "404.html" },
    };

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Every_page_passes_axe_WCAG_22_AA_with_no_script_errors(string name, string path)
    {
        var (page, errors) = await site.NewPageAsync();
        await site.OpenAsync(page, path);
        await ScreenshotAsync(page, name);
        var result = await page.RunAxe(new AxeRunOptions
        {
            // WCAG 2.0-2.2 A and AA, and axe's best practices (heading order, landmarks named once), which a reader of the
            // report meets as much as any WCAG rule.
            RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
        });
        var violations = result.Violations.Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Take(3).Select(n => n.Target?.ToString()))}").ToList();
        Assert.True(violations.Count == 0, string.Join("\n", violations));
        Assert.Empty(errors);
    }

    [Fact]
    public async Task The_keyboard_reaches_the_skip_link_then_the_year_and_the_content()
    {
        var (page, _) = await site.NewPageAsync();
        await site.OpenAsync(page, "index.html?year=2013");
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Skip to main content", await page.EvaluateAsync<string>("document.activeElement.textContent.trim()"));
        await page.Keyboard.PressAsync("Enter");
        Assert.Equal("main-content", await page.EvaluateAsync<string>("document.activeElement.id"));
        for (var i = 0; i < 10 && await page.EvaluateAsync<string>("document.activeElement.id") != "year"; i++) await page.Keyboard.PressAsync("Tab");
        Assert.Equal("year", await page.EvaluateAsync<string>("document.activeElement.id"));
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("A", await page.EvaluateAsync<string>("document.activeElement.tagName"));   // the contents' first link
    }
}
