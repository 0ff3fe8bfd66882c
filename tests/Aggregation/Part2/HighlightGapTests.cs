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
