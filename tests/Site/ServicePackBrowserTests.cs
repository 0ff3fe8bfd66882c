using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Microsoft.VisualBasic.FileIO;
using Pps.Cli;

namespace Pps.Tests.Site;

/// <summary>
/// A service's benchmarking pack (service.html?id=N): its charts drawn, the CSV of its own figures equal to its
/// published page, and its print view rendered to an A4 PDF by the cli's service-pdf command.
/// </summary>
public sealed partial class SiteBrowserTests
{
    /// <summary>How many pixels of each chart's canvas are painted: a canvas Chart.js never drew into is all transparent.</summary>
    private const string PaintedPixels = """
        [...document.querySelectorAll('[data-chart] canvas')].map((c) => {
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          let n = 0;
          for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
          return { id: c.parentElement.dataset.chart, pixels: n, drawn: c.parentElement.dataset.drawn === 'true' };
        })
        """;

    private sealed class Painted
    {
        public string Id { get; set; } = "";
        public int Pixels { get; set; }
        public bool Drawn { get; set; }
    }

    private static bool Charted(JsonElement comparison) =>
        comparison.ValueKind == JsonValueKind.Object && comparison.GetProperty("returns").GetInt32() > 0 && comparison.GetProperty("median").ValueKind == JsonValueKind.Number;

    [Theory]
    [InlineData(2012)]
    [InlineData(2013)]
    public async Task Service_pack_draws_its_charts_and_its_csv_holds_the_published_figures(int year)
    {
        var (page, errors) = await site.NewPageAsync();
        await site.OpenAsync(page, $"service.html?year={year}&id=24");
        var published = await PublishedServiceAsync(year, 24);
        var ratings = published.GetProperty("ratings").EnumerateArray().ToList();
        var lines = published.GetProperty("lines").EnumerateArray().ToList();

        // Charts: the ratings profile and the shares when it rated anything, and one per measure with anything to chart.
        var charted = lines.Where(l => l.GetProperty("value").ValueKind == JsonValueKind.Number
            || new[] { "national", "regional", "neighbours" }.Any(g => Charted(l.GetProperty(g)))).Select(l => "measure-" + l.GetProperty("measureId").GetString()).ToList();
        var expected = (ratings.Count > 0 ? new[] { "ratings-profile", "ratings-shares" } : []).Concat(charted).ToList();
        var painted = await page.EvaluateAsync<Painted[]>(PaintedPixels);
        output.WriteLine($"{year}: {painted.Length} charts, painted pixels {string.Join(", ", painted.Select(p => $"{p.Id} {p.Pixels}"))}");
        Assert.Equal(expected, painted.Select(p => p.Id));
        Assert.All(painted, p => Assert.True(p.Drawn && p.Pixels > 2000, $"{p.Id} is not drawn ({p.Pixels} pixels painted)"));
        if (year == 2012) Assert.NotEmpty(charted);   // the synthetic 2012 returns carry Part 2 figures
        await ScreenshotAsync(page, $"service-pack-24-{year}");

        // The CSV of its own figures: one row per exemplification, then one per measure, the values as published.
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("[data-service-csv]").ClickAsync());
        Assert.Equal($"service-24-{year}.csv", download.SuggestedFilename);
        var csvPath = Path.Combine(PublishedSiteFixture.Artifacts, $"service-24-{year}.csv");
        await download.SaveAsAsync(csvPath);
        var rows = ReadCsv(csvPath);
        var header = rows[0];
        int At(string name) => Array.IndexOf(header, name) is var i and >= 0 ? i : throw new Xunit.Sdk.XunitException($"no column \"{name}\" in {string.Join(", ", header)}");
        Assert.Equal(1 + ratings.Count + lines.Count, rows.Count);
        // Synthetic data travels with the file: the fixture's 2012 returns and reference rows are synthetic.
        Assert.NotEqual(0, published.GetProperty("synthetic").GetArrayLength());
        Assert.Equal("Synthetic data", header[^1]);
        Assert.All(rows.Skip(1), r => Assert.Equal("yes", r[^1]));
        Assert.All(rows.Skip(1), r => Assert.Equal(header.Length, r.Length));

        static string? Text(JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : e.ToString();
        static string Cell(JsonElement parent, string group, string name) =>
            parent.GetProperty(group) is { ValueKind: JsonValueKind.Object } g && g.GetProperty("returns").GetInt32() > 0 && g.GetProperty(name).ValueKind == JsonValueKind.Number
                ? g.GetProperty(name).GetDecimal().ToString("G29", CultureInfo.InvariantCulture) : "";
        static string Number(string cell) => cell == "" ? "" : decimal.Parse(cell, NumberStyles.Float, CultureInfo.InvariantCulture).ToString("G29", CultureInfo.InvariantCulture);
        for (var i = 0; i < ratings.Count; i++)
        {
            var (r, row) = (ratings[i], rows[1 + i]);
            Assert.Equal(("24", year.ToString(CultureInfo.InvariantCulture), "Self-assessment"), (row[At("Service number")], row[At("Year")], row[At("Part")]));
            Assert.Equal($"{r.GetProperty("code").GetString()} {r.GetProperty("title").GetString()}", row[At("Item")]);
            Assert.Equal(Text(r.GetProperty("ratingLabel")) ?? "", row[At("This service")]);
            Assert.Equal(Text(r.GetProperty("previousLabel")) ?? "", row[At("Last year")]);
            Assert.Equal(Text(r.GetProperty("change")) ?? "", row[At("Change since last year")]);
            Assert.Equal(Cell(r, "national", "pctBestOrGood"), row[At("All services: % Best or Good")]);
            Assert.Equal(Cell(r, "national", "pctNonCompliant"), row[At("All services: % Non-compliant")]);
            Assert.Equal(Cell(r, "regional", "pctBestOrGood"), row[At("Region: % Best or Good")]);
        }
        for (var i = 0; i < lines.Count; i++)
        {
            var (l, row) = (lines[i], rows[1 + ratings.Count + i]);
            Assert.Equal(("Additional data", l.GetProperty("title").GetString()), (row[At("Part")], row[At("Item")]));
            var value = l.GetProperty("value");
            Assert.Equal(value.ValueKind == JsonValueKind.Number ? value.GetDecimal().ToString("G29", CultureInfo.InvariantCulture) : "", Number(row[At("This service")]));
            Assert.Equal(Text(l.GetProperty("rank")) ?? "", row[At("Rank (1 = highest)")]);
            foreach (var (group, label) in new[] { ("national", "All services"), ("regional", "Region"), ("neighbours", "Statistical neighbours") })
            {
                Assert.Equal(Cell(l, group, "median"), Number(row[At($"{label}: median")]));
                Assert.Equal(Cell(l, group, "lowerQuartile"), Number(row[At($"{label}: lower quartile")]));
                Assert.Equal(Cell(l, group, "upperQuartile"), Number(row[At($"{label}: upper quartile")]));
            }
        }
        if (year == 2012) Assert.Contains(rows.Skip(1 + ratings.Count), r => r[At("This service")] != "" && r[At("All services: median")] != "");
        Assert.Empty(errors);
    }

    private static List<string[]> ReadCsv(string path)
    {
        using var parser = new TextFieldParser(path) { TextFieldType = FieldType.Delimited, HasFieldsEnclosedInQuotes = true };
        parser.SetDelimiters(",");
        var rows = new List<string[]>();
        while (!parser.EndOfData) rows.Add(parser.ReadFields()!);
        return rows;
    }

    [Theory]
    [InlineData(2012)]   // synthetic ratings and Part 2 figures: every chart
    [InlineData(2013)]   // the real ratings; no Part 2 figures in the fixture
    public async Task Service_pack_prints_to_A4_numbered_marked_synthetic_on_every_page_with_every_rating_and_nothing_clipped(int year)
    {
        // Rendered as NPPN would: the cli's service-pdf command against the running host.
        var folder = Directory.CreateDirectory(Path.Combine(PublishedSiteFixture.Artifacts, "service-packs")).FullName;
        var code = await ServicePdfCommand.RunAsync(CommandLine.Parse(["--year", $"{year}", "--service", "24", "--out", folder, "--url", site.BaseUrl]));
        Assert.Equal(0, code);
        var path = Path.Combine(folder, $"service-24-{year}.pdf");
        Poppler("pdftoppm", "-r", "50", "-png", path, Path.Combine(PublishedSiteFixture.Artifacts, $"service-pack-24-{year}-page"));

        var info = Poppler("pdfinfo", path);
        Assert.Contains("(A4)", info);
        var pages = int.Parse(Regex.Match(info, @"Pages:\s+(\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        output.WriteLine($"service 24's pack of {year}: {pages} pages, {new FileInfo(path).Length / 1024} KiB");
        Assert.InRange(pages, 2, 12);
        var texts = Enumerable.Range(1, pages).Select(n => Poppler("pdftotext", "-layout", "-f", $"{n}", "-l", $"{n}", path, "-")).ToList();
        for (var n = 1; n <= pages; n++)
        {
            Assert.True(texts[n - 1].Contains($"Page {n} of {pages}", StringComparison.Ordinal), $"page {n} has no number");
            Assert.True(texts[n - 1].Contains("Contains SYNTHETIC DATA", StringComparison.Ordinal), $"page {n}'s footer does not say the pack holds synthetic data");
        }
        Assert.Contains("24 Bath & NE Somerset", texts[0]);
        Assert.Contains("This page shows synthetic data", texts[0]);
        Assert.DoesNotContain("Skip to main content", string.Join("\n", texts));

        // Every exemplification's row of the ratings table is on paper, and every measure's title.
        var published = await PublishedServiceAsync(year, 24);
        var all = string.Join("\n", texts);
        foreach (var r in published.GetProperty("ratings").EnumerateArray())
        {
            Assert.Matches(new Regex($@"^\s*{r.GetProperty("code").GetString()} ", RegexOptions.Multiline), all);
        }
        // In reading order (not laid out), so that a title wrapped in its table cell reads as one line; without hyphens,
        // since pdftotext joins "full-" at a line's end to the next line's "time".
        static string Flat(string text) => Regex.Replace(text.Replace("-", "", StringComparison.Ordinal), @"\s+", " ");
        var flat = Flat(Poppler("pdftotext", path, "-"));
        foreach (var l in published.GetProperty("lines").EnumerateArray()) Assert.Contains(Flat(l.GetProperty("title").GetString()!), flat);

        // Nothing runs past the page: every word lies inside the right margin.
        var box = Poppler("pdftotext", "-bbox", path, "-");
        var width = double.Parse(Regex.Match(box, "<page width=\"([0-9.]+)\"").Groups[1].Value, CultureInfo.InvariantCulture);
        var overflowing = Regex.Matches(box, "<word xMin=\"([0-9.]+)\" yMin=\"[0-9.]+\" xMax=\"([0-9.]+)\"[^>]*>([^<]*)<")
            .Where(m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) > width - 20).Select(m => m.Groups[3].Value).ToList();
        Assert.True(overflowing.Count == 0, $"{overflowing.Count} words reach past the right margin: {string.Join(", ", overflowing.Take(10))}");

        // The print view laid out at A4's printable width (186 mm): no table or chart wider than the page.
        var (page, errors) = await site.NewPageAsync(703, 1000);
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });
        await site.OpenAsync(page, $"service.html?year={year}&id=24&print=1");
        var wide = await page.EvaluateAsync<string[]>("[...document.querySelectorAll('table, [data-chart]')].filter((t) => t.getBoundingClientRect().right > 704).map((t) => t.caption?.textContent ?? t.dataset.chart ?? '?')");
        Assert.True(wide.Length == 0, $"wider than the page: {string.Join("; ", wide)}");
        var painted = await page.EvaluateAsync<Painted[]>(PaintedPixels);
        Assert.All(painted, p => Assert.True(p.Drawn && p.Pixels > 2000, $"{p.Id} is not drawn on paper"));
        await ScreenshotAsync(page, $"service-pack-24-{year}-print");

        // Every table the print view lays out is whole in the PDF: its caption, then every word of its cells.
        var tables = await Pps.Cli.ReportPrinter.TablesAsync(page);
        output.WriteLine($"{tables.Count} tables in the print view, {tables.Sum(t => t.Cells.Length)} cells");
        Assert.NotEmpty(tables);
        var onPaper = Pps.Cli.ReportPdfCheck.TablesOnPaper(await File.ReadAllBytesAsync(path), tables);
        Assert.True(onPaper.Count == 0, string.Join("\n", onPaper));
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Service_pdf_refuses_a_number_no_service_has()
    {
        var folder = Directory.CreateDirectory(Path.Combine(PublishedSiteFixture.Artifacts, "service-packs")).FullName;
        var refused = await Assert.ThrowsAsync<CommandLineException>(() =>
            ServicePdfCommand.RunAsync(CommandLine.Parse(["--year", "2013", "--service", "999", "--out", folder, "--url", site.BaseUrl])));
        Assert.Contains("no such service", refused.Message, StringComparison.OrdinalIgnoreCase);
        Assert.False(File.Exists(Path.Combine(folder, "service-999-2013.pdf")));
    }
}
