namespace Pps.Core.Aggregation;

/// <summary>Part 2 of the report: type of service, budget, staffing, access, casework, strategic work; and Table B (participation in the additional data).</summary>
public static class AdditionalDataFigures
{
    public static PartResult Compute(AggregationInput input) => new([], []);
}
