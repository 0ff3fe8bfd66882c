using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Pps.Bench;
using Pps.Core.Aggregation;
using Pps.Core.Catalogue;
using Pps.Core.Publishing;
using Pps.Core.Reference;
using Pps.Core.Returns;
using Pps.Core.Storage;
using Pps.Core.Telemetry;
using Pps.Synthetic;

namespace Pps.Cli;

/// <summary>
/// Issue 14: how long the close-of-year run takes for 2013 with 5 years of history, at 1x, 10x and 100x today's
/// number of services (the synthetic services copied k times, ids + 1000 per copy), on the storage in PPS_STORAGE,
/// against a floor measured in the same run: reading every return of the 5 years and writing the same files (the
/// ones the close just wrote, read back before the clock starts) with the same parallelism.
/// <para>
/// Each scale is seeded once (not timed) into tables of its own; every run resets the year to "window closed, not
/// published" and publishes into fresh containers, so every run closes the same data from scratch. Odd runs time the
/// close first, even runs the floor first. Peak memory is measured in a child process that does nothing but the
/// close (the parent holds the benchmark's own data): its peak resident set (VmHWM) and the bytes it allocated.
/// </para>
/// </summary>
public static class BenchCloseCommand
{
    private const int Year = 2013;
    private const int FirstYear = Year - NationalAggregator.HistoryYears + 1;
    /// <summary>A copy's service ids are the originals + copy x this (the registry's ids are all below it).</summary>
    private const int CopyIdStride = 1000;
    private const double TargetMsAt100 = 20_000;
    private const double TargetRatio = 1.3;
    private const double TargetExponent = 1.05;
    private const double TargetPeakMiB = 512;
    /// <summary>A warm-up close that compiled at most this many methods ends the warm-ups (after the minimum).</summary>
    private const int SettledJitMethods = 10;
    private static readonly TimeSpan MaxExtraWarmUp = TimeSpan.FromSeconds(90);

    public static async Task<int> RunAsync(CommandLine options)
    {
        var runs = options.Int("runs", 5);
        var seed = options.Int("seed", 2013);
        var warmups = options.Int("warmups", 3);
        var memory = options.Optional("memory", "true") != "false";
        var scales = options.Optional("scale", "1,10,100").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.TryParse(s, CultureInfo.InvariantCulture, out var k) && k is >= 1 and <= 200
                ? k : throw new CommandLineException($"--scale takes copies from 1 to 200, comma-separated (\"{s}\" is not one).")).ToList();
        if (runs < 1) throw new CommandLineException("--runs must be at least 1.");
        _ = CommandLine.Storage(); // fails early when PPS_STORAGE is not set

        var data = SyntheticReturns.Generate(seed, FirstYear, Year);
        Console.WriteLine($"bench-close: close {Year} with {NationalAggregator.HistoryYears} years of history; synthetic seed {seed}: {data.Returns.Count} submitted returns " +
                          $"({string.Join(", ", data.Returns.GroupBy(r => r.Year).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}"))}) copied k times for k in {string.Join(", ", scales)}.");
        Console.WriteLine($"{Environment.ProcessorCount} CPUs; publisher parallelism {new Publisher(new BlobPublishedStore(CommandLine.Storage().Published), TimeProvider.System).Parallelism}; " +
                          $"{runs} timed runs per scale after at least {warmups} discarded warm-up(s), more until a close compiles at most {SettledJitMethods} methods " +
                          $"(no more once a scale has warmed up for {MaxExtraWarmUp.TotalSeconds:0} s).");
        if (!CpuMark.AzuriteKnown) Console.WriteLine("Azurite's CPU is not measured: set PPS_AZURITE_PID to its process id (PPS_AZURITE_PID=$AZURITE_PID).");
        Console.WriteLine("floor = read every return of the 5 years (the close's query, one per year, in parallel; not mapped) + write the files the close wrote, " +
                          "then the version manifest, the year's pointer and the index (same parallelism).");

        var summaries = new List<ScaleSummary>();
        foreach (var k in scales)
        {
            summaries.Add(await RunScaleAsync(k, data, runs, warmups, memory));
        }

        Console.WriteLine();
        Console.WriteLine("Summary (medians over the runs; spread = (max-min)/median):");
        Console.WriteLine($"{"scale",5} {"returns",8} {"close ms",9} {"spread",7} {"floor ms",9} {"spread",7} {"ratio",6} {"max ratio",9} {"files",6} {"unchanged ms",12} {"written",7} {"peak MiB",9} {"alloc MiB",9}");
        foreach (var s in summaries)
        {
            Console.WriteLine($"{s.Scale,5} {s.Returns,8} {s.CloseMs,9:0} {s.CloseSpread,7:0%} {s.FloorMs,9:0} {s.FloorSpread,7:0%} {s.Ratio,6:0.00} {s.MaxRatio,9:0.00} " +
                              $"{s.Files,6} {s.UnchangedMs,12:0} {s.UnchangedWritten,7} {Show(s.PeakMiB),9} {Show(s.ChildAllocatedMiB),9}");
        }

        var verdicts = new List<bool>();
        Console.WriteLine();
        foreach (var s in summaries)
        {
            verdicts.Add(Verdict($"{s.Scale}x: close <= {TargetRatio}x its floor", s.Ratio <= TargetRatio, $"median ratio {s.Ratio:0.00}, worst run {s.MaxRatio:0.00}"));
        }
        if (summaries.FirstOrDefault(s => s.Scale == 100) is { } at100)
        {
            verdicts.Add(Verdict($"100x: close <= {TargetMsAt100:0} ms", at100.CloseMs <= TargetMsAt100, $"median {at100.CloseMs:0} ms"));
            if (at100.PeakMiB is { } peak) verdicts.Add(Verdict($"100x: peak memory < {TargetPeakMiB:0} MiB", peak < TargetPeakMiB, $"{peak:0} MiB (child process VmHWM)"));
        }
        if (summaries.FirstOrDefault(s => s.Scale == 1) is { } at1 && summaries.LastOrDefault(s => s.Scale > 1) is { } top)
        {
            // Time grows as returns^b: b from the two ends, by returns actually stored (copies are exact multiples).
            var exponent = Math.Log(top.CloseMs / at1.CloseMs) / Math.Log((double)top.Returns / at1.Returns);
            verdicts.Add(Verdict($"growth exponent 1x..{top.Scale}x <= {TargetExponent}", exponent <= TargetExponent, $"{exponent:0.000}"));
        }
        return verdicts.All(v => v) ? 0 : 1;
    }

    private static string Cpu(TimeSpan azurite) => CpuMark.AzuriteKnown ? azurite.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) : "-";

    private static string Show(double? value) => value is { } v ? v.ToString("0", CultureInfo.InvariantCulture) : "-";

    private static bool Verdict(string target, bool met, string measured)
    {
        Console.WriteLine($"Target {target}: {measured} -> {(met ? "MET" : "MISSED")}");
        return met;
    }

    private sealed record ScaleSummary(
        int Scale, int Returns, double CloseMs, double CloseSpread, double FloorMs, double FloorSpread, double Ratio, double MaxRatio, int Files,
        double UnchangedMs, int UnchangedWritten, double? PeakMiB, double? ChildAllocatedMiB);

    private sealed record RunResult(
        double CloseMs, double FloorMs, double FloorReadMs, int Files, long AllocatedBytes, Dictionary<string, (double Ms, CpuMark Cpu, TimeSpan GcPause)> Phases, double UnchangedMs, int UnchangedWritten,
        CpuMark CloseCpu, CpuMark FloorCpu, CpuMark FloorReadCpu);

    private static async Task<ScaleSummary> RunScaleAsync(int k, SyntheticData data, int runs, int warmups, bool memory)
    {
        Console.WriteLine();
        var tables = $"bc{k}x{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()[..3])}";
        var seedWatch = Stopwatch.StartNew();
        var seeded = await SeedAsync(tables, data, k);
        Console.WriteLine($"== {k}x: {seeded.Returns} returns ({seeded.ThisYear} in {Year}), {seeded.ReferenceRows} reference rows; seeded in {seedWatch.Elapsed.TotalSeconds:0.0} s (not timed)");
        try
        {
            // Connection pools, and the runtime's tiered compilation: a method the close calls once is compiled again,
            // optimised, after ~30 calls, so the first ~30 closes in a process each compile some of them (at 1x, 100-200 ms
            // of a 300 ms close). The first scale warms up until that has settled; the cold close is measured on its own.
            var warmUp = Stopwatch.StartNew();
            var warmed = 0;
            for (long compiled = long.MaxValue; warmed < warmups || (compiled > SettledJitMethods && warmUp.Elapsed < MaxExtraWarmUp); warmed++)
            {
                compiled = (await RunOnceAsync(tables, seeded, closeFirst: true)).CloseCpu.JitMethods;
            }
            Console.WriteLine($"  {warmed} warm-up run(s) in {warmUp.Elapsed.TotalSeconds:0} s");
            var results = new List<RunResult>();
            Console.WriteLine($"{"run",3} {"close ms",9} {"floor ms",9} {"ratio",6} {"files",6} {"alloc MB",9} {"unchanged ms",12} {"written",7} " +
                              $"{"close CPU ms: .NET",19} {"Azurite",8} {"JIT",5} {"floor CPU ms: .NET",19} {"Azurite",8} {"JIT",5}");
            for (var run = 1; run <= runs; run++)
            {
                var r = await RunOnceAsync(tables, seeded, closeFirst: run % 2 == 1);
                results.Add(r);
                Console.WriteLine($"{run,3} {r.CloseMs,9:0} {r.FloorMs,9:0} {r.CloseMs / r.FloorMs,6:0.00} {r.Files,6} {r.AllocatedBytes / 1e6,9:0.0} {r.UnchangedMs,12:0} {r.UnchangedWritten,7} " +
                                  $"{r.CloseCpu.Dotnet.TotalMilliseconds,19:0} {Cpu(r.CloseCpu.Azurite),8} {r.CloseCpu.Jit.TotalMilliseconds,5:0}/{r.CloseCpu.JitMethods,-4} {r.FloorCpu.Dotnet.TotalMilliseconds,19:0} {Cpu(r.FloorCpu.Azurite),8} {r.FloorCpu.Jit.TotalMilliseconds,5:0}/{r.FloorCpu.JitMethods,-4}");
            }
            var floorRead = results.Select(r => r.FloorReadMs).ToList();
            Console.WriteLine($"  the floor's read of every return: median {Median(floorRead):0} ms (min {floorRead.Min():0}, max {floorRead.Max():0}), CPU: .NET " +
                              $"{Median(results.Select(r => r.FloorReadCpu.Dotnet.TotalMilliseconds).ToList()):0}  Azurite {Cpu(TimeSpan.FromMilliseconds(Median(results.Select(r => r.FloorReadCpu.Azurite.TotalMilliseconds).ToList())))}; its writes the rest");
            Console.WriteLine("  where the close's time goes (its own pps.phase.* spans; medians over the runs; CPU in ms of CPU time; compute and write overlap):");
            foreach (var name in results[0].Phases.Keys)
            {
                var values = results.Select(r => r.Phases.GetValueOrDefault(name).Ms).ToList();
                var dotnet = Median(results.Select(r => r.Phases.GetValueOrDefault(name).Cpu?.Dotnet.TotalMilliseconds ?? 0).ToList());
                var azurite = Median(results.Select(r => r.Phases.GetValueOrDefault(name).Cpu?.Azurite.TotalMilliseconds ?? 0).ToList());
                var pause = Median(results.Select(r => r.Phases.GetValueOrDefault(name).GcPause.TotalMilliseconds).ToList());
                var jit = Median(results.Select(r => r.Phases.GetValueOrDefault(name).Cpu?.Jit.TotalMilliseconds ?? 0).ToList());
                Console.WriteLine($"    {name,-16} median {Median(values),8:0} ms  min {values.Min(),8:0}  max {values.Max(),8:0}   CPU: .NET {dotnet,7:0}  Azurite {Cpu(TimeSpan.FromMilliseconds(azurite)),7}  GC pauses {pause,6:0}  JIT {jit,5:0}");
            }

            double? peak = null, childAllocated = null;
            if (memory)
            {
                var child = await MeasureInChildAsync(tables, seeded);
                peak = child.PeakMiB;
                childAllocated = child.AllocatedMiB;
                Console.WriteLine($"  child process close: {child.CloseMs:0} ms (cold: first call in its process), peak resident {child.PeakMiB:0} MiB " +
                                  $"(at start {child.StartMiB:0} MiB), allocated {child.AllocatedMiB:0} MiB, GC heap after {child.HeapAfterMiB:0} MiB; peak after each phase (MiB): {child.PeakAfterPhases}");
            }
            var close = results.Select(r => r.CloseMs).ToList();
            var floor = results.Select(r => r.FloorMs).ToList();
            var ratios = results.Select(r => r.CloseMs / r.FloorMs).ToList();
            return new ScaleSummary(k, seeded.Returns, Median(close), Spread(close), Median(floor), Spread(floor), Median(ratios), ratios.Max(), results[0].Files,
                Median(results.Select(r => r.UnchangedMs).ToList()), results.Max(r => r.UnchangedWritten), peak, childAllocated);
        }
        finally
        {
            await DeleteAsync(StorageFor(tables, "x"));
        }
    }

    private sealed record Seeded(int Returns, int ThisYear, int ReferenceRows);

    /// <summary>
    /// The synthetic returns copied <paramref name="k"/> times, stored as submitted (in batches of 100, one partition
    /// per year, the way a restore writes them), and their reference data; then the years set up with 2013's window
    /// closed. Returns only the counts: the data is not kept, so the runs do not carry it.
    /// </summary>
    private static async Task<Seeded> SeedAsync(string tables, SyntheticData data, int k)
    {
        var storage = StorageFor(tables, "seed");
        await storage.EnsureCreatedAsync();
        var submitted = DateTimeOffset.UtcNow.AddDays(-10);
        var copies = Enumerable.Range(0, k).SelectMany(c => data.Returns.Select(r => new ServiceReturn
        {
            ServiceId = r.ServiceId + c * CopyIdStride, Year = r.Year, Status = ReturnStatus.Submitted, Values = r.Values, Revision = 2,
            UpdatedAt = submitted, UpdatedBy = $"service:{r.ServiceId + c * CopyIdStride}", SubmittedAt = submitted,
            Audit = new RevisionAudit("submit", null, []),
        }));
        await new ReturnStore(storage).AddStoredAsync(copies);

        var reference = Enumerable.Range(0, k).SelectMany(c => data.Reference.Rows.Select(r =>
            new StoredReferenceRow(r.ServiceId + c * CopyIdStride, r.Year, r.Region, r.Population0To19, r.SenPupils, r.FsmPupils, r.Source))).ToList();
        await new ReferenceDataStore(storage, ServiceCatalogue.BuiltIn).ReplaceAllAsync(reference);

        var years = new CollectionYearStore(storage);
        foreach (var year in data.Years)
        {
            await years.SaveAsync(new CollectionYear
            {
                Year = year, Opens = new DateTimeOffset(year, 1, 1, 0, 0, 0, TimeSpan.Zero), Closes = new DateTimeOffset(year, 3, 31, 0, 0, 0, TimeSpan.Zero),
                NationalServiceCount = ServicesNationally.BuiltIn.InYear(year) * k,
            }, null);
        }
        return new Seeded(data.Returns.Count * k, data.Returns.Count(r => r.Year == Year) * k, reference.Count);
    }

    /// <summary>The scale's tables, with containers of their own for this run (published, provisional).</summary>
    private static PpsStorage StorageFor(string tables, string run) => CommandLine.Storage(new StorageOptions
    {
        TablePrefix = tables,
        UploadsContainer = $"{tables}-uploads",
        ReportsContainer = $"{tables}-reports",
        ReferenceContainer = $"{tables}-reference",
        BackupsContainer = $"{tables}-backups",
        PublishedContainer = $"{tables}-{run}-pub",
        ProvisionalContainer = $"{tables}-{run}-prov",
    });

    /// <summary>Sets the year back to "window closed a minute ago, not locked, not published".</summary>
    private static async Task ResetYearAsync(PpsStorage storage)
    {
        var years = new CollectionYearStore(storage);
        var (year, etag) = (await years.GetAsync(Year))!.Value;
        await years.SaveAsync(year with { ClosedAt = null, PublishedAt = null, PublishedVersion = null, Closes = DateTimeOffset.UtcNow.AddMinutes(-1) }, etag);
    }

    /// <summary>The app's close (its object graph on the run's storage), publishing to <paramref name="store"/>; the graph lives as long as the benchmark.</summary>
    private static YearCloser CloserFor(PpsStorage storage, IPublishedStore store) =>
        ActivatorUtilities.CreateInstance<YearCloser>(CliApp.Build(options: storage.Options), new Publisher(store, TimeProvider.System));

    private static async Task<RunResult> RunOnceAsync(string tables, Seeded seeded, bool closeFirst)
    {
        var run = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()[..3]);
        var storage = StorageFor(tables, run);
        var floorStorage = StorageFor(tables, run + "f");
        await storage.Published.CreateAsync();
        await floorStorage.Published.CreateAsync();
        try
        {
            await ResetYearAsync(storage);
            var store = new BlobPublishedStore(storage.Published);
            var closer = CloserFor(storage, store);
            double floorMs = 0, floorReadMs = 0;
            CpuMark floorCpu = new(TimeSpan.Zero, TimeSpan.Zero), floorReadCpu = floorCpu;
            Manifest? manifest = null;
            async Task FloorAfterCloseAsync() => (floorMs, floorReadMs, floorCpu, floorReadCpu) = await FloorAsync(storage, store, new BlobPublishedStore(floorStorage.Published), manifest!);

            // The floor writes what the close wrote, so a floor-first run closes once untimed first to learn the files.
            if (!closeFirst)
            {
                var learn = StorageFor(tables, run + "l");
                await learn.Published.CreateAsync();
                await ResetYearAsync(storage);
                manifest = (await CloserFor(learn, new BlobPublishedStore(learn.Published)).CloseAndPublishAsync(Year)).Manifest;
                (floorMs, floorReadMs, floorCpu, floorReadCpu) = await FloorAsync(learn, new BlobPublishedStore(learn.Published), new BlobPublishedStore(floorStorage.Published), manifest!);
                await learn.Published.DeleteAsync();
                await ResetYearAsync(storage);
            }

            using var phases = new PhaseRecorder();
            await SettleAsync();
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var cpuBefore = CpuMark.Now();
            var watch = Stopwatch.StartNew();
            var markStart = Stopwatch.GetTimestamp();
            var outcome = await closer.CloseAndPublishAsync(Year);
            watch.Stop();
            Mark("close", markStart);
            var closeCpu = CpuMark.Now() - cpuBefore;
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            if (outcome.Result != CloseOutcome.Published || outcome.Manifest is null || outcome.ReturnsLocked != seeded.ThisYear)
            {
                throw new InvalidOperationException($"The close did not do the whole job: {outcome.Result}, locked {outcome.ReturnsLocked} of {seeded.ThisYear}.");
            }
            var closePhases = phases.Totals();
            manifest ??= outcome.Manifest;
            if (closeFirst) await FloorAfterCloseAsync();

            // A recompute of data that has not changed: what does it cost, and how many blobs does it write?
            var before = await CountBlobsAsync(storage);
            var unchanged = Stopwatch.StartNew();
            await closer.RepublishAsync(Year);
            unchanged.Stop();
            var written = await CountBlobsAsync(storage) - before;
            return new RunResult(watch.Elapsed.TotalMilliseconds, floorMs, floorReadMs, outcome.Manifest.Files.Count, allocated, closePhases, unchanged.Elapsed.TotalMilliseconds, written,
                closeCpu, floorCpu, floorReadCpu);
        }
        finally
        {
            await storage.Published.DeleteIfExistsAsync();
            await storage.Provisional.DeleteIfExistsAsync();
            await floorStorage.Published.DeleteIfExistsAsync();
        }
    }

    private static async Task<int> CountBlobsAsync(PpsStorage storage)
    {
        var count = 0;
        await foreach (var _ in storage.Published.GetBlobsAsync()) count++;
        return count;
    }

    /// <summary>
    /// Reads every return of the 5 years (the close's own query, one per year in parallel; entities not mapped), then writes the files
    /// <paramref name="manifest"/> lists (their bytes read from <paramref name="source"/> before the clock starts)
    /// into <paramref name="target"/> with the publisher's parallelism, then the version manifest, the pointer and the index.
    /// </summary>
    private static async Task<(double Total, double Read, CpuMark Cpu, CpuMark ReadCpu)> FloorAsync(PpsStorage storage, IPublishedStore source, IPublishedStore target, Manifest manifest)
    {
        var files = new List<(ManifestFile File, byte[] Bytes)>();
        // Each object once, as the close writes it (files with the same bytes share one object).
        foreach (var file in manifest.Files.DistinctBy(f => f.Path)) files.Add((file, (await source.ReadAsync(file.Path, CancellationToken.None))!.Value.Content.ToArray()));
        var manifestBytes = JsonSerializer.SerializeToUtf8Bytes(manifest, PublishedSetBuilder.Json);
        var indexBytes = JsonSerializer.SerializeToUtf8Bytes(new PublishedIndex([
            new PublishedYear(Year, manifest.Version, PublishedPaths.Manifest(Year, Manifest.Final), manifest.CreatedAt, manifest.Returns)]), PublishedSetBuilder.Json);
        var returns = new ReturnStore(storage);
        var parallelism = new Publisher(target, TimeProvider.System).Parallelism;

        await SettleAsync();
        var cpuBefore = CpuMark.Now();
        var watch = Stopwatch.StartNew();
        var markStart = Stopwatch.GetTimestamp();
        var all = await Task.WhenAll(Enumerable.Range(FirstYear, NationalAggregator.HistoryYears).Select(async y =>
        {
            var count = 0;
            await foreach (var _ in returns.QueryForAggregationAsync(y, CancellationToken.None)) count++;
            return count;
        }));
        if (all.Sum() == 0) throw new InvalidOperationException("The floor read no returns.");
        var readMs = watch.Elapsed.TotalMilliseconds;
        var readCpu = CpuMark.Now() - cpuBefore;
        await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = parallelism },
            async (f, token) => await target.WriteOnceAsync(f.File.Path, f.Bytes, f.File.ContentType, token));
        await target.WriteOnceAsync(PublishedPaths.VersionManifest(Year, manifest.Version), manifestBytes, "application/json", CancellationToken.None);
        await target.ReplaceAsync(PublishedPaths.Manifest(Year, Manifest.Final), manifestBytes, "application/json", null, CancellationToken.None);
        await target.ReplaceAsync(PublishedPaths.Index, indexBytes, "application/json", null, CancellationToken.None);
        Mark("floor", markStart);
        return (watch.Elapsed.TotalMilliseconds, readMs, CpuMark.Now() - cpuBefore, readCpu);
    }

    private sealed record ChildResult(double CloseMs, double PeakMiB, double StartMiB, double AllocatedMiB, double HeapAfterMiB, string PeakAfterPhases);

    /// <summary>Runs <c>pps bench-close-child</c>: a fresh process that closes the year once and reports its memory.</summary>
    private static async Task<ChildResult> MeasureInChildAsync(string tables, Seeded seeded)
    {
        var run = "m" + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()[..3]);
        var storage = StorageFor(tables, run);
        await storage.Published.CreateAsync();
        try
        {
            await ResetYearAsync(storage);
            var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
            if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet") start.ArgumentList.Add(typeof(BenchCloseCommand).Assembly.Location);
            foreach (var arg in new[] { "bench-close-child", "--tables", tables, "--run", run, "--expect", seeded.ThisYear.ToString(CultureInfo.InvariantCulture) })
            {
                start.ArgumentList.Add(arg);
            }
            using var child = Process.Start(start)!;
            var output = await child.StandardOutput.ReadToEndAsync();
            await child.WaitForExitAsync();
            if (child.ExitCode != 0) throw new InvalidOperationException($"bench-close-child exited with {child.ExitCode}: {output}");
            return JsonSerializer.Deserialize<ChildResult>(output.Trim().Split('\n')[^1], PublishedSetBuilder.Json)!;
        }
        finally
        {
            await storage.Published.DeleteIfExistsAsync();
            await storage.Provisional.DeleteIfExistsAsync();
        }
    }

    /// <summary>The child's side: close the year once, then print one JSON line of what it cost.</summary>
    public static async Task<int> RunChildAsync(CommandLine options)
    {
        var storage = StorageFor(options.Required("tables"), options.Required("run"));
        var expected = options.Int("expect", -1);
        var startMiB = ResidentMiB("VmHWM");
        // The peak so far at the end of each phase of the close: which phase makes the peak.
        var peaks = new List<string>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == PpsTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                if (activity.OperationName.StartsWith("pps.phase.", StringComparison.Ordinal))
                {
                    lock (peaks) peaks.Add($"{activity.OperationName["pps.phase.".Length..]} {ResidentMiB("VmHWM"):0}");
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        var outcome = await CloserFor(storage, new BlobPublishedStore(storage.Published)).CloseAndPublishAsync(Year);
        watch.Stop();
        if (outcome.Result != CloseOutcome.Published || outcome.ReturnsLocked != expected)
        {
            Console.Error.WriteLine($"The close did not do the whole job: {outcome.Result}, locked {outcome.ReturnsLocked} of {expected}.");
            return 1;
        }
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        Console.WriteLine(JsonSerializer.Serialize(new ChildResult(watch.Elapsed.TotalMilliseconds, ResidentMiB("VmHWM"), startMiB, allocated / 1048576.0,
            GC.GetTotalMemory(false) / 1048576.0, string.Join(", ", peaks)), PublishedSetBuilder.Json));
        return 0;
    }

    /// <summary>A figure from /proc/self/status, in MiB (VmHWM: the peak resident set of the process so far).</summary>
    private static double ResidentMiB(string field)
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
    }

    /// <summary>
    /// Adds up the durations of the close's own phase spans (pps.phase.*) while it is alive, and the CPU that this process
    /// and Azurite used in each (the phases run one after another, so each one's CPU is its own).
    /// </summary>
    private sealed class PhaseRecorder : IDisposable
    {
        private readonly ActivityListener _listener;
        private readonly Dictionary<string, (double Ms, CpuMark Cpu, TimeSpan GcPause)> _totals = [];
        private readonly Dictionary<Activity, (CpuMark Cpu, TimeSpan GcPause)> _started = [];

        public PhaseRecorder()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == PpsTelemetry.Name,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
                ActivityStarted = activity =>
                {
                    if (PhaseOf(activity) is null) return;
                    lock (_totals) _started[activity] = (CpuMark.Now(), GC.GetTotalPauseDuration());
                },
                ActivityStopped = activity =>
                {
                    if (PhaseOf(activity) is not { } phase) return;
                    var (end, endPause) = (CpuMark.Now(), GC.GetTotalPauseDuration());
                    lock (_totals)
                    {
                        var (cpu, pause) = _started.Remove(activity, out var start) ? (end - start.Cpu, endPause - start.GcPause) : (new CpuMark(TimeSpan.Zero, TimeSpan.Zero), TimeSpan.Zero);
                        var (ms, sum, pauses) = _totals.GetValueOrDefault(phase, (0, new CpuMark(TimeSpan.Zero, TimeSpan.Zero), TimeSpan.Zero));
                        _totals[phase] = (ms + activity.Duration.TotalMilliseconds, sum + cpu, pauses + pause);
                    }
                },
            };
            ActivitySource.AddActivityListener(_listener);
        }

        private static string? PhaseOf(Activity activity) =>
            activity.OperationName.StartsWith("pps.phase.", StringComparison.Ordinal) ? activity.OperationName["pps.phase.".Length..] : null;

        public Dictionary<string, (double Ms, CpuMark Cpu, TimeSpan GcPause)> Totals()
        {
            lock (_totals) return new Dictionary<string, (double Ms, CpuMark Cpu, TimeSpan GcPause)>(_totals);
        }

        public void Dispose() => _listener.Dispose();
    }

    private static async Task DeleteAsync(PpsStorage storage)
    {
        foreach (var table in storage.Tables) await table.DeleteAsync();
        foreach (var container in new[] { storage.Uploads, storage.Reports, storage.Reference, storage.Backups }) await container.DeleteIfExistsAsync();
    }

    /// <summary>
    /// Before each timed part, so that neither the close nor the floor pays for what the other (or the setting up) left
    /// running: a full collection, then a wait until this process has compiled no method and Azurite has used no CPU
    /// for <see cref="QuietFor"/> (at most <see cref="QuietAtMost"/>). Without the wait, the tier-1 compilations that
    /// one part's calls set off (queued 100 ms after them, on a background thread) and Azurite's clean-up of the
    /// previous run's deleted containers ran during whichever part came next: at 1x, 80-500 ms of compiling landed
    /// in the floor of the same run.
    /// </summary>
    private static async Task SettleAsync()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var waited = Stopwatch.StartNew();
        var last = CpuMark.Now();
        while (waited.Elapsed < QuietAtMost)
        {
            await Task.Delay(QuietFor);
            var now = CpuMark.Now();
            if (now.JitMethods == last.JitMethods && now.Azurite == last.Azurite) return;
            last = now;
        }
    }

    /// <summary>
    /// With PPS_BENCH_MARKS set, each timed part's start and end on the monotonic clock (Stopwatch ticks, ns on Linux) on
    /// standard error ("MARK close|floor start end"), to attribute a <c>perf record -k CLOCK_MONOTONIC</c> profile's
    /// samples to the close or to the floor (docs/performance.md).
    /// </summary>
    private static void Mark(string part, long start)
    {
        if (PrintMarks) Console.Error.WriteLine($"MARK {part} {start} {Stopwatch.GetTimestamp()}");
    }

    private static readonly bool PrintMarks = Environment.GetEnvironmentVariable("PPS_BENCH_MARKS") is not null;

    private static readonly TimeSpan QuietFor = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan QuietAtMost = TimeSpan.FromSeconds(5);

    private static double Spread(IReadOnlyList<double> values) => (values.Max() - values.Min()) / Median(values);

    private static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToList();
        var mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
