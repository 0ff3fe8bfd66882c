using Pps.Core.Aggregation;
using Pps.Core.Definition;

namespace Pps.Tests.Aggregation.Part2;

public class HighlightGapTests
{
    [Fact]
    public void Without_any_additional_data_only_the_participation_statement_is_made()
    {
        var ratingsOnly = new ReturnValues([KeyValuePair.Create(FieldIds.Rating("1a"), "B")]);
        var input = new AggregationInput
        {
            Year = 2013,
            Returns = [new ReturnRecord(1, 2012, ratingsOnly), new ReturnRecord(1, 2013, ratingsOnly), new ReturnRecord(2, 2013, ratingsOnly)],
        };

        var highlights = AdditionalDataFigures.Compute(input).Highlights;

        var only = Assert.Single(highlights);
        Assert.Equal("table-b", only.FigureId);
        Assert.StartsWith("0 services (0% of services nationally)", only.Text);
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
}
