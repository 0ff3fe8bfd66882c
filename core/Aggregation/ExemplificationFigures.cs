namespace Pps.Core.Aggregation;

/// <summary>Part 1 of the report: the self-assessment against the 34 exemplifications, and Table A (participation in it).</summary>
public static class ExemplificationFigures
{
    public static PartResult Compute(AggregationInput input) => new([], []);
}
