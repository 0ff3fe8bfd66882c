namespace Pps.Core.Aggregation;

/// <summary>
/// One published table or chart of the national report, in one shape for all of them: named columns and
/// rows of cells (string, int, long, decimal or null for "no data"), so that every figure can be written
/// as JSON for the site and as CSV, and read back beside the PDF by its report id.
/// </summary>
public sealed record Figure
{
    /// <summary>Stable id used in file names: "table-a", "chart-4", "chart-4-1a", "table-c".</summary>
    public required string Id { get; init; }
    /// <summary>The report's own numbering: "Table A", "Chart 12".</summary>
    public required string ReportRef { get; init; }
    public required string Title { get; init; }
    /// <summary>Report part: "participation", "exemplifications", "type", "budget", "staffing", "access", "casework", "strategic".</summary>
    public required string Section { get; init; }
    /// <summary>How the site should draw it: "table", "bar", "stacked-bar", "pie", "ranked", "scatter", "line".</summary>
    public required string Kind { get; init; }
    /// <summary>The collection year this set was computed for.</summary>
    public required int Year { get; init; }
    /// <summary>Every collection year whose data the figure shows, oldest first.</summary>
    public required IReadOnlyList<int> Years { get; init; }
    /// <summary>The number of returns the figure rests on in <see cref="Year"/> (each measure counts its own).</summary>
    public required int Returns { get; init; }
    /// <summary>The number of returns per year, where the figure spans years.</summary>
    public IReadOnlyDictionary<int, int>? ReturnsByYear { get; init; }
    public required IReadOnlyList<Column> Columns { get; init; }
    public required IReadOnlyList<IReadOnlyList<object?>> Rows { get; init; }
    /// <summary>Single values that belong to the figure: mean, median, correlation, band limits.</summary>
    public IReadOnlyDictionary<string, decimal?> Statistics { get; init; } = new Dictionary<string, decimal?>();
    /// <summary>How the figure was computed, where a reader needs to know (extrapolation, rounding, data sources).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
    /// <summary>The figure rests on synthetic data in some year it shows (see <see cref="SyntheticLabel"/>); its first note says which.</summary>
    public bool Synthetic { get; init; }
}

/// <param name="Id">Machine name of the column: "year", "returns", "pct_best".</param>
/// <param name="Label">Heading as a reader sees it.</param>
/// <param name="Unit">"count", "pct", "gbp", "fte", "ratio", "text", "year", "per1000", "coefficient".</param>
public sealed record Column(string Id, string Label, string Unit);

/// <summary>
/// A statement a section of the report opens with, kept as a template plus the numbers it was filled
/// from, so the words can never drift from the data.
/// </summary>
public sealed record Highlight(string Id, string Section, string FigureId, string Template, IReadOnlyDictionary<string, decimal> Values)
{
    /// <summary>Drawn from a figure that rests on synthetic data (<see cref="Figure.Synthetic"/>).</summary>
    public bool Synthetic { get; init; }

    /// <summary>
    /// The template with each {name} replaced by its value: whole numbers without decimals, and an amount in
    /// pounds ("£{name}") with pence when it has any ("£14.10", not "£14.1").
    /// </summary>
    public string Text => Values.Aggregate(Template, (text, kv) => text
        .Replace("£{" + kv.Key + "}", "£" + Percent.FormatMoney(kv.Value), StringComparison.Ordinal)
        .Replace("{" + kv.Key + "}", Percent.Format(kv.Value), StringComparison.Ordinal));
}

/// <summary>One service's value of a measure, beside the national, regional and neighbours' figures.</summary>
public sealed record BenchmarkLine(string MeasureId, string Title, string Unit, decimal? Value, Comparison National, Comparison? Regional, Comparison? Neighbours);

public sealed record Comparison(string Group, int Returns, decimal? Mean, decimal? Median);

public sealed record ServiceBenchmark(int ServiceId, string ServiceName, string? Region, int Year, IReadOnlyList<BenchmarkLine> Lines);

/// <summary>Everything the national recompute produces for one collection year.</summary>
public sealed record NationalResult(int Year, IReadOnlyList<Figure> Figures, IReadOnlyList<Highlight> Highlights, IReadOnlyList<ServiceBenchmark> Benchmarks)
{
    public Figure Figure(string id) => Figures.FirstOrDefault(f => f.Id == id) ?? throw new KeyNotFoundException($"No figure {id} for {Year}.");
}
