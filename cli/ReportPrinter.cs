using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using UglyToad.PdfPig;

namespace Pps.Cli;

/// <summary>
/// Prints the report page (report.html?print=1, every chart drawn) to an A4 PDF whose contents give each heading's page.
/// Chromium prints the page numbers and the running footer itself (the page's <c>@page</c> margin boxes), but CSS cannot
/// give the page an element will fall on (Chromium has no <c>target-counter()</c>), so the report is printed twice: the
/// first time with an unseen marker beside each heading the contents lists (out of the flow, so nothing moves) and the
/// contents' numbers held by a placeholder of the same width; the markers are read back from that PDF's text, page by
/// page, the numbers written in, and the page printed again. Used by <c>pps report-pdf</c> and the browser tests.
/// </summary>
public static partial class ReportPrinter
{
    public sealed record Printed(
        byte[] Pdf, int Pages, IReadOnlyDictionary<string, int> PageOfHeading, TimeSpan FirstPass, TimeSpan SecondPass, IReadOnlyList<PrintedTable> Tables);

    /// <summary>A table as the page laid it out for paper: its caption and the text of each of its cells, in reading order.</summary>
    public sealed record PrintedTable(string Caption, string[] Cells);

    private static readonly PagePdfOptions A4 = new() { Format = "A4", PrintBackground = true };

    [GeneratedRegex("PPSM([0-9]+)Q")]
    private static partial Regex Marker();

    /// <summary>Prints the report already open and drawn in <paramref name="page"/>; the page's contents keep the numbers written in.</summary>
    public static async Task<Printed> PrintAsync(IPage page)
    {
        var watch = Stopwatch.StartNew();
        var targets = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('[data-page-of]')].map((span, n) => {
              const heading = document.getElementById(span.dataset.pageOf);
              const marker = document.createElement('span');
              marker.className = 'pps-page-marker';
              marker.textContent = `PPSM${n}Q`;
              heading.prepend(marker);
              return span.dataset.pageOf;
            })
            """);
        // The first print is read for its text only: its charts are hidden (laid out as ever, so every heading falls on
        // the same page, but not painted), which spares Chromium encoding ~70 chart images it would throw away.
        await page.EvaluateAsync("() => document.querySelectorAll('.pps-chart canvas').forEach((c) => { c.style.visibility = 'hidden'; })");
        var first = await page.PdfAsync(A4);
        var firstPass = watch.Elapsed;
        await page.EvaluateAsync("() => document.querySelectorAll('.pps-chart canvas').forEach((c) => { c.style.visibility = ''; })");

        var pageOf = new Dictionary<string, int>(StringComparer.Ordinal);
        int pages;
        using (var document = PdfDocument.Open(first))
        {
            pages = document.NumberOfPages;
            foreach (var pdfPage in document.GetPages())
            {
                foreach (Match match in Marker().Matches(pdfPage.Text))
                {
                    var n = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
                    if (n < targets.Length) pageOf.TryAdd(targets[n], pdfPage.Number);
                }
            }
        }
        var missing = targets.Where(t => !pageOf.ContainsKey(t)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"The first print does not show where {missing.Count} of the contents' {targets.Length} headings fell (first: {missing[0]}).");
        }

        await page.EvaluateAsync("""
            (pageOf) => {
              document.querySelectorAll('.pps-page-marker').forEach((m) => m.remove());
              for (const span of document.querySelectorAll('[data-page-of]')) {
                span.textContent = String(pageOf[span.dataset.pageOf]);
                span.dataset.page = span.textContent;
              }
            }
            """, pageOf);
        watch.Restart();
        var pdf = await page.PdfAsync(A4);
        var secondPass = watch.Elapsed;
        using (var document = PdfDocument.Open(pdf))
        {
            // The numbers are as wide as their placeholder, so the second print lays out as the first did.
            if (document.NumberOfPages != pages)
            {
                throw new InvalidOperationException($"The report printed to {pages} pages, then to {document.NumberOfPages} with the contents' page numbers written in.");
            }
        }
        var tables = await TablesAsync(page);
        return new Printed(pdf, pages, pageOf, firstPass, secondPass, tables);
    }

    /// <summary>
    /// What a PDF of the page must hold of each table: its caption and cells as laid out in print (innerText follows the
    /// print styles). <see cref="ReportPdfCheck.TablesOnPaper"/> reads them back from the PDF.
    /// </summary>
    public static async Task<IReadOnlyList<PrintedTable>> TablesAsync(IPage page)
    {
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });
        var laidOut = await page.EvaluateAsync<System.Text.Json.JsonElement>("""
            () => {
              // A long, narrow table goes to paper as blocks side by side (figures.js, paperBlocks): one table here, under
              // its first block's caption, since the blocks' lines are read back interleaved.
              const groups = [];
              for (const table of document.querySelectorAll('table')) {
                const blocks = table.closest('.pps-paper-blocks');
                const last = groups[groups.length - 1];
                if (blocks && last?.blocks === blocks) last.tables.push(table);
                else groups.push({ blocks, tables: [table] });
              }
              return groups.map(({ tables }) => ({
                caption: tables[0].caption?.innerText ?? '',
                cells: tables.flatMap((t) => [...t.querySelectorAll('th, td')].map((c) => c.innerText)),
              }));
            }
            """);
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Null });
        return laidOut.EnumerateArray().Select(t => new PrintedTable(
            t.GetProperty("caption").GetString() ?? "",
            [.. t.GetProperty("cells").EnumerateArray().Select(c => c.GetString() ?? "")])).ToList();
    }
}
