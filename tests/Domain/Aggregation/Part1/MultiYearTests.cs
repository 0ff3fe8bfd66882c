using Pps.Core.Aggregation;
using Pps.Core.Catalogue;
using Pps.Core.Definition;
using static Pps.Tests.Aggregation.Part1.FigureReader;

namespace Pps.Tests.Aggregation.Part1;

/// <summary>
/// Hand-made returns over 2011-2013:
/// service 1 every year; service 2 in 2011-2012 only; service 3 in 2012-2013; service 4 new in 2013 with two
/// blank ratings; service 5 sends a 2013 return with no ratings (not a Part 1 return); a 2014 return is ignored.
/// </summary>
public class MultiYearTests
{
    private static readonly IReadOnlyList<ReturnRecord> Returns =
    [
        Return(1, 2011, "PPO", 'G'),
        Return(1, 2012, "PPO", 'G', ("1a", "N"), ("1b", "N")),
        Return(1, 2013, "PPO", 'B', ("1a", "N"), ("2a", "x")),
        Return(2, 2011, "PPO+MG", 'G', ("1a", "N")),
        Return(2, 2012, "PPO+MG", 'G'),
        Return(3, 2012, "PPO+LA", 'B'),
        Return(3, 2013, "PPO+LA", 'B', ("1a", "G"), ("1b", "N"), ("1c", "N"), ("1d", "N"), ("1e", "N"), ("1f", "N")),
        Return(4, 2013, null, 'G', ("3a", ""), ("3b", "")),
        new(5, 2013, new ReturnValues([new(FieldIds.CompletedBy, "PPO")])),
        Return(6, 2014, "PPO", 'N'),
    ];

    internal static readonly PartResult Result = ExemplificationFigures.Compute(new AggregationInput { Year = 2013, Returns = Returns });

    /// <summary>A return rating every exemplification <paramref name="rating"/> except the overrides ("" = blank).</summary>
    private static ReturnRecord Return(int service, int year, string? method, char rating, params (string Code, string Rating)[] overrides)
    {
        var values = Exemplifications.All.ToDictionary(e => FieldIds.Rating(e.Code), _ => rating.ToString());
        foreach (var (code, r) in overrides)
        {
            if (r.Length == 0) values.Remove(FieldIds.Rating(code));
            else values[FieldIds.Rating(code)] = r;
        }
        if (method is not null) values[FieldIds.CompletedBy] = method;
        return new ReturnRecord(service, year, new ReturnValues(values));
    }

    private static Figure Figure(string id) => Result.Figures.Single(f => f.Id == id);

    private static int? At(string figure, string row, string column) => Number(Cell(Figure(figure), row, column));

    [Fact]
    public void Table_a_counts_returns_with_a_rating_against_services_nationally_for_five_years()
    {
        var table = Figure("table-a");
        Assert.Equal([2009, 2010, 2011, 2012, 2013], table.Years);
        Assert.Null(Cell(table, "2009", "returns"));
        Assert.Null(Cell(table, "2010", "pct_national"));
        Assert.Equal(150, At("table-a", "2010", "national"));
        Assert.Equal([2, 1, 3, 2, 3, 2], new[] { "2011", "2012", "2013" }.SelectMany(y => new[] { At("table-a", y, "returns"), At("table-a", y, "pct_national") }));
        Assert.Equal(3, table.Returns);
        Assert.Equal("participation", table.Section);
    }

    [Fact]
    public void Chart_1_puts_a_missing_method_under_not_stated_and_ignores_returns_without_ratings()
    {
        Assert.Equal(3, Figure("chart-1").Returns);
        Assert.Equal([1, 0, 1, 1], new[] { "PPO", "PPO+MG", "PPO+LA", "not-stated" }.Select(m => At("chart-1", m, "returns")));
        Assert.Equal(33, At("chart-1", "PPO", "pct"));
        Assert.Equal(33m, Figure("chart-1").Statistics["pct_with_mg_or_la"]);
    }

    [Theory]
    [InlineData("0", 1, 50, 2, 67, 1, 33)]
    [InlineData("1", 1, 50, 0, 0, 1, 33)]
    [InlineData("2", 0, 0, 1, 33, 0, 0)]
    [InlineData("3", 0, 0, 0, 0, 0, 0)]
    [InlineData("4", 0, 0, 0, 0, 0, 0)]
    [InlineData("5+", 0, 0, 0, 0, 1, 33)]
    public void Chart_2_bands_services_by_their_number_of_non_compliant_ratings_each_year(string band, int c11, int p11, int c12, int p12, int c13, int p13)
    {
        Assert.Equal([c11, p11, c12, p12, c13, p13], new[] { 2011, 2012, 2013 }.SelectMany(y => new[] { At("chart-2", band, $"count_{y}"), At("chart-2", band, $"pct_{y}") }));
        Assert.Equal(new Dictionary<int, int> { [2011] = 2, [2012] = 3, [2013] = 3 }, Figure("chart-2").ReturnsByYear);
    }

    [Fact]
    public void Chart_3_counts_services_non_compliant_on_two_or_more_in_an_area()
    {
        // 2011: service 2 has one N in area 1 (not more than one); 2012: service 1 has two; 2013: service 3 has five.
        Assert.Equal([0, 1, 1], new[] { 2011, 2012, 2013 }.Select(y => At("chart-3", "1", $"count_{y}")));
        Assert.Equal([0, 33, 33], new[] { 2011, 2012, 2013 }.Select(y => At("chart-3", "1", $"pct_{y}")));
        Assert.Equal(0, At("chart-3", "2", "count_2013"));
        Assert.Equal(8, At("chart-3", "1", "exemplifications"));
    }

    [Fact]
    public void Chart_4_for_one_exemplification_gives_the_four_levels_for_three_years()
    {
        var chart = Figure("chart-4-1a");
        Assert.Equal([2011, 2012, 2013], chart.Years);
        Assert.Equal(["best", "good", "not_completed", "non_compliant"], chart.Rows.Select(r => Text(r[0])));
        Assert.Equal([0, 50, 0, 50], Levels("chart-4-1a", 2011));
        Assert.Equal([33, 33, 0, 33], Levels("chart-4-1a", 2012));
        Assert.Equal([0, 67, 0, 33], Levels("chart-4-1a", 2013));
    }

    private static IEnumerable<int?> Levels(string figure, int year) =>
        new[] { "best", "good", "not_completed", "non_compliant" }.Select(l => At(figure, l, $"pct_{year}"));

    [Fact]
    public void A_blank_rating_changes_n_but_is_never_a_level()
    {
        var chart = Figure("chart-4-3a");
        Assert.Equal(2, chart.Returns);
        Assert.Equal(new Dictionary<int, int> { [2011] = 2, [2012] = 3, [2013] = 2 }, chart.ReturnsByYear);
        Assert.Equal([2, 0, 0, 0], new[] { "best", "good", "not_completed", "non_compliant" }.Select(l => At("chart-4-3a", l, "count_2013")));
        Assert.Equal(100, At("chart-4-3a", "best", "pct_2013"));
        Assert.Equal(2, At("chart-4", "3a", "returns"));
        Assert.Equal(1, At("chart-4", "3a", "count_not_rated"));
        Assert.Equal(3, At("chart-4", "1a", "returns"));
        Assert.Equal(0, At("chart-4", "1a", "count_not_rated"));
    }

    [Theory]
    [InlineData("comply-with-all", 1, 33)]      // service 4: blanks but no N
    [InlineData("best-or-good-on-all", 0, 0)]   // service 4's blanks are not Best or Good
    [InlineData("minimum-on-32-of-34", 2, 67)]  // services 1 (one N) and 4
    [InlineData("non-compliant-on-exactly-1", 1, 33)]
    [InlineData("non-compliant-on-5-or-more", 1, 33)]
    public void Headlines_follow_the_non_compliant_count(string measure, int count, int pct)
    {
        Assert.Equal(count, At("headlines", measure, "count"));
        Assert.Equal(pct, At("headlines", measure, "pct"));
    }

    [Theory]
    [InlineData(1, "1a", "N", "same")]
    [InlineData(1, "1b", "B", "higher")]   // N -> B
    [InlineData(1, "1c", "B", "higher")]   // G -> B
    [InlineData(1, "2a", "x", "lower")]    // G -> x
    [InlineData(3, "1a", "G", "lower")]    // B -> G
    [InlineData(3, "1b", "N", "lower")]    // B -> N
    [InlineData(3, "2a", "B", "same")]
    [InlineData(4, "1a", "G", null)]       // no return in 2012
    [InlineData(4, "3a", null, null)]      // blank
    public void Table_c_marks_each_rating_against_last_year(int service, string code, string? rating, string? change)
    {
        var row = Figure("table-c").Rows.Single(r => Number(r[0]) == service);
        var columns = Figure("table-c").Columns.Select(c => c.Id).ToList();
        Assert.Equal(rating, Text(row[columns.IndexOf(code)]));
        Assert.Equal(change, Text(row[columns.IndexOf(code + "_change")]));
    }

    [Fact]
    public void Table_c_lists_this_years_part_1_returns_with_their_method()
    {
        var table = Figure("table-c");
        Assert.Equal([1, 3, 4], table.Rows.Select(r => Number(r[0])));
        Assert.Equal(["PPO", "PPO+LA", null], table.Rows.Select(r => Text(r[1])));
        Assert.Equal(2 + 34 * 2, table.Columns.Count);
        Assert.Equal(["service_id", "method", "1a", "1a_change", "1b"], table.Columns.Take(5).Select(c => c.Id));
    }

    [Fact]
    public void A_service_missing_the_year_before_gets_no_changes()
    {
        var row = Figure("table-c").Rows.Single(r => Number(r[0]) == 4);
        Assert.All(Enumerable.Range(0, 34), i => Assert.Null(row[3 + 2 * i]));
    }

    [Fact]
    public void Highlights_fill_their_templates_from_the_figures()
    {
        var byId = Result.Highlights.ToDictionary(h => h.Id);
        Assert.Equal("33% of participating services rate themselves as complying with all the exemplifications", byId["comply-with-all"].Text);
        Assert.Equal("0% of participating services rate themselves as achieving Best or Good Practice standards on every exemplification", byId["best-or-good-on-all"].Text);
        Assert.Equal("chart-4-1a", byId["ex-1a"].FigureId);
        Assert.StartsWith("67% of participating services rate themselves as achieving Best or Good Practice on 1a ", byId["ex-1a"].Text, StringComparison.Ordinal);
        Assert.EndsWith("; 1 participating service rates itself as Non-compliant (33%)", byId["ex-1a"].Text, StringComparison.Ordinal);
        Assert.Equal(1m, byId["ex-1a-1b-ips-without-supervision"].Values["count"]); // service 3: 1a G, 1b N
        var ids = Result.Figures.Select(f => f.Id).ToHashSet();
        Assert.All(Result.Highlights, h => Assert.Contains(h.FigureId, ids));
    }

    [Fact]
    public void A_year_without_returns_gives_no_data_and_no_highlights()
    {
        var empty = ExemplificationFigures.Compute(new AggregationInput { Year = 2010, Returns = Returns });
        Assert.Null(Cell(empty.Figures.Single(f => f.Id == "headlines"), "comply-with-all", "pct"));
        Assert.Null(Cell(empty.Figures.Single(f => f.Id == "chart-4-1a"), "best", "pct_2010"));
        Assert.Empty(empty.Highlights);
        Assert.Empty(empty.Figures.Single(f => f.Id == "table-c").Rows);
    }

    [Fact]
    public void Two_returns_from_one_service_in_one_year_are_refused()
    {
        ReturnRecord[] twice = [Return(1, 2013, "PPO", 'G'), Return(1, 2013, "PPO", 'B')];
        Assert.Throws<ArgumentException>(() => ExemplificationFigures.Compute(new AggregationInput { Year = 2013, Returns = twice }));
    }
}
