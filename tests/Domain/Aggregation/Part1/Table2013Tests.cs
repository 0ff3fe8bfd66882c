using static Pps.Tests.Aggregation.Part1.FigureReader;

namespace Pps.Tests.Aggregation.Part1;

/// <summary>The 2013 figures beyond the report's stated ones: Table C read back, Chart 1, the highlights' words.</summary>
public class Table2013Tests
{
    private static Pps.Core.Aggregation.Figure Figure(string id) => Table2013.Result.Figures.Single(f => f.Id == id);

    [Fact]
    public void Every_figure_rests_on_the_131_returns()
    {
        Assert.Equal(131, Table2013.Returns.Count);
        Assert.All(Table2013.Result.Figures, f => Assert.Equal(131, f.Returns));
    }

    [Fact]
    public void Chart_1_counts_cut_off_and_blank_methods_as_not_stated()
    {
        Assert.Equal([68, 20, 26, 17], new[] { "PPO", "PPO+MG", "PPO+LA", "not-stated" }.Select(m => Number(Cell(Figure("chart-1"), m, "returns"))));
        Assert.Equal([52, 15, 20, 13], new[] { "PPO", "PPO+MG", "PPO+LA", "not-stated" }.Select(m => Number(Cell(Figure("chart-1"), m, "pct"))));
    }

    [Fact]
    public void Table_c_gives_back_the_reports_ratings_with_no_changes_without_2012()
    {
        var table = Figure("table-c");
        Assert.Equal(131, table.Rows.Count);
        var s107 = table.Rows.Single(r => Number(r[0]) == 107);
        Assert.Equal(26, s107.Count(c => Text(c) == "N"));
        var s3 = table.Rows.Single(r => Number(r[0]) == 3);
        Assert.Null(s3[1]); // "PPO +" cut off in the report
        Assert.All(table.Rows, r => Assert.DoesNotContain(r.Skip(2).Where((_, i) => i % 2 == 1), c => c is not null));
    }

    [Fact]
    public void Chart_2_distribution_for_2013()
    {
        // 59, 17, 14, 13, 8 and 20 services with 0, 1, 2, 3, 4 and 5+ Non-compliant ratings.
        Assert.Equal([59, 17, 14, 13, 8, 20], new[] { "0", "1", "2", "3", "4", "5+" }.Select(b => Number(Cell(Figure("chart-2"), b, "count_2013"))));
        Assert.Equal([45, 13, 11, 10, 6, 15], new[] { "0", "1", "2", "3", "4", "5+" }.Select(b => Number(Cell(Figure("chart-2"), b, "pct_2013"))));
    }

    [Fact]
    public void The_opening_statements_read_as_the_report_writes_them()
    {
        var text = Table2013.Result.Highlights.ToDictionary(h => h.Id, h => h.Text);
        Assert.Equal("45% of participating services rate themselves as complying with all the exemplifications", text["comply-with-all"]);
        Assert.Equal("19% of participating services rate themselves as achieving Best or Good Practice standards on every exemplification", text["best-or-good-on-all"]);
        Assert.Equal("13% of participating services rate themselves as Non-compliant on exactly 1 exemplification", text["non-compliant-on-exactly-1"]);
        Assert.Equal("15% of participating services rate themselves as Non-compliant on 5 or more of the exemplifications", text["non-compliant-on-5-or-more"]);
        Assert.Equal("21% of participating services rate themselves as Non-compliant on at least two of the exemplifications concerning Working with parents", text["area-1-non-compliant-on-2-or-more"]);
        Assert.StartsWith("94% of participating services rate themselves as achieving Best or Good Practice on 1c ", text["ex-1c"], StringComparison.Ordinal);
        Assert.EndsWith("; 26 participating services rate themselves as Non-compliant (20%)", text["ex-1a"], StringComparison.Ordinal);
        Assert.Equal("4 participating services rate access to IPS at Best or Good Practice but the monitoring and supervision of IPS as Non-compliant", text["ex-1a-1b-ips-without-supervision"]);
        Assert.Equal("131 services (87% of services nationally) take part in the self-assessment", text["returned-self-assessment"]);
        // 17 returns do not state the method (cut off or blank in Table C): 35% is a lower bound.
        Assert.Equal("At least 35% of participating services complete the self-assessment with the management or steering group or the local authority officer (17 returns do not say who completed it)", text["method-with-mg-or-la"]);
    }
}
