using Pps.Core.Catalogue;
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
    /// <summary>Single values that belong to the figure (mean, median, correlation, band limits), each labelled for readers.</summary>
    public FigureStatistics Statistics { get; init; } = [];
    /// <summary>How the figure was computed, where a reader needs to know (extrapolation, rounding, data sources).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
    /// <summary>The figure rests on synthetic data in some year it shows (see <see cref="SyntheticLabel"/>); its first note says which.</summary>
    public bool Synthetic { get; init; }

    /// <summary>
    /// The one way a part of the report makes a figure: computed for <paramref name="year"/>, showing that year alone
    /// unless <paramref name="years"/> says otherwise.
    /// </summary>
    public static Figure Create(int year, string id, string reportRef, string title, string section, string kind, int returns,
        IReadOnlyList<Column> columns, IReadOnlyList<IReadOnlyList<object?>> rows,
        FigureStatistics? statistics = null, IReadOnlyList<string>? notes = null,
        IReadOnlyList<int>? years = null, IReadOnlyDictionary<int, int>? returnsByYear = null) => new()
    {
        Id = id,
        ReportRef = reportRef,
        Title = title,
        Section = section,
        Kind = kind,
        Year = year,
        Years = years ?? [year],
        Returns = returns,
        ReturnsByYear = returnsByYear,
        Columns = columns,
        Rows = rows,
        Statistics = statistics ?? [],
        Notes = notes ?? [],
    };
}

/// <summary>
/// One single value of a figure. <paramref name="Id"/> is for code and checks that read it back ("mean",
/// "pct_in-house"); a reader only ever sees <paramref name="Label"/> and the value formatted by <paramref name="Unit"/>
/// (a <see cref="Column"/> unit, or "area" for an area of work's number). Null is "no data".
/// </summary>
public sealed record Statistic(string Id, string Label, string Unit, decimal? Value);

/// <summary>
/// A figure's statistics in the order they were computed, read back by id. Published as an array of
/// <see cref="Statistic"/>, so every value travels with its label and unit.
/// </summary>
[System.Text.Json.Serialization.JsonConverter(typeof(FigureStatisticsJson))]
public sealed class FigureStatistics : IReadOnlyList<Statistic>
{
    private readonly List<Statistic> _items = [];

    public FigureStatistics() { }

    public FigureStatistics(IEnumerable<Statistic> items)
    {
        foreach (var item in items) Add(item);
    }

    /// <summary>Adds a value; a second value under the same id is a mistake in the figure, never a silent overwrite.</summary>
    public void Add(Statistic statistic)
    {
        if (ContainsKey(statistic.Id)) throw new ArgumentException($"The figure already has a statistic {statistic.Id}.", nameof(statistic));
        if (string.IsNullOrWhiteSpace(statistic.Label) || statistic.Label == statistic.Id) throw new ArgumentException($"Statistic {statistic.Id} needs a label for readers.", nameof(statistic));
        _items.Add(statistic);
    }

    public void Add(string id, string label, string unit, decimal? value) => Add(new Statistic(id, label, unit, value));

    public void AddRange(IEnumerable<Statistic> statistics)
    {
        foreach (var s in statistics) Add(s);
    }

    /// <summary>The value of the statistic <paramref name="id"/>; throws when the figure has none.</summary>
    public decimal? this[string id] => Find(id)?.Value ?? (ContainsKey(id) ? null : throw new KeyNotFoundException($"No statistic {id}."));

    public Statistic this[int index] => _items[index];

    public bool ContainsKey(string id) => Find(id) is not null;

    public decimal? GetValueOrDefault(string id) => Find(id)?.Value;

    public bool TryGetValue(string id, out decimal? value)
    {
        var found = Find(id);
        value = found?.Value;
        return found is not null;
    }

    public Statistic? Find(string id) => _items.Find(s => s.Id == id);

    public int Count => _items.Count;

    public IEnumerator<Statistic> GetEnumerator() => _items.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

internal sealed class FigureStatisticsJson : System.Text.Json.Serialization.JsonConverter<FigureStatistics>
{
    public override FigureStatistics Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options) =>
        new(System.Text.Json.JsonSerializer.Deserialize<List<Statistic>>(ref reader, options) ?? []);

    public override void Write(System.Text.Json.Utf8JsonWriter writer, FigureStatistics value, System.Text.Json.JsonSerializerOptions options) =>
        System.Text.Json.JsonSerializer.Serialize(writer, (IReadOnlyList<Statistic>)[.. value], options);
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

    private static readonly System.Text.RegularExpressions.Regex Counted = new(@"\{(\w+)\|([^|}]*)\|([^}]*)\}", System.Text.RegularExpressions.RegexOptions.Compiled);
    private static readonly System.Text.RegularExpressions.Regex Worded = new(@"\{(\w+):(none|rose-fell)\}", System.Text.RegularExpressions.RegexOptions.Compiled);

    /// <summary>
    /// The template with each value put in, as English:
    /// <list type="bullet">
    /// <item>"{name|one|many}" counts a noun phrase, verb included: 0 gives "no {one}", 1 gives "1 {one}", n gives
    /// "n {many}" ("{count|service rates itself|services rate themselves}": "no service rates itself", "1 service
    /// rates itself", "4 services rate themselves");</item>
    /// <item>"{name:none}" is the number, or "none" for 0 ("None of the 131 services ...", not "0 of the 131");</item>
    /// <item>"{name:rose-fell}" is a percentage change as a reader says it: "rose by 4%", "fell by 4%", "did not change";</item>
    /// <item>"{name}" is the number: whole numbers without decimals; "£{name}" an amount in pounds, with pence when
    /// it has any ("£14.10", not "£14.1");</item>
    /// <item>the first letter is a capital ("No service ...").</item>
    /// </list>
    /// </summary>
    public string Text
    {
        get
        {
            var counted = Counted.Replace(Template, m => Values.TryGetValue(m.Groups[1].Value, out var n)
                ? n == 0 ? $"no {m.Groups[2].Value}" : n == 1 ? $"1 {m.Groups[2].Value}" : $"{Percent.Format(n)} {m.Groups[3].Value}"
                : m.Value);
            var worded = Worded.Replace(counted, m => !Values.TryGetValue(m.Groups[1].Value, out var n) ? m.Value
                : m.Groups[2].Value == "none" ? (n == 0 ? "none" : Percent.Format(n))
                : n > 0 ? $"rose by {Percent.Format(n)}%" : n < 0 ? $"fell by {Percent.Format(-n)}%" : "did not change");
            var text = Values.Aggregate(worded, (text, kv) => text
                .Replace("£{" + kv.Key + "}", "£" + Percent.FormatMoney(kv.Value), StringComparison.Ordinal)
                .Replace("{" + kv.Key + "}", Percent.Format(kv.Value), StringComparison.Ordinal));
            return text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
        }
    }
}

/// <summary>
/// One service's value of a measure, beside the national, regional and neighbours' figures.
/// <paramref name="Rank"/>: the service's place among the services that gave the measure nationally, 1 for the
/// highest value (equal values share the better place); null when the service did not give it.
/// </summary>
public sealed record BenchmarkLine(string MeasureId, string Title, string Unit, decimal? Value, Comparison National, Comparison? Regional, Comparison? Neighbours, int? Rank = null);

/// <summary>A group's figures for a measure: N, mean, median and quartiles (Excel PERCENTILE.INC); null when N = 0.</summary>
public sealed record Comparison(string Group, int Returns, decimal? Mean, decimal? Median, decimal? LowerQuartile = null, decimal? UpperQuartile = null);

/// <summary>
/// A service's benchmarking page: its Part 2 measures (<see cref="Lines"/>) and its self-assessment
/// (<see cref="Ratings"/>, one per exemplification, with who completed it in <see cref="Method"/>).
/// </summary>
public sealed record ServiceBenchmark(int ServiceId, string ServiceName, string? Region, int Year, IReadOnlyList<BenchmarkLine> Lines)
{
    /// <summary>Who completed the self-assessment, as Chart 1 labels it ("Not stated" when blank); null without a self-assessment.</summary>
    public string? Method { get; init; }
    /// <summary>The 34 ratings with last year's and the national and regional shares; empty when the return rates none.</summary>
    public IReadOnlyList<ServiceRating> Ratings { get; init; } = [];
    /// <summary>What on the page rests on synthetic data (<see cref="SyntheticLabel"/>), a sentence each; empty when nothing does.</summary>
    public IReadOnlyList<string> Synthetic { get; init; } = [];
}

/// <summary>
/// One self-rating on a service's page. <paramref name="Rating"/> and <paramref name="Previous"/> are the option
/// values (B, G, x, N; null when not rated or no return last year); <paramref name="Change"/> is Table C's mark
/// (higher, lower, same; null when either year has no rating).
/// </summary>
public sealed record ServiceRating(
    string Code, string Title, int Area, string? Rating, string? RatingLabel, string? Previous, string? PreviousLabel, string? Change,
    RatingShares National, RatingShares? Regional);

/// <summary>
/// How a group of services rated one exemplification: N (services that rated it) and the whole-number share at
/// each level and Best or Good (<see cref="Percent.Rounded"/>); shares are null when N = 0.
/// </summary>
public sealed record RatingShares(string Group, int Returns, int? PctBest, int? PctGood, int? PctNotCompleted, int? PctNonCompliant, int? PctBestOrGood);

/// <summary>Everything the national recompute produces for one collection year.</summary>
public sealed record NationalResult(int Year, IReadOnlyList<Figure> Figures, IReadOnlyList<Highlight> Highlights, ServiceBenchmarks Benchmarks)
{
    /// <summary>The key to services the figures were computed with.</summary>
    public ServiceCatalogue Services { get; init; } = ServiceCatalogue.BuiltIn;

    public Figure Figure(string id) => Figures.FirstOrDefault(f => f.Id == id) ?? throw new KeyNotFoundException($"No figure {id} for {Year}.");
}
