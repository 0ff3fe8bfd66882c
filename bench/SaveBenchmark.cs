using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pps.Core.Catalogue;
using Pps.Core.Definition;
using Pps.Core.Returns;
using Pps.Core.Storage;
using Pps.Core.Validation;
using Pps.Functions.Http;
using Pps.Functions.Returns;
using Pps.Functions.Setup;
using Pps.Synthetic;

namespace Pps.Bench;

/// <summary>Options of the save benchmark: <c>saves [--rounds 5] [--writers 16] [--saves 40] [--revisions 1000] [--others 2000]</c>.</summary>
public sealed record SaveBenchmarkOptions(int Rounds = 5, int Writers = 16, int SavesPerWriter = 40, int Revisions = 1000, int OtherReturns = 2000)
{
    public static SaveBenchmarkOptions Parse(IReadOnlyList<string> args)
    {
        var options = new SaveBenchmarkOptions();
        for (var i = 0; i < args.Count; i++)
        {
            int Next() => i + 1 < args.Count && int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                ? n
                : throw new ArgumentException($"{args[i - 1]} needs a positive whole number after it.");
            options = args[i] switch
            {
                "--rounds" => options with { Rounds = Next() },
                "--writers" => options with { Writers = Next() },
                "--saves" => options with { SavesPerWriter = Next() },
                "--revisions" => options with { Revisions = Next() },
                "--others" => options with { OtherReturns = Next() },
                var other => throw new ArgumentException($"Unknown option \"{other}\" for saves: --rounds, --writers, --saves, --revisions, --others."),
            };
        }
        return options;
    }
}

/// <summary>
/// Saving a full return (every field) through the SaveReturnDraft function class, as the host calls it: a real
/// HttpRequest with a bearer token, If-Match and a JSON body; the credential check, validation with the year-on-year
/// checks against last year's return, the conditional write, the audit and the JSON response all included. The app is
/// built through its own registration (AddPpsApp) on the Azurite in PPS_STORAGE, in tables of its own, removed afterwards.
/// <para>
/// Rounds of <c>writers</c> concurrent writers (one service each, each save with the ETag of its last), and between them,
/// interleaved, rounds of the FLOOR: the storage calls a save makes (<see cref="FloorPlan"/>), issued straight through the
/// Table SDK with entities prepared in advance, with the same concurrency. Every round reports saves per second and
/// p50/p95/p99; the summary gives the median and the spread (min-max) over the rounds and save/floor. The number of
/// storage requests the saves really made is counted (a pipeline policy) and printed beside the floor's, so the floor
/// cannot drift from the save unnoticed. Then growth: the tables get <c>others</c> other returns (with audit rows) and one
/// return gets <c>revisions</c> revisions through the real path; sequential saves of that return are timed against
/// saves of a fresh one, interleaved, and a concurrent round is run again on the grown tables.
/// </para>
/// </summary>
public static class SaveBenchmark
{
    private const int Year = 2013;
    private const double TargetPerSecond = 300;
    private const double TargetP95Ms = 100;

    /// <summary>
    /// The storage calls one save makes, stage by stage (the calls of a stage go out at once). Keep in step with
    /// ReturnService.WriteAsync, PpsAuthenticator and ReturnStore.SaveAsync: the benchmark prints the requests it counted
    /// per save beside <see cref="FloorCallsPerSave"/>. The credential, the year and last year's return come from caches
    /// (read once per time-to-live, not per save), and the return itself is not read again when the writer's ETag is that
    /// of the revision this process stored (ReturnStore.GetForWriteAsync); before them a save made 6 calls in 4 stages:
    /// the credential, then the year + the return + last year's, then the write, then the audit row.
    /// </summary>
    private static readonly FloorCall[][] FloorPlan =
    [
        [FloorCall.WriteReturn],
        [FloorCall.InsertAuditRow],
    ];

    private static int FloorCallsPerSave => FloorPlan.Sum(stage => stage.Length);

    private enum FloorCall { ReadCredential, ReadYear, ReadCurrent, ReadLastYear, WriteReturn, InsertAuditRow }

    public static async Task<int> RunAsync(SaveBenchmarkOptions options)
    {
        if (BenchConfiguration.Connection() is not { } connection) return 2;
        var id = Guid.NewGuid().ToString("N")[..8];
        var configuration = BenchConfiguration.ForRun(connection, id);
        var counter = new RequestCounter();
        var services = new ServiceCollection();
        services.AddPpsApp(configuration);
        services.AddAzureClients(clients => clients.ConfigureDefaults(o => o.AddPolicy(counter, HttpPipelinePosition.PerCall)));
        await using var provider = services.BuildServiceProvider();
        var storage = provider.GetRequiredService<PpsStorage>();
        await storage.EnsureCreatedAsync();
        try
        {
            return await RunOnAsync(provider, storage, connection, counter, options);
        }
        finally
        {
            foreach (var table in new[] { storage.Returns, storage.ReturnHistory, storage.Years, storage.Credentials }) await table.DeleteAsync();
            foreach (var container in new[] { storage.Uploads, storage.Reports, storage.Published, storage.Reference, storage.Provisional, storage.Backups })
            {
                await container.DeleteIfExistsAsync();
            }
        }
    }

    private static async Task<int> RunOnAsync(ServiceProvider provider, PpsStorage storage, string connection, RequestCounter counter, SaveBenchmarkOptions o)
    {
        var now = DateTimeOffset.UtcNow;
        var returns = provider.GetRequiredService<ReturnStore>();
        var credentials = provider.GetRequiredService<CredentialStore>();
        await provider.GetRequiredService<CollectionYearStore>().SaveAsync(
            new CollectionYear { Year = Year, Opens = now.AddDays(-1), Closes = now.AddDays(30), NationalServiceCount = 150 }, null);
        var function = ActivatorUtilities.CreateInstance<ReturnFunctions>(provider);

        // Writers, then a fresh and an aged service for the growth test, then one for the floor's prepared entities.
        var all = ServiceCatalogue.BuiltIn.ExistingIn(Year).Select(s => s.Id).ToList();
        if (all.Count < o.Writers + 3) throw new ArgumentException($"--writers is at most {all.Count - 3}: {Year} has {all.Count} services.");
        var writers = all.Take(o.Writers).Select(s => new Writer(s)).ToList();
        var fresh = new Writer(all[o.Writers]);
        var aged = new Writer(all[o.Writers + 1]);
        foreach (var w in writers.Append(fresh).Append(aged))
        {
            w.Token = (await credentials.IssueAsync(w.ServiceId, Year, "bench", now)).Token;
            await SeedLastYearAsync(returns, w.ServiceId);
        }
        var fieldCount = BuiltInDefinitions.For(Year).Fields.Count();
        Console.WriteLine($"Saving a full return ({fieldCount} fields, {Body(0).Length} bytes of JSON) through SaveReturnDraft on Azurite; " +
                          $"{Environment.ProcessorCount} CPUs (shared with Azurite).");
        Console.WriteLine($"Target: at least {TargetPerSecond:0} saves per second with {o.Writers} concurrent writers, p95 under {TargetP95Ms:0} ms.");
        Console.WriteLine($"Floor: the storage calls of one save, {FloorCallsPerSave} in {FloorPlan.Length} sequential stages " +
                          $"({string.Join(" -> ", FloorPlan.Select(s => string.Join(" + ", s)))}), straight through the Table SDK, same concurrency.");

        // Warm up, not counted: the first save of each writer writes its return; a whole round of each so that the JIT's
        // tiered recompilation of the hot code is done before the CPU per save is measured; connection pools.
        await Task.WhenAll(writers.Append(fresh).Append(aged).Select(w => Task.Run(() => SaveManyAsync(function, w, 5))));
        var floor = await FloorSetup.PrepareAsync(connection, storage, writers, aged.ServiceId);
        await RunSaveRoundAsync(function, writers, o.SavesPerWriter, counter);
        await RunFloorRoundAsync(floor, o.Writers, o.SavesPerWriter);

        Console.WriteLine();
        Console.WriteLine($"{o.Rounds} rounds of {o.Writers} writers x {o.SavesPerWriter} saves, each followed by a floor round of the same size:");
        Console.WriteLine($"{"round",5} {"saves/s",8} {"p50 ms",7} {"p95 ms",7} {"p99 ms",7} {"req/save",9} {"cpu ms",7} {"azur ms",7} | " +
                          $"{"floor/s",8} {"p50 ms",7} {"p95 ms",7} {"p99 ms",7} {"cpu ms",7} {"azur ms",7} | {"save/floor",10}");
        var saveRounds = new List<Round>();
        var floorRounds = new List<Round>();
        for (var r = 1; r <= o.Rounds; r++)
        {
            // Odd rounds time the saves first, even ones the floor first, so neither always runs on a warmer Azurite.
            Round save, floorRound;
            if (r % 2 == 1)
            {
                save = await RunSaveRoundAsync(function, writers, o.SavesPerWriter, counter);
                floorRound = await RunFloorRoundAsync(floor, o.Writers, o.SavesPerWriter);
            }
            else
            {
                floorRound = await RunFloorRoundAsync(floor, o.Writers, o.SavesPerWriter);
                save = await RunSaveRoundAsync(function, writers, o.SavesPerWriter, counter);
            }
            saveRounds.Add(save);
            floorRounds.Add(floorRound);
            Console.WriteLine($"{r,5} {save.PerSecond,8:0} {save.P50,7:0.0} {save.P95,7:0.0} {save.P99,7:0.0} {save.RequestsPerSave,9:0.00} " +
                              $"{save.DotnetCpuMs,7:0.00} {save.AzuriteCpuMs,7:0.00} | " +
                              $"{floorRound.PerSecond,8:0} {floorRound.P50,7:0.0} {floorRound.P95,7:0.0} {floorRound.P99,7:0.0} " +
                              $"{floorRound.DotnetCpuMs,7:0.00} {floorRound.AzuriteCpuMs,7:0.00} | {floorRound.PerSecond / save.PerSecond,10:0.00}");
        }
        Console.WriteLine();
        Summary("saves per second", saveRounds.Select(x => x.PerSecond), "0");
        Summary("save p95 ms", saveRounds.Select(x => x.P95), "0.0");
        Summary("floor per second", floorRounds.Select(x => x.PerSecond), "0");
        Summary("floor p95 ms", floorRounds.Select(x => x.P95), "0.0");
        Summary("save .NET CPU ms/save", saveRounds.Select(x => x.DotnetCpuMs), "0.00");
        Summary("floor .NET CPU ms/save", floorRounds.Select(x => x.DotnetCpuMs), "0.00");
        if (CpuMark.AzuriteKnown)
        {
            Summary("save Azurite CPU ms/save", saveRounds.Select(x => x.AzuriteCpuMs), "0.00");
            Summary("floor Azurite CPU ms", floorRounds.Select(x => x.AzuriteCpuMs), "0.00");
        }
        else
        {
            Console.WriteLine("  (Azurite's CPU is not measured: set PPS_AZURITE_PID to its process id, e.g. PPS_AZURITE_PID=$AZURITE_PID)");
        }
        Summary("save/floor", saveRounds.Zip(floorRounds, (s, f) => f.PerSecond / s.PerSecond), "0.00", "time per save over the floor's: floor/s over saves/s");
        var requests = saveRounds.Select(x => x.RequestsPerSave).Average();
        Console.WriteLine($"  storage requests per save (counted): {requests:0.00}; the floor issues {FloorCallsPerSave}" +
                          (Math.Abs(requests - FloorCallsPerSave) > 0.05 ? "  <-- the floor no longer matches the save: update FloorPlan" : ""));
        var medianRate = Median(saveRounds.Select(x => x.PerSecond));
        var medianP95 = Median(saveRounds.Select(x => x.P95));
        var met = medianRate >= TargetPerSecond && medianP95 < TargetP95Ms;
        Console.WriteLine($"Target ({TargetPerSecond:0}/s, p95 < {TargetP95Ms:0} ms): {(met ? "MET" : "NOT MET")} " +
                          $"(median {medianRate:0}/s, median p95 {medianP95:0.0} ms)");

        await GrowthAsync(function, storage, writers, fresh, aged, counter, o, saveRounds);

        var check = await returns.GetAsync(Year, writers[0].ServiceId);
        var history = await returns.HistoryAsync(Year, writers[0].ServiceId);
        var agedHistory = await returns.HistoryAsync(Year, aged.ServiceId);
        var agedStored = await returns.GetAsync(Year, aged.ServiceId);
        var consistent = check?.Revision == writers[0].Saves && history.Count == check.Revision
            && history.Select(h => h.Revision).SequenceEqual(Enumerable.Range(1, check.Revision))
            && agedStored?.Revision == aged.Saves && agedHistory.Count == aged.Saves
            && history[^1].Values.AsDictionary().OrderBy(kv => kv.Key).SequenceEqual(check.Values.AsDictionary().OrderBy(kv => kv.Key));
        Console.WriteLine();
        Console.WriteLine($"Check: service {writers[0].ServiceId} is at revision {check?.Revision} ({writers[0].Saves} saves) with {check?.Values.Count} fields; " +
                          $"{history.Count} audit entries, the last with the stored values; service {aged.ServiceId}: revision {agedStored?.Revision}, " +
                          $"{agedHistory.Count} audit entries: {(consistent ? "consistent" : "INCONSISTENT")}.");
        return consistent ? 0 : 1;
    }

    /// <summary>
    /// Latency must not grow with what is stored: <c>others</c> other returns with audit rows in the tables, and one return
    /// (aged) at <c>revisions</c> revisions saved through the real path; sequential saves of it against saves of a fresh
    /// return, interleaved; then a concurrent round on the grown tables.
    /// </summary>
    private static async Task GrowthAsync(ReturnFunctions function, PpsStorage storage, List<Writer> writers,
        Writer fresh, Writer aged, RequestCounter counter, SaveBenchmarkOptions o, List<Round> before)
    {
        Console.WriteLine();
        var seeding = Stopwatch.StartNew();
        await SeedOtherReturnsAsync(storage, o.OtherReturns, writers[0].ServiceId);
        await SaveManyAsync(function, aged, o.Revisions - aged.Saves);
        Console.WriteLine($"Growth: the tables now hold {o.OtherReturns} other returns (5 audit rows each) and service {aged.ServiceId}'s return is at revision " +
                          $"{aged.Saves} (seeded in {seeding.Elapsed.TotalSeconds:0.0} s); service {fresh.ServiceId}'s is at {fresh.Saves}.");
        const int batch = 20;
        var freshMs = new List<double>();
        var agedMs = new List<double>();
        var (freshCpu, agedCpu) = (new List<(double Dotnet, double Azurite)>(), new List<(double Dotnet, double Azurite)>());
        for (var i = 0; i < 10; i++)
        {
            // Alternate which goes first, so that neither always follows the other's work on Azurite.
            var pair = new[] { (fresh, freshMs, freshCpu), (aged, agedMs, agedCpu) };
            foreach (var (writer, latencies, cpu) in i % 2 == 0 ? pair : pair.Reverse())
            {
                var mark = CpuMark.Now();
                latencies.AddRange(await SaveManyAsync(function, writer, batch));
                var end = CpuMark.Now();
                cpu.Add(((end.Dotnet - mark.Dotnet).TotalMilliseconds / batch, (end.Azurite - mark.Azurite).TotalMilliseconds / batch));
            }
        }
        var (f50, f95, a50, a95) = (Stats.Percentile(freshMs, 50), Stats.Percentile(freshMs, 95), Stats.Percentile(agedMs, 50), Stats.Percentile(agedMs, 95));
        Console.WriteLine($"  sequential saves, {freshMs.Count} each, interleaved in batches of {batch}:");
        Console.WriteLine($"    fresh return (revision ~{fresh.Saves - freshMs.Count / 2}):  p50 {f50,6:0.00} ms, p95 {f95,6:0.00} ms; CPU per save .NET {Median(freshCpu.Select(c => c.Dotnet)):0.00} ms, " +
                          $"Azurite {Median(freshCpu.Select(c => c.Azurite)):0.00} ms");
        Console.WriteLine($"    aged return (revision ~{aged.Saves - agedMs.Count / 2}): p50 {a50,6:0.00} ms, p95 {a95,6:0.00} ms; CPU per save .NET {Median(agedCpu.Select(c => c.Dotnet)):0.00} ms, " +
                          $"Azurite {Median(agedCpu.Select(c => c.Azurite)):0.00} ms");
        var round = await RunSaveRoundAsync(function, writers, o.SavesPerWriter, counter);
        Console.WriteLine($"  a concurrent round on the grown tables: {round.PerSecond:0} saves/s, p50 {round.P50:0.0} ms, p95 {round.P95:0.0} ms, p99 {round.P99:0.0} ms; " +
                          $"CPU per save .NET {round.DotnetCpuMs:0.00} ms, Azurite {round.AzuriteCpuMs:0.00} ms (before growing: medians {Median(before.Select(r => r.DotnetCpuMs)):0.00} and {Median(before.Select(r => r.AzuriteCpuMs)):0.00})");
        // Sequential latencies of a few ms on a shared machine: allow 25 % before calling it growth.
        var flat = a50 <= f50 * 1.25;
        Console.WriteLine($"  growth: aged/fresh median latency {a50 / f50:0.00}: {(flat ? "none beyond noise (within 25 %)" : "LATENCY GREW with the revisions stored")}");
    }

    private static async Task<Round> RunSaveRoundAsync(ReturnFunctions function, List<Writer> writers, int savesPerWriter, RequestCounter counter)
    {
        var before = counter.Count;
        var cpu = CpuMark.Now();
        var wall = Stopwatch.StartNew();
        var results = await Task.WhenAll(writers.Select(w => Task.Run(() => SaveManyAsync(function, w, savesPerWriter))));
        wall.Stop();
        var latencies = results.SelectMany(r => r).ToList();
        return Round.Of(latencies, wall.Elapsed, (counter.Count - before) / (double)latencies.Count, cpu);
    }

    /// <summary>Saves the full return <paramref name="count"/> times in a row, each with the ETag of the one before.</summary>
    private static async Task<List<double>> SaveManyAsync(ReturnFunctions function, Writer writer, int count)
    {
        var latencies = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var body = Bodies[writer.Saves % Bodies.Length];
            var started = Stopwatch.GetTimestamp();
            var context = new DefaultHttpContext();
            var request = context.Request;
            request.Method = "PUT";
            request.Headers.Authorization = "Bearer " + writer.Token;
            if (writer.ETag is not null) request.Headers.IfMatch = writer.ETag;
            request.ContentType = "application/json";
            request.ContentLength = body.Length;
            request.Body = new MemoryStream(body);
            context.Response.Body = new MemoryStream();
            var result = await function.SaveDraft(request, Year, writer.ServiceId, CancellationToken.None);
            await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new ActionDescriptor()));
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (context.Response.StatusCode != StatusCodes.Status200OK)
            {
                throw new InvalidOperationException($"Save {writer.Saves} of service {writer.ServiceId} answered {context.Response.StatusCode}: " +
                    Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray()));
            }
            writer.ETag = context.Response.Headers.ETag.ToString();
            writer.Saves++;
        }
        return latencies;
    }

    private static async Task<Round> RunFloorRoundAsync(FloorSetup floor, int writers, int callsPerWriter)
    {
        var cpu = CpuMark.Now();
        var wall = Stopwatch.StartNew();
        var results = await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(() => floor.RunAsync(w, callsPerWriter))));
        wall.Stop();
        return Round.Of(results.SelectMany(r => r).ToList(), wall.Elapsed, FloorCallsPerSave, cpu);
    }

    /// <summary>
    /// The floor's own clients (straight from the connection string, no app code) and, per writer, entities copied from what
    /// the saves stored: the credential, the year, the return and last year's return (read), the return (replaced with
    /// If-Match) and an audit row (inserted under a new row key each time), in tables of the floor's own.
    /// </summary>
    private sealed class FloorSetup
    {
        private readonly TableClient _credentials, _years, _returns, _history;
        private readonly List<FloorWriter> _writers;

        private FloorSetup(TableClient credentials, TableClient years, TableClient returns, TableClient history, List<FloorWriter> writers) =>
            (_credentials, _years, _returns, _history, _writers) = (credentials, years, returns, history, writers);

        public static async Task<FloorSetup> PrepareAsync(string connection, PpsStorage storage, List<Writer> writers, int auditSource)
        {
            var service = new TableServiceClient(connection);
            var prefix = storage.Returns.Name[..^"Returns".Length] + "floor";
            TableClient Table(string name) => service.GetTableClient(prefix + name);
            var (credentials, years, returns, history) = (Table("Credentials"), Table("Years"), Table("Returns"), Table("ReturnHistory"));
            foreach (var table in new[] { credentials, years, returns, history }) await table.CreateIfNotExistsAsync();

            var year = (await storage.Years.GetEntityAsync<TableEntity>("year", Year.ToString(CultureInfo.InvariantCulture))).Value;
            await years.UpsertEntityAsync(Copy(year));
            // An audit row as a typical save writes it (revision 3: one field changed), not the first one (every field new).
            var auditRow = (await storage.ReturnHistory.GetEntityAsync<TableEntity>($"{Year}-{auditSource:000}", "000003")).Value;
            var list = new List<FloorWriter>();
            foreach (var w in writers)
            {
                var credential = await storage.Credentials.QueryAsync<TableEntity>(e => e.PartitionKey == "credential").FirstAsync(
                    e => e.GetInt32("ServiceId") == w.ServiceId);
                await credentials.UpsertEntityAsync(Copy(credential));
                var current = Copy((await storage.Returns.GetEntityAsync<TableEntity>($"{Year}", $"{w.ServiceId:000}")).Value);
                var lastYear = Copy((await storage.Returns.GetEntityAsync<TableEntity>($"{Year - 1}", $"{w.ServiceId:000}")).Value);
                var written = await returns.UpsertEntityAsync(current, TableUpdateMode.Replace);
                await returns.UpsertEntityAsync(lastYear, TableUpdateMode.Replace);
                var row = Copy(auditRow);
                row.PartitionKey = $"{Year}-{w.ServiceId:000}";
                list.Add(new FloorWriter(credential.RowKey, current, lastYear.PartitionKey, row) { ETag = written.Headers.ETag!.Value });
            }
            return new FloorSetup(credentials, years, returns, history, list);
        }

        /// <summary>One writer's share of a floor round: <paramref name="count"/> times the storage calls of one save, stage by stage.</summary>
        public async Task<List<double>> RunAsync(int writer, int count)
        {
            var w = _writers[writer];
            var latencies = new List<double>(count);
            for (var i = 0; i < count; i++)
            {
                var started = Stopwatch.GetTimestamp();
                foreach (var stage in FloorPlan)
                {
                    await Task.WhenAll(stage.Select(call => CallAsync(w, call)));
                }
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            return latencies;
        }

        private async Task CallAsync(FloorWriter w, FloorCall call)
        {
            switch (call)
            {
                case FloorCall.ReadCredential:
                    await _credentials.GetEntityIfExistsAsync<TableEntity>("credential", w.CredentialId);
                    break;
                case FloorCall.ReadYear:
                    await _years.GetEntityIfExistsAsync<TableEntity>("year", Year.ToString(CultureInfo.InvariantCulture));
                    break;
                case FloorCall.ReadCurrent:
                    await _returns.GetEntityIfExistsAsync<TableEntity>(w.Return.PartitionKey, w.Return.RowKey);
                    break;
                case FloorCall.ReadLastYear:
                    await _returns.GetEntityIfExistsAsync<TableEntity>(w.LastYearPartition, w.Return.RowKey);
                    break;
                case FloorCall.WriteReturn:
                    w.Return["Revision"] = w.Return.GetInt32("Revision") + 1;
                    var response = await _returns.UpdateEntityAsync(w.Return, w.ETag, TableUpdateMode.Replace);
                    w.ETag = response.Headers.ETag!.Value;
                    break;
                case FloorCall.InsertAuditRow:
                    w.AuditRow.RowKey = (++w.AuditRevision).ToString("000000", CultureInfo.InvariantCulture);
                    await _history.AddEntityAsync(w.AuditRow);
                    break;
            }
        }

        private static TableEntity Copy(TableEntity e) => With(e, e.PartitionKey, e.RowKey);
    }

    private sealed record FloorWriter(string CredentialId, TableEntity Return, string LastYearPartition, TableEntity AuditRow)
    {
        public ETag ETag { get; set; }
        public int AuditRevision { get; set; }
    }

    private sealed class Writer(int serviceId)
    {
        public int ServiceId { get; } = serviceId;
        public string Token { get; set; } = "";
        public string? ETag { get; set; }
        public int Saves { get; set; }
    }

    private sealed record Round(double PerSecond, double P50, double P95, double P99, double RequestsPerSave, double DotnetCpuMs, double AzuriteCpuMs)
    {
        public static Round Of(List<double> latencies, TimeSpan wall, double requestsPerSave, CpuMark started) => new(
            latencies.Count / wall.TotalSeconds, Stats.Percentile(latencies, 50), Stats.Percentile(latencies, 95), Stats.Percentile(latencies, 99), requestsPerSave,
            (CpuMark.Now().Dotnet - started.Dotnet).TotalMilliseconds / latencies.Count,
            (CpuMark.Now().Azurite - started.Azurite).TotalMilliseconds / latencies.Count);
    }

    /// <summary>Counts the requests the app's storage clients send (every attempt, retries included).</summary>
    private sealed class RequestCounter : HttpPipelineSynchronousPolicy
    {
        private long _count;
        public long Count => Interlocked.Read(ref _count);
        public override void OnSendingRequest(HttpMessage message) => Interlocked.Increment(ref _count);
    }

    /// <summary>
    /// Other returns in the tables, as a collection of many years would hold them: copies of a stored return in partitions
    /// of years far from the benchmark's, each with 5 audit rows, written in batches (not timed).
    /// </summary>
    private static async Task SeedOtherReturnsAsync(PpsStorage storage, int count, int template)
    {
        var stored = (await storage.Returns.GetEntityAsync<TableEntity>($"{Year}", $"{template:000}")).Value;
        var audit = await storage.ReturnHistory.QueryAsync<TableEntity>(e => e.PartitionKey == $"{Year}-{template:000}", maxPerPage: 1).FirstAsync();
        var perYear = ServiceCatalogue.BuiltIn.ExistingIn(Year).Count();
        var keys = Enumerable.Range(0, count).Select(i => (Year: 2100 + i / perYear, Service: 1 + i % perYear)).ToList();
        var returnBatches = keys.GroupBy(k => k.Year).SelectMany(g => g.Chunk(100).Select(chunk => (Partition: g.Key.ToString(CultureInfo.InvariantCulture), Rows: chunk)));
        await Parallel.ForEachAsync(returnBatches, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (b, ct) =>
        {
            var actions = b.Rows.Select(k => new TableTransactionAction(TableTransactionActionType.Add, With(stored, b.Partition, $"{k.Service:000}"))).ToList();
            await storage.Returns.SubmitTransactionAsync(actions, ct);
        });
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (k, ct) =>
        {
            var partition = $"{k.Year}-{k.Service:000}";
            var actions = Enumerable.Range(1, 5).Select(r => new TableTransactionAction(TableTransactionActionType.Add, With(audit, partition, $"{r:000000}"))).ToList();
            await storage.ReturnHistory.SubmitTransactionAsync(actions, ct);
        });
    }

    /// <summary>A copy of the entity's own properties (not its ETag or timestamp) under the given keys.</summary>
    private static TableEntity With(TableEntity e, string partition, string row)
    {
        var copy = new TableEntity(partition, row);
        foreach (var (key, value) in e)
        {
            if (key is "odata.etag" or "Timestamp" or "PartitionKey" or "RowKey") continue;
            copy[key] = value;
        }
        return copy;
    }

    private static async Task SeedLastYearAsync(ReturnStore returns, int serviceId)
    {
        var raw = Values(0).ToDictionary(kv => kv.Key, kv => (string?)(kv.Value switch
        {
            string[] list => string.Join(';', list),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            var v => v.ToString(),
        }));
        var parsed = CheckedReturn.Check(BuiltInDefinitions.For(Year - 1), serviceId, raw, null);
        if (!parsed.IsValid) throw new InvalidOperationException(string.Join("; ", parsed.Errors.Select(e => e.Message)));
        await returns.SaveAsync(new ServiceReturn { ServiceId = serviceId, Year = Year - 1, Status = ReturnStatus.Locked, Values = parsed.Values }, null, "bench", "import");
    }

    /// <summary>The request bodies, made once: building them is the client's work, not the save's (it would count in the CPU per save).</summary>
    private static readonly byte[][] Bodies = Enumerable.Range(0, 10).Select(Body).ToArray();

    private static byte[] Body(int i) => JsonSerializer.SerializeToUtf8Bytes(new { values = Values(i), confirmedWarnings = Array.Empty<string>() }, HttpJson.Options);

    /// <summary>Every field of the 2013 return answered and valid; casework users vary a little so each save changes a field.</summary>
    private static Dictionary<string, object> Values(int i) =>
        ExampleReturn.Full(Year, caseworkUsers: 400 + i % 10, comment: "Figures checked against the service's own records.");

    private static double Median(IEnumerable<double> values) => Stats.Percentile(values.ToList(), 50);

    private static void Summary(string name, IEnumerable<double> values, string format, string? note = null)
    {
        var list = values.ToList();
        Console.WriteLine($"  {name,-24} median {Median(list).ToString(format, CultureInfo.InvariantCulture),7}  " +
                          $"min {list.Min().ToString(format, CultureInfo.InvariantCulture),7}  max {list.Max().ToString(format, CultureInfo.InvariantCulture),7}" +
                          (note is null ? "" : $"  ({note})"));
    }
}
