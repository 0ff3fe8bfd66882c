namespace Pps.Core.Aggregation;

/// <summary>Computes every figure of the national report for one collection year.</summary>
public static class NationalAggregator
{
    public static NationalResult Compute(AggregationInput input)
    {
        var part1 = SyntheticLabel.Apply(ExemplificationFigures.Compute(input), SyntheticLabel.SelfAssessment, input);
        var part2 = SyntheticLabel.Apply(AdditionalDataFigures.Compute(input), SyntheticLabel.AdditionalData, input);
        return new NationalResult(
            input.Year,
            [.. NotCollected.Annotate([.. part1.Figures, .. part2.Figures]).Select(SayWhenEmpty)],
            [.. part1.Highlights, .. part2.Highlights],
            Benchmarking.Compute(input));
    }

    /// <summary>A figure that rests on no returns says so plainly, first among its notes.</summary>
    public static Figure SayWhenEmpty(Figure figure) => figure.Returns > 0 ? figure : figure with
    {
        Notes = [$"No returns for {figure.Year} gave this figure: it shows no data.", .. figure.Notes],
    };
}

/// <summary>The figures and opening statements of one part of the report.</summary>
public sealed record PartResult(IReadOnlyList<Figure> Figures, IReadOnlyList<Highlight> Highlights);
