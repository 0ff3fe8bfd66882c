using Pps.Core.Aggregation;
using Pps.Core.Definition;

namespace Pps.Tests.Aggregation.Part2;

public class HighlightGapTests
{
    [Fact]
    public void Without_any_additional_data_no_statement_is_made_not_even_participation()
    {
        var ratingsOnly = new ReturnValues([KeyValuePair.Create(FieldIds.Rating("1a"), "B")]);
        var input = new AggregationInput
        {
            Year = 2013,
            Returns = [new ReturnRecord(1, 2012, ratingsOnly), new ReturnRecord(1, 2013, ratingsOnly), new ReturnRecord(2, 2013, ratingsOnly)],
        };

        var highlights = AdditionalDataFigures.Compute(input).Highlights;

        // "0 services (0% of services nationally) contributed" would be false when no Part 2 data was loaded.
        Assert.Empty(highlights);
        var tableB = AdditionalDataFigures.Compute(input).Figures.Single(f => f.Id == "table-b");
        Assert.All(tableB.Rows, row => Assert.Null(row[1]));
        Assert.All(tableB.Rows, row => Assert.Null(row[3]));
        Assert.Null(tableB.Statistics["returns"]);
        Assert.Null(tableB.Statistics["pct"]);
    }

    [Fact]
    public void Totals_of_nothing_are_null_as_in_tables_F_to_I()
    {
        var ratingsOnly = new ReturnValues([KeyValuePair.Create(FieldIds.Rating("1a"), "B")]);
        var figures = AdditionalDataFigures.Compute(new AggregationInput { Year = 2013, Returns = [new ReturnRecord(1, 2013, ratingsOnly)] }).Figures.ToDictionary(f => f.Id);
        Assert.Null(figures["table-f"].Statistics["total"]);
        Assert.Null(figures["chart-16"].Statistics["total"]);
        Assert.Null(figures["chart-17"].Statistics["total_paid_fte"]);
        Assert.Null(figures["chart-17"].Statistics["total_volunteer_ips"]);
        Assert.Null(figures["chart-17"].Statistics["total_other_volunteers"]);
        Assert.Null(figures["chart-22"].Statistics["total"]);
        Assert.Null(figures["chart-24"].Statistics["total"]);
        Assert.Null(figures["chart-25"].Statistics["total"]);
    }

    [Fact]
    public void A_year_without_the_measure_shows_no_data_for_its_returns_as_table_B_does_and_reach_has_no_zero_population()
    {
        var ratingsOnly = new ReturnValues([KeyValuePair.Create(FieldIds.Rating("1a"), "B")]);
        var budget = new ReturnValues([KeyValuePair.Create(FieldIds.CoreBudget, "1000")]);
        var figures = AdditionalDataFigures.Compute(new AggregationInput
        {
            Year = 2013,
            Returns = [new ReturnRecord(1, 2012, ratingsOnly), new ReturnRecord(1, 2013, budget)],
        }).Figures.ToDictionary(f => f.Id);
        foreach (var id in new[] { "table-e", "table-f", "table-g", "table-h", "table-i", "table-l" })
        {
            var table = figures[id];
            var returns = table.Columns.ToList().FindIndex(c => c.Id == "returns");
            Assert.All(table.Rows, row => Assert.True(row[returns] is null || (int)row[returns]! > 0, $"{id} {row[0]}: {row[returns]} returns"));
        }
        Assert.Equal(1, figures["table-e"].Rows.Single(r => (int)r[0]! == 2013)[1]);
        Assert.Null(figures["table-e"].Rows.Single(r => (int)r[0]! == 2012)[1]);
        // No service gave casework users with a population: users, population and returns are no data, not 0.
        Assert.All(figures["reach"].Rows, row => Assert.True(row[2] is null && row[3] is null && row[4] is null && row[5] is null, string.Join(",", row)));
    }
}

public class HighlightTextTests
{
    [Fact]
    public void Pounds_show_pence_and_other_numbers_drop_trailing_zeros()
    {
        var highlight = new Highlight("h", "budget", "chart-10", "£{per_head} per head; {pct}% of {n} services; £{total}",
            new Dictionary<string, decimal> { ["per_head"] = 14.1m, ["pct"] = 45m, ["n"] = 1.5m, ["total"] = 1234567m });
        Assert.Equal("£14.10 per head; 45% of 1.5 services; £1,234,567", highlight.Text);
    }

    [Theory]
    [InlineData(-4, "The total fell by 4% compared with last year")]
    [InlineData(2.5, "The total rose by 2.5% compared with last year")]
    [InlineData(0, "The total did not change compared with last year")]
    public void A_change_reads_as_rose_or_fell_never_as_a_negative_change(double change, string expected)
    {
        var highlight = new Highlight("h", "budget", "table-e", "The total {change:rose-fell} compared with last year",
            new Dictionary<string, decimal> { ["change"] = (decimal)change });
        Assert.Equal(expected, highlight.Text);
    }

    [Theory]
    [InlineData(0, "None of the 131 services report a change")]
    [InlineData(3, "3 of the 131 services report a change")]
    public void No_services_of_many_reads_as_none(int changed, string expected)
    {
        var highlight = new Highlight("h", "type", "table-d", "{changed:none} of the {n} services report a change",
            new Dictionary<string, decimal> { ["changed"] = changed, ["n"] = 131 });
        Assert.Equal(expected, highlight.Text);
    }

    [Theory]
    [InlineData(0, "No service rates itself as Non-compliant")]
    [InlineData(1, "1 service rates itself as Non-compliant")]
    [InlineData(4, "4 services rate themselves as Non-compliant")]
    public void Counted_phrases_agree_with_their_number(int count, string expected)
    {
        var highlight = new Highlight("h", "exemplifications", "chart-4", "{count|service rates itself|services rate themselves} as Non-compliant",
            new Dictionary<string, decimal> { ["count"] = count });
        Assert.Equal(expected, highlight.Text);
    }
}
