using Pps.Core.Aggregation.AdditionalData;

namespace Pps.Core.Aggregation;

/// <summary>
/// Part 2 of the report: type of service, budget, staffing, access, casework, strategic work; and Table B
/// (participation in the additional data). Ids follow the report: table-b, table-d..table-l, chart-5..chart-37,
/// chart-31a/b/c, reach. Each figure counts its own returns: a service that left a figure out is not in it.
/// </summary>
public static class AdditionalDataFigures
{
    public static PartResult Compute(AggregationInput input)
    {
        var context = new Part2Context(input);
        var figures = new List<Figure>();
        var highlights = new HighlightList();
        TypeAndBudgetFigures.Add(context, figures, highlights);
        StaffingFigures.Add(context, figures, highlights);
        AccessCaseworkFigures.Add(context, figures, highlights);
        return new PartResult(figures, highlights.Items);
    }
}
