using Pps.Core.Aggregation;
using Pps.Core.Catalogue;
using static Pps.Tests.Aggregation.Part1.FigureReader;

namespace Pps.Tests.Aggregation.Part1;

/// <summary>Invariants of the Part 1 figures, on the 2013 Table C and on the hand-made years.</summary>
public class PropertyTests
{
    public static TheoryData<string> Results => new(["table-2013", "hand-made"]);

    private static PartResult ResultOf(string name) => name == "table-2013" ? Table2013.Result : MultiYearTests.Result;

    private static readonly string[] Levels = ["best", "good", "not_completed", "non_compliant"];

    [Theory]
    [MemberData(nameof(Results))]
    public void Each_exemplifications_four_percentages_add_to_100_within_rounding(string name)
    {
        var chart4 = ResultOf(name).Figures.Single(f => f.Id == "chart-4");
        foreach (var e in Exemplifications.All)
        {
            var total = Levels.Sum(l => Number(Cell(chart4, e.Code, "pct_" + l)));
            Assert.InRange(total!.Value, 98, 102);
        }
    }

    [Theory]
    [MemberData(nameof(Results))]
    public void Level_counts_add_to_the_services_rating_it_and_blanks_make_up_n(string name)
    {
        var chart4 = ResultOf(name).Figures.Single(f => f.Id == "chart-4");
        foreach (var e in Exemplifications.All)
        {
            var rated = Number(Cell(chart4, e.Code, "returns"));
            Assert.Equal(rated, Levels.Sum(l => Number(Cell(chart4, e.Code, "count_" + l))));
            Assert.Equal(chart4.Returns, rated + Number(Cell(chart4, e.Code, "count_not_rated")));
            Assert.Equal(Number(Cell(chart4, e.Code, "count_best")) + Number(Cell(chart4, e.Code, "count_good")), Number(Cell(chart4, e.Code, "count_best_or_good")));
        }
    }

    [Theory]
    [MemberData(nameof(Results))]
    public void Every_years_counts_add_to_that_years_n(string name)
    {
        var result = ResultOf(name);
        foreach (var figure in result.Figures.Where(f => f.Id == "chart-2" || f.Id.StartsWith("chart-4-", StringComparison.Ordinal)))
        {
            foreach (var year in figure.Years)
            {
                var counts = figure.Rows.Select(r => Number(Cell(figure, Text(r[0])!, $"count_{year}"))).ToList();
                if (figure.ReturnsByYear![year] == 0) Assert.All(counts, Assert.Null);
                else Assert.Equal(figure.ReturnsByYear[year], counts.Sum());
            }
        }
    }

    [Fact]
    public void The_figure_ids_are_the_stable_set()
    {
        var ids = Table2013.Result.Figures.Select(f => f.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(
            ["table-a", "chart-1", "chart-2", "chart-3", "chart-4", .. Exemplifications.All.Select(e => "chart-4-" + e.Code), "headlines", "table-c"],
            ids);
        Assert.All(Table2013.Result.Figures, f =>
        {
            Assert.Equal(2013, f.Year);
            Assert.Contains(f.Section, new[] { "exemplifications", "participation" });
            Assert.All(f.Rows, r => Assert.Equal(f.Columns.Count, r.Count));
        });
    }
}
