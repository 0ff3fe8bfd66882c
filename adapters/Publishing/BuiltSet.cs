using Pps.Core.Aggregation;

namespace Pps.Core.Publishing;

/// <summary>A file of a set and its place in the manifest: files may be made in another order than the manifest lists them.</summary>
public readonly record struct PlacedFile(PublishedFile File, int Section, int Index);

/// <summary>
/// The build step of a close: the files of a year's set, made as the computation's pieces become ready, each with its
/// place in the manifest, and the number of returns the set rests on. What a publisher writes; it knows no more of the
/// computation than this.
/// </summary>
public sealed record BuiltSet(int Year, IAsyncEnumerable<PlacedFile> Files, Task<int> Returns)
{
    /// <summary>The sections of a set in manifest order (<see cref="PublishedSetBuilder.Build"/>).</summary>
    private const int FiguresSection = 0, ServicesSection = 1, AfterServicesSection = 2;

    /// <summary>The files of a result computed already.</summary>
    public static BuiltSet From(NationalResult result, ReportText? text = null) => From(NationalComputation.Done(result), text);

    /// <summary>
    /// The shards of the services' pages first, as soon as the pages are ready; then each part's figure files, then the
    /// files made from the whole result. Each part's files are made on a thread of their own as soon as that part is
    /// computed (Part 1's while Part 2's is), so that they are ready when the last shard is written.
    /// The report's text (NPPN's narrative, appendices 2 and 3) is <paramref name="text"/>, or the standing text alone.
    /// </summary>
    public static BuiltSet From(NationalComputation computing, ReportText? text = null) => new(computing.Year, FilesAsync(computing, text), ReturnsAsync(computing.Result));

    private static async IAsyncEnumerable<PlacedFile> FilesAsync(NationalComputation computing, ReportText? text)
    {
        var partFiles = computing.Parts.Select(part => MakeWhenReady(() => FigureFiles(part.GetAwaiter().GetResult()))).ToList();
        var wholeFiles = MakeWhenReady(() =>
        {
            var result = computing.Result.GetAwaiter().GetResult();
            var figureFiles = partFiles.SelectMany(p => p.GetAwaiter().GetResult());
            return (AllFigures: PublishedSetBuilder.AllFigures(result, figureFiles), After: PublishedSetBuilder.AfterServices(result, text).ToList());
        });

        var index = 0;
        foreach (var shard in PublishedSetBuilder.ServiceShards(computing.Year, await computing.Benchmarks)) yield return new(shard, ServicesSection, index++);
        index = 0;
        foreach (var part in partFiles)
        {
            foreach (var file in await part) yield return new(file, FiguresSection, index++);
        }
        var (allFigures, afterServices) = await wholeFiles;
        yield return new(allFigures, FiguresSection, index);
        index = 0;
        foreach (var file in afterServices) yield return new(file, AfterServicesSection, index++);
    }

    /// <summary>How many returns the set rests on: Table A's, which counts every return the year's figures read.</summary>
    private static async Task<int> ReturnsAsync(Task<NationalResult> computing)
    {
        var result = await computing.ConfigureAwait(false);
        return result.Figures.FirstOrDefault(f => f.Id == "table-a")?.Returns ?? (result.Figures.Count == 0 ? 0 : result.Figures.Max(f => f.Returns));
    }

    private static List<PublishedFile> FigureFiles(IEnumerable<Figure> figures) => [.. figures.SelectMany(PublishedSetBuilder.FigureFiles)];

    /// <summary>Runs <paramref name="make"/> on a thread of its own, which may wait there for what it needs: never a pool thread, which the writing needs.</summary>
    private static Task<T> MakeWhenReady<T>(Func<T> make) =>
        Task.Factory.StartNew(make, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}
