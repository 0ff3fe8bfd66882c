using Pps.Core.Catalogue;
using Pps.Core.Definition;
namespace Pps.Core.Aggregation;

/// <summary>Computes every figure of the national report for one collection year.</summary>
public static class NationalAggregator
{
    public static NationalResult Compute(AggregationInput input) => Start(input).Result.GetAwaiter().GetResult();

    /// <summary>
    /// Starts the three parts of the report (they read the same input and nothing else, and each takes time in
    /// proportion to the services and years read): the services' pages beside Parts 1 and 2. The pages are ready well before the figures, so a
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
        // The pages on a thread of their own, Parts 1 and 2 one after the other on another: the writing of the pages
        // (and its storage calls) runs meanwhile, and the two parts side by side would leave it no core of its own.
        var benchmarks = Run(() => Benchmarking.Compute(recent));
        var part1 = RunWhenRead(whole, input => SyntheticLabel.Apply(ExemplificationFigures.Compute(input), SyntheticLabel.SelfAssessment, input));
        var part2 = RunWhenRead(Then(part1, whole), input => SyntheticLabel.Apply(AdditionalDataFigures.Compute(input), SyntheticLabel.AdditionalData, input));
        IReadOnlyList<Task<IReadOnlyList<Figure>>> parts = [FinishedAsync(part1, recent.Definitions), FinishedAsync(part2, recent.Definitions)];
        var result = Assemble(recent.Year, recent.Services, parts, [part1, part2], benchmarks);
        return new NationalComputation(recent.Year, benchmarks, parts, result);
    }

    /// <summary>
    /// The years a computation for <paramref name="year"/> reads, so that a loader reads them and no more: every figure
    /// reads the year and the four before it (the 5-year tables); the services' pages only <see cref="Benchmarking.YearsRead"/>.
    /// </summary>
    public static YearsRead YearsReadFor(int year) => new(year - HistoryYears + 1, year - Benchmarking.YearsRead + 1, year);

    /// <summary>Years of history a computation reads: the 5-year tables need the chosen year and four before it.</summary>
    public const int HistoryYears = 5;

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
        int year, ServiceCatalogue services, IReadOnlyList<Task<IReadOnlyList<Figure>>> figures, IReadOnlyList<Task<PartResult>> parts, Task<ServiceBenchmarks> benchmarks)
    {
        var done = await Task.WhenAll(parts);
        var pages = await benchmarks;
        return new NationalResult(year, [.. (await Task.WhenAll(figures)).SelectMany(f => f)], [.. done.SelectMany(p => p.Highlights)], pages) { Services = services };
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
/// A recompute under way: the services' pages (<see cref="Benchmarks"/>) come first, then each part's figures as it is
/// computed (<see cref="Parts"/>, in the order the result holds them), then the whole result.
/// </summary>
public sealed record NationalComputation(int Year, Task<ServiceBenchmarks> Benchmarks, IReadOnlyList<Task<IReadOnlyList<Figure>>> Parts, Task<NationalResult> Result)
{
    /// <summary>A result computed already, as a computation.</summary>
    public static NationalComputation Done(NationalResult result) =>
        new(result.Year, Task.FromResult(result.Benchmarks), [Task.FromResult(result.Figures)], Task.FromResult(result));
}

/// <summary>The years a computation reads: <see cref="First"/> to <see cref="Last"/>, the services' pages from <see cref="FirstForPages"/>.</summary>
public sealed record YearsRead(int First, int FirstForPages, int Last)
{
    public IEnumerable<int> ForPages => Enumerable.Range(FirstForPages, Last - FirstForPages + 1);

    /// <summary>The years only the figures read, not the pages.</summary>
    public IEnumerable<int> OnlyForFigures => Enumerable.Range(First, FirstForPages - First);
}
