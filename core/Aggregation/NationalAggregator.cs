using Pps.Core.Definition;
namespace Pps.Core.Aggregation;

/// <summary>Computes every figure of the national report for one collection year.</summary>
public static class NationalAggregator
{
    public static NationalResult Compute(AggregationInput input) => Start(input).Result.GetAwaiter().GetResult();

    /// <summary>
    /// Starts the three parts of the report (they read the same input and nothing else; at 100x today's services each
    /// takes seconds): the services' pages beside Parts 1 and 2. The pages are ready well before the figures, so a
    /// publisher can write them while the figures are still being computed.
    /// </summary>
    public static NationalComputation Start(AggregationInput input) => Start(input, Task.FromResult(input));

    /// <summary>
    /// As <see cref="Start(AggregationInput)"/>, with the services' pages made from <paramref name="recent"/>: the year
    /// and the one before it, all that <see cref="Benchmarking"/> reads. So a close can make and write the pages while
    /// it is still reading the earlier years; Parts 1 and 2 start once <paramref name="whole"/> (every year) is read.
    /// </summary>
    public static NationalComputation Start(AggregationInput recent, Task<AggregationInput> whole)
    {
        // The pages on a thread of their own, Parts 1 and 2 one after the other on another: on a 2-core host, the two
        // parts side by side took both cores from the writing of the pages (and its storage calls) that runs meanwhile.
        var benchmarks = Run(() => Benchmarking.Compute(recent));
        var part1 = RunWhenRead(whole, input => SyntheticLabel.Apply(ExemplificationFigures.Compute(input), SyntheticLabel.SelfAssessment, input));
        var part2 = RunWhenRead(Then(part1, whole), input => SyntheticLabel.Apply(AdditionalDataFigures.Compute(input), SyntheticLabel.AdditionalData, input));
        var (first, second) = (FinishedAsync(part1, recent.Definitions), FinishedAsync(part2, recent.Definitions));
        var result = Assemble(recent.Year, first, second, part1, part2, benchmarks);
        return new NationalComputation(recent.Year, benchmarks, result) { FirstFigures = first };
    }

    /// <summary><paramref name="reading"/>'s input, once <paramref name="previous"/> has ended too.</summary>
    private static async Task<AggregationInput> Then(Task previous, Task<AggregationInput> reading)
    {
        await previous.ConfigureAwait(false);
        return await reading.ConfigureAwait(false);
    }

    private static async Task<T> RunWhenRead<T>(Task<AggregationInput> reading, Func<AggregationInput, T> part)
    {
        var input = await reading.ConfigureAwait(false);
        return await Run(() => part(input)).ConfigureAwait(false);
    }

    private static Task<T> Run<T>(Func<T> part) =>
        Task.Factory.StartNew(part, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>A part's figures as the result holds them: each annotated where its fields were not collected, and saying when it is empty.</summary>
    private static async Task<IReadOnlyList<Figure>> FinishedAsync(Task<PartResult> part, DefinitionSet definitions) =>
        [.. NotCollected.Annotate((await part.ConfigureAwait(false)).Figures, definitions).Select(SayWhenEmpty)];

    private static async Task<NationalResult> Assemble(
        int year, Task<IReadOnlyList<Figure>> firstFigures, Task<IReadOnlyList<Figure>> secondFigures,
        Task<PartResult> part1, Task<PartResult> part2, Task<ServiceBenchmarks> benchmarks)
    {
        var (first, second, pages) = (await part1, await part2, await benchmarks);
        return new NationalResult(year, [.. await firstFigures, .. await secondFigures], [.. first.Highlights, .. second.Highlights], pages);
    }

    /// <summary>A figure that rests on no returns says so plainly, first among its notes.</summary>
    public static Figure SayWhenEmpty(Figure figure) => figure.Returns > 0 ? figure : figure with
    {
        Notes = [$"No returns for {figure.Year} gave this figure: it shows no data.", .. figure.Notes],
    };
}

/// <summary>The figures and opening statements of one part of the report.</summary>
public sealed record PartResult(IReadOnlyList<Figure> Figures, IReadOnlyList<Highlight> Highlights);

/// <summary>
/// A recompute under way: the services' pages (<see cref="Benchmarks"/>) come first, then Part 1's figures
/// (<see cref="FirstFigures"/>), then the whole result.
/// </summary>
public sealed record NationalComputation(int Year, Task<ServiceBenchmarks> Benchmarks, Task<NationalResult> Result)
{
    /// <summary>The first figures of <see cref="Result"/>'s, as it will hold them, ready before the others.</summary>
    public required Task<IReadOnlyList<Figure>> FirstFigures { get; init; }

    /// <summary>A result computed already, as a computation.</summary>
    public static NationalComputation Done(NationalResult result) =>
        new(result.Year, Task.FromResult(result.Benchmarks), Task.FromResult(result)) { FirstFigures = Task.FromResult(result.Figures) };
}
