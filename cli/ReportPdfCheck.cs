using System.Text.RegularExpressions;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.DocumentLayoutAnalysis.WordExtractor;

namespace Pps.Cli;

/// <summary>
/// What a reader of the national report's PDF must find on paper, read back from the PDF's own text (PdfPig's words
/// and their positions, line by line): "Page n of N" on every page; no page blank but for its footer; when the report rests on any synthetic data, the
/// cover and every page's footer saying so; Table C's header naming every exemplification and a row for every service
/// in each area's table; every other table the page laid out whole on paper; and no word past the right margin. Used by the demo's check; the browser tests check the same
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

    /// <summary>Where a cell's text may break across lines in print: at white space, and after a hyphen.</summary>
    [GeneratedRegex(@"\s+|(?<=-)")]
    private static partial Regex WordParts();

    /// <returns>Each thing a reader would miss, as a sentence; empty when the PDF holds it all.</returns>
    /// <param name="tables">The tables the page laid out for paper (<see cref="ReportPrinter.Printed.Tables"/>): each must be on paper
    /// whole, its caption and every word of every cell between its caption and the next table's. Null to leave them unchecked.</param>
    public static List<string> Check(byte[] pdf, IReadOnlyCollection<string> exemplifications, IReadOnlyCollection<string> services, bool synthetic,
        IReadOnlyList<ReportPrinter.PrintedTable>? tables = null)
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
        var paper = new System.Text.StringBuilder();
        foreach (var page in document.GetPages())
        {
            var lines = Lines(page);
            var text = Squash(string.Join(" ", lines.Select(l => string.Join(" ", l.Select(w => w.Text)))));
            paper.Append(text);
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
        if (tables is not null) failures.AddRange(IncompleteTables(paper.ToString(), tables));
        return failures;
    }

    /// <summary>Each of <paramref name="tables"/> (<see cref="ReportPrinter.TablesAsync"/>) that is not whole in <paramref name="pdf"/>.</summary>
    public static List<string> TablesOnPaper(byte[] pdf, IReadOnlyList<ReportPrinter.PrintedTable> tables)
    {
        using var document = PdfDocument.Open(pdf);
        var paper = string.Concat(document.GetPages().Select(page => Squash(string.Join(" ", Lines(page).Select(l => string.Join(" ", l.Select(w => w.Text)))))));
        return [.. IncompleteTables(paper, tables)];
    }

    /// <summary>
    /// Each table that is not whole on paper. Its caption is found in the PDF's text after the previous table's; every word
    /// of its cells must then be there before the next table's caption, as often as the cells have it (a row lost to a
    /// clipped box or a cut page takes its words with it). Words, not cells, since a cell that wraps in print is read
    /// back interleaved with its neighbours' lines; a word breaks after a hyphen too ("Kingston-upon-" / "Thames").
    /// </summary>
    private static IEnumerable<string> IncompleteTables(string paper, IReadOnlyList<ReportPrinter.PrintedTable> tables)
    {
        var starts = new int[tables.Count + 1];
        var from = 0;
        for (var n = 0; n < tables.Count; n++)
        {
            var caption = Squash(tables[n].Caption);
            var (at, after) = caption.Length == 0 ? (-1, -1) : Find(paper, tables[n].Caption, from);
            if (at < 0)
            {
                yield return caption.Length == 0
                    ? $"table {n + 1} of {tables.Count} has no caption to find it by on paper"
                    : $"the table '{tables[n].Caption}' is not on paper (its caption is not in the PDF after the table before it)";
                starts[n] = -1;
                continue;
            }
            starts[n] = at;
            from = after;
        }
        starts[tables.Count] = paper.Length;
        for (var n = 0; n < tables.Count; n++)
        {
            if (starts[n] < 0) continue;
            var end = starts.Skip(n + 1).First(s => s >= 0);
            var segment = paper[starts[n]..end];
            var missing = tables[n].Cells
                .SelectMany(cell => WordParts().Split(cell))
                .Select(Squash)
                .Where(word => word.Length > 0)
                .GroupBy(word => word, StringComparer.Ordinal)
                .Where(word => Occurrences(segment, word.Key) < word.Count())
                .Select(word => $"'{word.Key}' ({Occurrences(segment, word.Key)} of {word.Count()})")
                .ToList();
            if (missing.Count > 0) yield return $"the table '{tables[n].Caption}' is not whole on paper: {missing.Count} of its words are missing, {string.Join(", ", missing.Take(5))}";
        }
    }

    /// <summary>
    /// Where a caption starts on paper, from <paramref name="from"/> on, and where it ends: as it reads, or (a caption
    /// that wraps beside another, as the blocks of a long table do) its words in order within a few times its length.
    /// </summary>
    private static (int At, int After) Find(string paper, string caption, int from)
    {
        var whole = Squash(caption);
        var at = paper.IndexOf(whole, from, StringComparison.Ordinal);
        if (at >= 0) return (at, at + whole.Length);
        var words = WordParts().Split(caption).Select(Squash).Where(w => w.Length > 0).ToList();
        for (var start = paper.IndexOf(words[0], from, StringComparison.Ordinal); start >= 0; start = paper.IndexOf(words[0], start + 1, StringComparison.Ordinal))
        {
            var end = start + words[0].Length;
            foreach (var word in words.Skip(1))
            {
                var next = paper.IndexOf(word, end, StringComparison.Ordinal);
                if (next < 0 || next - start > 4 * whole.Length) { end = -1; break; }
                end = next + word.Length;
            }
            if (end >= 0) return (start, end);
        }
        return (-1, -1);
    }

    private static int Occurrences(string text, string word)
    {
        var count = 0;
        for (var at = text.IndexOf(word, StringComparison.Ordinal); at >= 0; at = text.IndexOf(word, at + word.Length, StringComparison.Ordinal)) count++;
        return count;
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
