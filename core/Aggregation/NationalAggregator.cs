namespace Pps.Core.Aggregation;

/// <summary>Computes every figure of the national report for one collection year.</summary>
public static class NationalAggregator
{
    public static NationalResult Compute(AggregationInput input) => Start(input).Result.GetAwaiter().GetResult();

    /// <summary>
    /// Starts the three parts of the report side by side (they read the same input and nothing else; at 100x today's
    /// services each takes seconds). The services' pages are ready well before the figures, so a publisher can write
    /// them while the figures are still being computed.
    /// </summary>
    public static NationalComputation Start(AggregationInput input)
    {
        // Each part on a thread of its own: on a 2-core host, parts run on pool threads would leave none free for
        // the storage calls that a publisher makes meanwhile.
        var part1 = Run(() => SyntheticLabel.Apply(ExemplificationFigures.Compute(input), SyntheticLabel.SelfAssessment, input));
        var part2 = Run(() => SyntheticLabel.Apply(AdditionalDataFigures.Compute(input), SyntheticLabel.AdditionalData, input));
        var benchmarks = Run(() => Benchmarking.Compute(input));
        var result = Assemble(input.Year, part1, part2, benchmarks);
        return new NationalComputation(input.Year, benchmarks, result);
    }

    private static Task<T> Run<T>(Func<T> part) =>
        Task.Factory.StartNew(part, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private static async Task<NationalResult> Assemble(int year, Task<PartResult> part1, Task<PartResult> part2, Task<ServiceBenchmarks> benchmarks)
    {
        var (first, second, pages) = (await part1, await part2, await benchmarks);
        return new NationalResult(
            year,
            [.. NotCollected.Annotate([.. first.Figures, .. second.Figures]).Select(SayWhenEmpty)],
            [.. first.Highlights, .. second.Highlights],
            pages);
    }

    /// <summary>A figure that rests on no returns says so plainly, first among its notes.</summary>
    public static Figure SayWhenEmpty(Figure figure) => figure.Returns > 0 ? figure : figure with
    {
        Notes = [$"No returns for {figure.Year} gave this figure: it shows no data.", .. figure.Notes],
    };
}

/// <summary>The figures and opening statements of one part of the report.</summary>
public sealed record PartResult(IReadOnlyList<Figure> Figures, IReadOnlyList<Highlight> Highlights);

/// <summary>A recompute under way: the services' pages (<see cref="Benchmarks"/>) come first, the whole result after.</summary>
public sealed record NationalComputation(int Year, Task<ServiceBenchmarks> Benchmarks, Task<NationalResult> Result)
{
    /// <summary>A result computed already, as a computation.</summary>
    public static NationalComputation Done(NationalResult result) => new(result.Year, Task.FromResult(result.Benchmarks), Task.FromResult(result));
}
