namespace Pps.Core.Aggregation;

/// <summary>Computes every figure of the national report for one collection year.</summary>
public static class NationalAggregator
{
    public static NationalResult Compute(AggregationInput input)
    {
        // The three parts read the same input and nothing else: at 100x today's services each takes seconds, so they
        // run side by side.
        var part1 = Task.Run(() => SyntheticLabel.Apply(ExemplificationFigures.Compute(input), SyntheticLabel.SelfAssessment, input));
        var part2 = Task.Run(() => SyntheticLabel.Apply(AdditionalDataFigures.Compute(input), SyntheticLabel.AdditionalData, input));
        var benchmarks = Task.Run(() => Benchmarking.Compute(input));
        return new NationalResult(
            input.Year,
            [.. NotCollected.Annotate([.. part1.GetAwaiter().GetResult().Figures, .. part2.GetAwaiter().GetResult().Figures]).Select(SayWhenEmpty)],
            [.. part1.GetAwaiter().GetResult().Highlights, .. part2.GetAwaiter().GetResult().Highlights],
            benchmarks.GetAwaiter().GetResult());
    }

    /// <summary>A figure that rests on no returns says so plainly, first among its notes.</summary>
    public static Figure SayWhenEmpty(Figure figure) => figure.Returns > 0 ? figure : figure with
    {
        Notes = [$"No returns for {figure.Year} gave this figure: it shows no data.", .. figure.Notes],
    };
}

/// <summary>The figures and opening statements of one part of the report.</summary>
public sealed record PartResult(IReadOnlyList<Figure> Figures, IReadOnlyList<Highlight> Highlights);
