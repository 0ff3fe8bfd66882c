using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Specialized;
using CsvHelper;
using Microsoft.Extensions.Logging.Abstractions;
using Pps.Core.Aggregation;
using Pps.Core.Catalogue;
using Pps.Core.Publishing;
using Pps.Core.Reference;
using Pps.Core.Returns;
using Pps.Core.Storage;
using Pps.Synthetic;

namespace Pps.Cli;

/// <summary>
/// Issue 6: how long the close-of-year run takes for one year with 5 years of history (all services, synthetic
/// returns 2009-2013) on the storage in PPS_STORAGE, against a floor measured in the same run: only reading
/// every return of the 5 years and writing the same published files with the same parallelism.
/// Each run uses fresh tables and containers of its own (removed afterwards); seeding is not timed.
/// </summary>
public static class BenchCloseCommand
{
    private const int Year = 2013;
    private const int FirstYear = Year - YearCloser.HistoryYears + 1;
    private const double TargetMs = 2000;
    private const double TargetRatio = 1.5;

    public static async Task<int> RunAsync(CommandLine options)
    {
        var runs = options.Int("runs", 5);
        var seed = options.Int("seed", 2013);
        var phases = options.Optional("phases", "true") != "false";
        var warmups = options.Int("warmups", 1);
        if (runs < 1) throw new CommandLineException("--runs must be at least 1.");
        _ = CommandLine.Storage(); // fails early when PPS_STORAGE is not set

        var data = SyntheticReturns.Generate(seed, FirstYear, Year);
        var perYear = data.Returns.GroupBy(r => r.Year).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}");
        Console.WriteLine($"bench-close: close {Year} with {YearCloser.HistoryYears} years of history, synthetic seed {seed}, " +
                          $"{data.Returns.Count} submitted returns ({string.Join(", ", perYear)}), {data.Reference.Rows.Count()} reference rows.");
        Console.WriteLine($"Publisher parallelism {new Publisher(new BlobPublishedStore(CommandLine.Storage().Published), TimeProvider.System).Parallelism}; " +
                          $"{Environment.ProcessorCount} CPUs; {runs} runs after {warmups} discarded warm-up(s); fresh tables and containers per run.");
        Console.WriteLine("floor      = read every return of the 5 years (in parallel) + write the same files and the manifest/pointer/index (parallelism 16)");
        Console.WriteLine();

        for (var w = 1; w <= warmups; w++) await RunOnceAsync("w", data, phases: false); // JIT, connection pools, Azurite's first tables
        Console.WriteLine($"({warmups} warm-up run(s) done, discarded; odd runs time the close first, even runs time it after the floors)");
        Console.WriteLine();

        var results = new List<RunResult>();
        Console.WriteLine($"{"run",3} {"close ms",9} {"floor ms",9} {"ratio",6} {"locked",7} {"files",6} {"alloc MB",9}");
        for (var run = 1; run <= runs; run++)
        {
            var r = await RunOnceAsync(run.ToString(CultureInfo.InvariantCulture), data, phases);
            results.Add(r);
            Console.WriteLine($"{run,3} {r.CloseMs,9:0} {r.FloorMs,9:0} {r.CloseMs / r.FloorMs,6:0.00} " +
                              $"{r.Locked,7} {r.Files,6} {r.CloseAllocatedBytes / 1e6,9:0.0}");
        }

        Console.WriteLine();
        Summary("close ms", results.Select(r => r.CloseMs), "0");
        Summary("floor ms", results.Select(r => r.FloorMs), "0");
        Summary("close / floor", results.Select(r => r.CloseMs / r.FloorMs), "0.00");

        if (phases)
        {
            Console.WriteLine();
            Console.WriteLine("Where the close's time goes (the same public pieces YearCloser calls, timed one by one on fresh storage; median over the runs, ms):");
            var names = results[0].Phases.Keys.ToList();
            foreach (var name in names)
            {
                var values = results.Select(r => r.Phases[name]).ToList();
                Console.WriteLine($"  {name,-58} median {Median(values),7:0}  min {values.Min(),7:0}  max {values.Max(),7:0}");
            }
        }

        var closeMedian = Median(results.Select(r => r.CloseMs).ToList());
        var ratioMedian = Median(results.Select(r => r.CloseMs / r.FloorMs).ToList());
        var closeMax = results.Max(r => r.CloseMs);
        var ratioMax = results.Max(r => r.CloseMs / r.FloorMs);
        Console.WriteLine();
        Console.WriteLine($"Target close <= {TargetMs:0} ms: median {closeMedian:0} ms -> {(closeMedian <= TargetMs ? "MET" : "MISSED")}" +
                          $" (worst run {closeMax:0} ms: {(closeMax <= TargetMs ? "met" : "missed")})");
        Console.WriteLine($"Target close <= {TargetRatio}x floor: median ratio {ratioMedian:0.00} -> {(ratioMedian <= TargetRatio ? "MET" : "MISSED")}" +
                          $" (worst run {ratioMax:0.00}: {(ratioMax <= TargetRatio ? "met" : "missed")})");
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        Console.WriteLine($"Process peak working set {process.PeakWorkingSet64 / 1048576.0:0} MB (working set now {Environment.WorkingSet / 1048576.0:0} MB); " +
                          $"GC heap now {GC.GetTotalMemory(false) / 1048576.0:0} MB.");
        return closeMedian <= TargetMs && ratioMedian <= TargetRatio ? 0 : 1;
    }

    private sealed record RunResult(double CloseMs, double FloorMs, int Locked, int Files, long CloseAllocatedBytes, Dictionary<string, double> Phases);

    private static async Task<RunResult> RunOnceAsync(string label, SyntheticData data, bool phases)
    {
        var clock = TimeProvider.System;
        var storage = await SeededStorageAsync(label, data);
        try
        {
            var returns = new ReturnStore(storage);
            var years = new CollectionYearStore(storage);
            var reference = new ReferenceDataStore(storage);
            var store = new BlobPublishedStore(storage.Published);
            var publisher = new Publisher(store, clock);
            var closer = new YearCloser(storage, returns, years, reference, publisher, clock, NullLogger<YearCloser>.Instance);
            var expectedLocked = data.Returns.Count(r => r.Year == Year);

            // The national result the close will publish, computed outside the timing, for the floor's files
            // (locking changes no value, so before or after the close gives the same figures).
            var result = await ComputeAsync(returns, reference);

            // (a) the close, as the timer runs it for one year; (b) the floor: read every return of the 5 years,
            // write the same files and the manifest writes. Odd runs time the close first, even runs last, so neither side always meets a
            // cold or a warm Azurite.
            var closeFirst = !int.TryParse(label, CultureInfo.InvariantCulture, out var number) || number % 2 == 1;
            double floorMs = 0;
            if (!closeFirst)
            {
                floorMs = await FloorAsync(returns, store, publisher.Parallelism, result);
            }
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var watch = Stopwatch.StartNew();
            var outcome = await closer.CloseAndPublishAsync(Year);
            watch.Stop();
            var closeMs = watch.Elapsed.TotalMilliseconds;
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            if (outcome.Result != CloseOutcome.Published || outcome.Manifest is null || outcome.ReturnsLocked != expectedLocked)
            {
                throw new InvalidOperationException($"Run {label}: the close did not do the whole job: {outcome.Result}, locked {outcome.ReturnsLocked} of {expectedLocked}.");
            }
            if (closeFirst)
            {
                floorMs = await FloorAsync(returns, store, publisher.Parallelism, result);
            }

            var phaseTimes = phases ? await PhasesAsync(label + "p", data) : [];
            return new RunResult(closeMs, floorMs, outcome.ReturnsLocked, outcome.Manifest.Files.Count, allocated, phaseTimes);
        }
        finally
        {
            await DeleteAsync(storage);
        }
    }

    private static async Task<NationalResult> ComputeAsync(ReturnStore returns, ReferenceDataStore reference)
    {
        var perYear = await Task.WhenAll(Enumerable.Range(FirstYear, YearCloser.HistoryYears).Select(y => returns.ListYearAsync(y)));
        return YearCloser.Compute(Year, perYear.SelectMany(l => l), await reference.LoadAsync());
    }

    /// <summary>
    /// Reads every return of the 5 years (as YearCloser does, one query per year in parallel) and writes the
    /// published files of <paramref name="result"/> to a fresh version folder with the publisher's parallelism,
    /// then the version manifest, the year's pointer and the index. Everything that is pure (building the files,
    /// hashing them for the manifest) is done before the clock starts.
    /// </summary>
    private static async Task<double> FloorAsync(
        ReturnStore returns, IPublishedStore store, int parallelism, NationalResult result)
    {
        var version = $"floor-{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()[..3])}";
        var files = PublishedSetBuilder.Build(result).ToList();
        var manifest = new Manifest(Year, version, Manifest.Final, DateTimeOffset.UtcNow, files.Max(f => f.Returns), files.Select(f => f.ToManifestEntry(Year)).ToList());
        // The same objects, under a folder of the floor's own: the close may have written them at their own paths.
        var paths = manifest.Files.Select(f => $"{version}/{f.Path}").ToList();
        var manifestBytes = JsonSerializer.SerializeToUtf8Bytes(manifest, PublishedSetBuilder.Json);
        var indexBytes = JsonSerializer.SerializeToUtf8Bytes(new PublishedIndex([
            new PublishedYear(Year, version, PublishedPaths.Manifest(Year, Manifest.Final), manifest.CreatedAt, manifest.Returns)]), PublishedSetBuilder.Json);
        var options = new ParallelOptions { MaxDegreeOfParallelism = parallelism };

        var watch = Stopwatch.StartNew();
        var all = await Task.WhenAll(Enumerable.Range(FirstYear, YearCloser.HistoryYears).Select(y => returns.ListYearAsync(y)));
        if (all.Sum(l => l.Count) == 0) throw new InvalidOperationException("The floor read no returns.");
        await Parallel.ForEachAsync(files.Select((file, i) => (file, i)), options, async (item, token) =>
            await store.WriteOnceAsync(paths[item.i], item.file.Content, item.file.ContentType, token));
        await store.WriteOnceAsync(PublishedPaths.VersionManifest(Year, version), manifestBytes, "application/json", CancellationToken.None);
        await store.ReplaceAsync(PublishedPaths.Manifest(Year, Manifest.Final), manifestBytes, "application/json", null, CancellationToken.None);
        await store.ReplaceAsync(PublishedPaths.Index, indexBytes, "application/json", null, CancellationToken.None);
        watch.Stop();
        return watch.Elapsed.TotalMilliseconds;
    }

    /// <summary>
    /// The close again on fresh storage, step by step with the same public pieces YearCloser uses, each step timed:
    /// the year lease, reading the year, listing its returns and marking it closed (which locks them), reading 5 years, loading reference data, computing, building the files, publishing.
    /// </summary>
    private static async Task<Dictionary<string, double>> PhasesAsync(string label, SyntheticData data)
    {
        var clock = TimeProvider.System;
        var storage = await SeededStorageAsync(label, data);
        try
        {
            var returns = new ReturnStore(storage);
            var years = new CollectionYearStore(storage);
            var reference = new ReferenceDataStore(storage);
            var publisher = new Publisher(new BlobPublishedStore(storage.Published), clock);
            var times = new Dictionary<string, double>();
            var total = Stopwatch.StartNew();
            var watch = Stopwatch.StartNew();
            void Lap(string name)
            {
                times[name] = watch.Elapsed.TotalMilliseconds;
                watch.Restart();
            }

            var lockBlob = storage.Reference.GetBlobClient($"locks/close-{Year}.lock");
            await lockBlob.UploadAsync(BinaryData.FromString(""), overwrite: false);
            var lease = lockBlob.GetBlobLeaseClient();
            await lease.AcquireAsync(TimeSpan.FromSeconds(60));
            var (collection, etag) = (await years.GetAsync(Year))!.Value;
            Lap("1 lease + read the collection year");

            var thisYear = await returns.ListYearAsync(Year);
            Lap($"2 list {Year}'s returns ({thisYear.Count})");
            etag = await years.SaveAsync(collection = collection with { ClosedAt = clock.GetUtcNow() }, etag);
            Lap("3 mark the year closed (locks its returns)");

            var perYear = await Task.WhenAll(Enumerable.Range(FirstYear, YearCloser.HistoryYears).Select(y => returns.ListYearAsync(y)));
            Lap("4 read 5 years of returns (5 queries in parallel)");
            var referenceData = await reference.LoadAsync();
            Lap("5 load reference data");
            var result = YearCloser.Compute(Year, perYear.SelectMany(l => l), referenceData);
            Lap("6 compute every figure");
            var built = PublishedSetBuilder.Build(result).ToList();
            _ = built.Select(f => f.ToManifestEntry(Year)).ToList();
            Lap($"7 PublishedSetBuilder.Build + hashes ({built.Count} files; pure, also inside 8)");
            var manifest = await publisher.PublishAsync(result, Manifest.Final);
            Lap("8 Publisher.PublishAsync (build, write files, manifests, index)");
            await years.SaveAsync(collection with { PublishedAt = manifest.CreatedAt, PublishedVersion = manifest.Version }, etag);
            await lease.ReleaseAsync();
            Lap("9 mark published + release lease");
            times["= total of the steps"] = total.Elapsed.TotalMilliseconds;
            return times;
        }
        finally
        {
            await DeleteAsync(storage);
        }
    }

    /// <summary>Fresh tables and containers, with every synthetic return stored as submitted, the reference data and a closed 2013 window.</summary>
    private static async Task<PpsStorage> SeededStorageAsync(string label, SyntheticData data)
    {
        var id = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()[..4]);
        var storage = CommandLine.Storage(new StorageOptions
        {
            TablePrefix = $"b{label}{id}",
            UploadsContainer = $"b{label}{id}-uploads",
            ReportsContainer = $"b{label}{id}-reports",
            PublishedContainer = $"b{label}{id}-published",
            ReferenceContainer = $"b{label}{id}-reference",
            ProvisionalContainer = $"b{label}{id}-provisional",
            BackupsContainer = $"b{label}{id}-backups",
        });
        await storage.EnsureCreatedAsync();
        var returns = new ReturnStore(storage);
        var submitted = DateTimeOffset.UtcNow.AddDays(-10);
        await Parallel.ForEachAsync(data.Returns, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (r, token) =>
            await returns.SaveAsync(new ServiceReturn
            {
                ServiceId = r.ServiceId, Year = r.Year, Status = ReturnStatus.Submitted, Values = r.Values, UpdatedAt = submitted, SubmittedAt = submitted,
            }, null, $"service:{r.ServiceId}", "submit", ct: token));

        var imported = await new ReferenceDataStore(storage).ImportCsvAsync(new StringReader(SyntheticCsv.Reference(data.Reference)));
        if (!imported.Succeeded) throw new InvalidOperationException("Reference data import failed: " + string.Join("; ", imported.Problems));

        var now = DateTimeOffset.UtcNow;
        await new CollectionYearStore(storage).SaveAsync(new CollectionYear
        {
            Year = Year, Opens = now.AddDays(-60), Closes = now.AddMinutes(-1), NationalServiceCount = ServiceRegistry.NationalCount(Year),
        }, null);
        return storage;
    }

    private static async Task DeleteAsync(PpsStorage storage)
    {
        foreach (var table in new[] { storage.Returns, storage.ReturnHistory, storage.Years, storage.Credentials }) await table.DeleteAsync();
        foreach (var container in new[] { storage.Uploads, storage.Reports, storage.Published, storage.Reference }) await container.DeleteIfExistsAsync();
    }

    private static void Summary(string name, IEnumerable<double> values, string format)
    {
        var list = values.ToList();
        var median = Median(list);
        Console.WriteLine($"{name,-20} median {median.ToString(format, CultureInfo.InvariantCulture),7}  min {list.Min().ToString(format, CultureInfo.InvariantCulture),7}  " +
                          $"max {list.Max().ToString(format, CultureInfo.InvariantCulture),7}  spread (max-min)/median {(list.Max() - list.Min()) / median:0%}");
    }

    private static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToList();
        var mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
