using Pps.Core.Aggregation.Part1;
using Pps.Core.Catalogue;

namespace Pps.Core.Aggregation;

/// <summary>Part 1 of the report: the self-assessment against the 34 exemplifications, and Table A (participation in it).</summary>
public static class ExemplificationFigures
{
    public const string TableA = "table-a";
    public const string Chart1 = "chart-1";
    public const string Chart2 = "chart-2";
    public const string Chart3 = "chart-3";
    public const string Chart4 = "chart-4";
    public const string Headlines = "headlines";
    public const string TableC = "table-c";

    /// <summary>
    /// Every Part 1 figure for <see cref="AggregationInput.Year"/>, with earlier years where a figure spans
    /// them. A return counts when it rates at least one exemplification; every percentage is of the
    /// returns the figure rests on, rounded by <see cref="Percent.Rounded"/>.
    /// </summary>
    public static PartResult Compute(AggregationInput input)
    {
        var data = SelfAssessments.From(input);
        IReadOnlyList<Figure> figures =
        [
            ParticipationFigure.Build(input, data),
            MethodFigure.Build(input, data),
            NonComplianceFigures.Chart2(input, data),
            NonComplianceFigures.Chart3(input, data),
            LevelFigures.Chart4(input, data),
            .. Exemplifications.All.Select(e => LevelFigures.Single(e, input, data)),
            HeadlineFigure.Build(input, data),
            ServiceRatingsFigure.Build(input, data),
        ];
        return new PartResult(figures, Part1Highlights.Build(input, figures, data));
    }
}
