using System.Text.RegularExpressions;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.DocumentLayoutAnalysis.WordExtractor;

namespace Pps.Cli;

/// <summary>
/// What a reader of the national report's PDF must find on paper, read back from the PDF's own text (PdfPig's words
/// and their positions, line by line): "Page n of N" on every page; no page blank but for its footer; when the report rests on any synthetic data, the
/// cover and every page's footer saying so; Table C's header naming every exemplification and a row for every service
/// in each area's table; and no word past the right margin. Used by the demo's check; the browser tests check the same
/// with poppler's pdftotext, apart from this code.
/// </summary>
public static partial class ReportPdfCheck
{
    /// <summary>The areas of the minimum standards: Table C prints one table per area, each with every service's row.</summary>
    public const int Areas = 6;

    /// <summary>How close to the page's right edge a word may come (A4's printed margin is about 34 points).</summary>
    private const double RightMargin = 20;

    /// <summary>
    /// Where the page's body ends: the running footer and the page number are printed in the bottom margin (18 mm, 51
    /// points, site.scss's @page), below this height; anything above it is the report's own content.
    /// </summary>
    private const double FooterTop = 45;

    [GeneratedRegex(@"^[0-9][a-h]$")]
    private static partial Regex Exemplification();

    [GeneratedRegex(@"^(PPO[+A-Z]*|not( ?stated)?)$")]
    private static partial Regex Method();

    /// <returns>Each thing a reader would miss, as a sentence; empty when the PDF holds it all.</returns>
    public static List<string> Check(byte[] pdf, IReadOnlyCollection<string> exemplifications, IReadOnlyCollection<string> services, bool synthetic)
    {
        var failures = new List<string>();
        using var document = PdfDocument.Open(pdf);
        var pages = document.NumberOfPages;
        var headerCodes = new HashSet<string>(StringComparer.Ordinal);
        var rowsOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var unnumbered = new List<int>();
        var unmarked = new List<int>();
        var overflowing = new List<string>();
        var blank = new List<int>();
        foreach (var page in document.GetPages())
        {
            var lines = Lines(page);
            var text = Squash(string.Join(" ", lines.Select(l => string.Join(" ", l.Select(w => w.Text)))));
            if (!text.Contains($"Page{page.Number}of{pages}", StringComparison.Ordinal)) unnumbered.Add(page.Number);
            if (synthetic && !text.Contains("ContainsSYNTHETICDATA", StringComparison.Ordinal)) unmarked.Add(page.Number);
            if (synthetic && page.Number == 1 && !text.Contains("Thispageshowssyntheticdata", StringComparison.Ordinal))
            {
                failures.Add("the cover does not say that the report shows synthetic data");
            }
            if (!synthetic && text.Contains("SYNTHETIC", StringComparison.OrdinalIgnoreCase)) failures.Add($"page {page.Number} speaks of synthetic data, but the report rests on none");
            // A page with nothing on it but its footer (no word, no chart above the bottom margin) is a page a reader turns for nothing.
            if (!lines.SelectMany(l => l).Any(w => w.BoundingBox.Bottom > FooterTop) && !page.GetImages().Any()) blank.Add(page.Number);
            overflowing.AddRange(lines.SelectMany(l => l).Where(w => w.BoundingBox.Right > page.Width - RightMargin).Select(w => $"'{w.Text}' on page {page.Number}"));
            foreach (var line in lines)
            {
                // Table C's header: "Service Method 1a 1b ...", repeated on each page an area's table runs onto.
                if (line.Count > 2 && line[0].Text == "Service" && line[1].Text == "Method")
                {
                    headerCodes.UnionWith(line.Skip(2).Select(w => w.Text).Where(t => Exemplification().IsMatch(t)));
                }
                // A row: the service's number, then its method (PPO, PPO+MG, PPO+LA or "not stated"), then its ratings.
                else if (line.Count > 2 && line[0].Text.All(char.IsAsciiDigit) && Method().IsMatch(line[1].Text))
                {
                    rowsOf[line[0].Text] = rowsOf.GetValueOrDefault(line[0].Text) + 1;
                }
            }
        }
        if (unnumbered.Count > 0) failures.Add($"{unnumbered.Count} of {pages} pages have no 'Page n of {pages}' (first: page {unnumbered[0]})");
        if (blank.Count > 0) failures.Add($"{blank.Count} of {pages} pages show nothing but the footer (pages {string.Join(", ", blank.Take(10))})");
        if (unmarked.Count > 0) failures.Add($"{unmarked.Count} of {pages} pages have no footer saying the report contains synthetic data (first: page {unmarked[0]})");
        var missingCodes = exemplifications.Where(c => !headerCodes.Contains(c)).ToList();
        if (missingCodes.Count > 0) failures.Add($"Table C's headers do not name {missingCodes.Count} of the {exemplifications.Count} exemplifications ({string.Join(", ", missingCodes.Take(10))})");
        var incomplete = services.Where(s => rowsOf.GetValueOrDefault(s) != Areas).ToList();
        if (incomplete.Count > 0)
        {
            failures.Add($"{incomplete.Count} of the {services.Count} services do not have a row in each of Table C's {Areas} area tables " +
                         $"({string.Join(", ", incomplete.Take(10).Select(s => $"{s}: {rowsOf.GetValueOrDefault(s)}"))})");
        }
        if (overflowing.Count > 0) failures.Add($"{overflowing.Count} words reach past the right margin: {string.Join(", ", overflowing.Take(5))}");
        return failures;
    }

    /// <summary>The page's words in lines: those on one baseline (a table row's cells share it), left to right, top to bottom.</summary>
    private static List<List<Word>> Lines(Page page) =>
        page.GetWords(NearestNeighbourWordExtractor.Instance)
            .Where(w => !string.IsNullOrWhiteSpace(w.Text))
            .GroupBy(w => Math.Round(w.Letters[0].StartBaseLine.Y))
            .OrderByDescending(g => g.Key)
            .Select(g => g.OrderBy(w => w.BoundingBox.Left).ToList())
            .ToList();

    private static string Squash(string text) =>
        Regex.Replace(text.Replace("\ufb01", "fi", StringComparison.Ordinal).Replace("\ufb02", "fl", StringComparison.Ordinal), @"\s+", "");
}
