using System.Diagnostics;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Logging;
using Pps.Core.Aggregation;
using Pps.Core.Definition;
using Pps.Core.Catalogue;
using Pps.Core.Returns;
using Pps.Core.Storage;
using Pps.Core.Telemetry;

namespace Pps.Core.Publishing;

/// <summary>What one close-and-publish attempt did for a year.</summary>
public sealed record CloseOutcome(int Year, string Result, Manifest? Manifest, int ReturnsLocked)
{
    public const string Published = "published";
    public const string Provisional = "provisional";
    public const string Skipped = "skipped";
    public const string NotFound = "not-found";
}

/// <summary>
/// Closes collection years whose window has passed: locks every return (by marking the year closed),
/// recomputes every figure and publishes them. Safe to run on many instances at once (a blob lease per year lets one through) and
/// to re-run after a failure (each step is idempotent and the year is marked published last).
/// </summary>
public sealed class YearCloser(
    PpsStorage storage,
    ReturnStore returns,
    CollectionYearStore years,
    ReferenceDataStore reference,
    IDefinitionCatalog definitions,
    ServicesNationally servicesNationally,
    Publisher publisher,
    TimeProvider clock,
    ILogger<YearCloser> log,
    WriteFaults? faults = null)
{
    /// <summary>Years of history a recompute reads: the 5-year tables need the chosen year and four before it.</summary>
    public const int HistoryYears = 5;

    /// <summary>How long the year's lease runs before it must be renewed (15-60 s, as Blob storage allows).</summary>
    internal TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The lease is renewed this often while the close runs: three times in each lease.</summary>
    internal TimeSpan RenewEvery => LeaseDuration / 3;

    /// <summary>
    /// What times the renewals: real time, whatever the domain's clock says, since the lease runs out on the storage
    /// service's clock. Tests give a timer they move by hand.
    /// </summary>
    internal TimeProvider RenewalTimer { get; set; } = TimeProvider.System;

    /// <summary>The event each renewal adds to the close's span, so a trace shows the lease was kept.</summary>
    public const string LeaseRenewedEvent = "pps.close.lease-renewed";

    private readonly WriteFaults _faults = faults ?? WriteFaults.None;

    /// <summary>
    /// Closes and publishes every year that is due. The timer calls this. A year that fails is logged
    /// (<see cref="PpsTelemetry.CloseFailedEvent"/>) and the others still run; then the run throws, so that
    /// the host retries it. Every run ends with <see cref="PpsTelemetry.CloseCheckedEvent"/>, and a year still
    /// unpublished a day after its window closed is logged as <see cref="PpsTelemetry.CloseOverdueEvent"/>:
    /// the alerts in infra/modules/alerts.bicep watch for both, and for the check going silent.
    /// </summary>
    public async Task<IReadOnlyList<CloseOutcome>> CloseDueYearsAsync(CancellationToken ct = default)
    {
        using var activity = PpsTelemetry.Source.StartActivity("pps.close.due-years");
        var now = clock.GetUtcNow();
        var outcomes = new List<CloseOutcome>();
        var failures = new List<Exception>();
        var all = await years.ListAsync(ct);
        foreach (var year in all.Where(y => y.IsDueForClosing(now)))
        {
            try
            {
                outcomes.Add(await CloseAndPublishAsync(year.Year, ct));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                PpsTelemetry.ClosesFailed.Add(1);
                log.LogError(e, PpsTelemetry.CloseFailedEvent + ": the close of {Year} failed ({Error}); the year is not published", year.Year, e.GetType().Name);
                failures.Add(e);
            }
        }
        var published = outcomes.Where(o => o.Result == CloseOutcome.Published).Select(o => o.Year).ToHashSet();
        var overdue = all.Where(y => y.PublishedAt is null && !published.Contains(y.Year) && IsOverdue(y, now)).Select(y => y.Year).ToList();
        foreach (var year in overdue)
        {
            log.LogWarning(PpsTelemetry.CloseOverdueEvent + ": {Year} closed more than a day ago and is not published", year);
        }
        activity?.SetTag("pps.years.due", outcomes.Count + failures.Count);
        activity?.SetTag("pps.years.failed", failures.Count);
        activity?.SetTag("pps.years.overdue", overdue.Count);
        log.LogInformation(PpsTelemetry.CloseCheckedEvent + ": {Due} due, {Published} published, {Failed} failed, {Overdue} overdue",
            outcomes.Count + failures.Count, published.Count, failures.Count, overdue.Count);
        if (failures.Count > 0)
        {
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, "close failed");
            throw failures.Count == 1 ? failures[0] : new AggregateException("The close of more than one year failed.", failures);
        }
        return outcomes;
    }

    /// <summary>The window (with every extension) closed more than <see cref="PpsTelemetry.CloseGrace"/> ago.</summary>
    private static bool IsOverdue(CollectionYear year, DateTimeOffset now)
    {
        return now - year.LastClose > PpsTelemetry.CloseGrace;
    }

    /// <summary>Closes one year and publishes its final figures, unless another run holds it or it is done.</summary>
    public async Task<CloseOutcome> CloseAndPublishAsync(int year, CancellationToken ct = default)
    {
        using var activity = PpsTelemetry.Source.StartActivity("pps.close");
        activity?.SetTag("pps.year", year);
        try
        {
            var outcome = await UnderYearLeaseAsync(year, async ct =>
            {
                var found = await years.GetAsync(year, ct);
                if (found is null) return new CloseOutcome(year, CloseOutcome.Skipped, null, 0);
                var (collection, etag) = found.Value;
                if (collection.PublishedAt is not null || !collection.IsDueForClosing(clock.GetUtcNow()))
                {
                    return new CloseOutcome(year, CloseOutcome.Skipped, null, 0);
                }
                // Marking the year closed locks every return of it (ServiceReturn.AsOf): one conditional write, made
                // before anything is read, so what is read is what is locked.
                var closed = collection with { ClosedAt = collection.ClosedAt ?? clock.GetUtcNow() };
                using (Phase("lock"))
                {
                    etag = await years.SaveAsync(closed, etag, ct);
                }
                await _faults.AtAsync(WriteFaults.YearClosed, ct);
                var (computing, stored) = await LoadAndStartComputingAsync(year, ct);
                var locked = collection.ClosedAt is null ? stored : 0;
                Manifest manifest;
                using (Phase("write"))
                {
                    manifest = await publisher.WriteVersionAsync(computing, Manifest.Final, ct);
                }
                using (Phase("make-current"))
                {
                    await publisher.MakeCurrentAsync(manifest, ct);
                }
                using (Phase("mark-published"))
                {
                    await years.SaveAsync(closed with { PublishedAt = manifest.CreatedAt, PublishedVersion = manifest.Version }, etag, ct);
                }
                log.LogInformation("Closed {Year}: locked {Locked} returns, published version {Version} with {Files} files", year, locked, manifest.Version, manifest.Files.Count);
                return new CloseOutcome(year, CloseOutcome.Published, manifest, locked);
            }, ct);
            Describe(activity, outcome);
            return outcome;
        }
        catch (Exception e)
        {
            activity.Fail(e);
            throw;
        }
    }

    /// <summary>A step of a close or recompute, as a child span named pps.phase.{name}.</summary>
    private static System.Diagnostics.Activity? Phase(string name) => PpsTelemetry.Source.StartActivity("pps.phase." + name);

    private static void Describe(System.Diagnostics.Activity? activity, CloseOutcome outcome)
    {
        activity?.SetTag("pps.result", outcome.Result);
        activity?.SetTag("pps.version", outcome.Manifest?.Version);
        activity?.SetTag("pps.returns", outcome.Manifest?.Returns);
        activity?.SetTag("pps.files", outcome.Manifest?.Files.Count);
        activity?.SetTag("pps.returns.locked", outcome.ReturnsLocked);
    }

    /// <summary>Publishes a new final version of an already published year (after NPPN amended a return).</summary>
    public async Task<CloseOutcome> RepublishAsync(int year, CancellationToken ct = default) =>
        await UnderYearLeaseAsync(year, async ct =>
        {
            var (collection, etag) = (await years.GetAsync(year, ct)) ?? throw new KeyNotFoundException($"No collection year {year}.");
            var manifest = await RecomputeAsync(year, Manifest.Final, ct);
            await years.SaveAsync(collection with { PublishedAt = manifest.CreatedAt, PublishedVersion = manifest.Version }, etag, ct);
            return new CloseOutcome(year, CloseOutcome.Published, manifest, 0);
        }, ct);

    /// <summary>
    /// NPPN's recompute at any time: while the window is open (or not yet open), a provisional set that the
    /// public site does not show; once it has closed, the close-of-year run; after publication, a new final version.
    /// </summary>
    public async Task<CloseOutcome> RecomputeOnRequestAsync(int year, CancellationToken ct = default)
    {
        var found = await years.GetAsync(year, ct);
        if (found is null) return new CloseOutcome(year, CloseOutcome.NotFound, null, 0);
        var collection = found.Value.Year;
        var now = clock.GetUtcNow();
        if (collection.PublishedAt is not null) return await RepublishAsync(year, ct);
        if (collection.IsDueForClosing(now)) return await CloseAndPublishAsync(year, ct);
        return new CloseOutcome(year, CloseOutcome.Provisional, await RecomputeAsync(year, Manifest.Provisional, ct), 0);
    }

    /// <summary>Makes an earlier final version the published one again.</summary>
    public async Task<Manifest?> RollBackAsync(int year, string version, CancellationToken ct = default)
    {
        var found = await years.GetAsync(year, ct);
        if (found is null) return null;
        var manifest = await publisher.RollBackAsync(year, version, ct);
        await years.SaveAsync(found.Value.Year with { PublishedVersion = manifest.Version }, found.Value.ETag, ct);
        log.LogInformation("Rolled {Year} back to version {Version}", year, version);
        return manifest;
    }

    /// <summary>
    /// Recomputes every figure for a year from the submitted returns of that year and the four before it,
    /// and publishes them with the given status. A provisional set does not move the public index.
    /// </summary>
    public async Task<Manifest> RecomputeAsync(int year, string status, CancellationToken ct = default)
    {
        using var activity = PpsTelemetry.Source.StartActivity("pps.recompute");
        activity?.SetTag("pps.year", year);
        activity?.SetTag("pps.status", status);
        try
        {
            var (computing, _) = await LoadAndStartComputingAsync(year, ct);
            Manifest manifest;
            using (Phase("publish"))
            {
                manifest = await publisher.PublishAsync(computing, status, ct);
            }
            activity?.SetTag("pps.version", manifest.Version);
            activity?.SetTag("pps.returns", manifest.Returns);
            activity?.SetTag("pps.files", manifest.Files.Count);
            return manifest;
        }
        catch (Exception e)
        {
            activity.Fail(e);
            throw;
        }
    }

    /// <summary>
    /// Reads the year and the one before it, and what NPPN loaded about the services' areas; then starts the services'
    /// pages (all they read) and reads the three earlier years while the pages are made and written: storage, which
    /// answers one call at a time, never waits for the pages to be computed. Parts 1 and 2 start once every year is
    /// read (the compute phase runs on beside the writing). Also says how many returns the year has stored (drafts too).
    /// </summary>
    private async Task<(NationalComputation Computing, int StoredThisYear)> LoadAndStartComputingAsync(int year, CancellationToken ct)
    {
        YearOfReturns[] recent;
        AreaFacts areas;
        using (Phase("load"))
        {
            var loadingAreas = LoadAreaFactsAsync(year, ct);
            recent = await Task.WhenAll(Enumerable.Range(year - Benchmarking.YearsRead + 1, Benchmarking.YearsRead).Select(y => returns.ListForAggregationAsync(y, ct)));
            areas = await loadingAreas;
        }
        var earlier = Task.WhenAll(Enumerable.Range(year - HistoryYears + 1, HistoryYears - Benchmarking.YearsRead).Select(y => returns.ListForAggregationAsync(y, ct)));
        _ = PhaseAsync("load-earlier", earlier);
        var computing = NationalAggregator.Start(Input(year, Returned(recent), areas), WholeInputAsync(year, earlier, recent, areas));
        _ = PhaseAsync("compute", computing.Result);
        return (computing, recent.Single(y => y.Year == year).Stored);
    }

    private static async Task<AggregationInput> WholeInputAsync(int year, Task<YearOfReturns[]> earlier, YearOfReturns[] recent, AreaFacts areas) =>
        Input(year, Returned([.. await earlier, .. recent]), areas);

    private static List<ReturnRecord> Returned(IEnumerable<YearOfReturns> years) => years.SelectMany(y => y.Returned).ToList();

    private static AggregationInput Input(int year, IReadOnlyList<ReturnRecord> returned, AreaFacts areas) =>
        Input(year, returned, areas.Reference, areas.Neighbours, areas.SyntheticParts, areas.Definitions, areas.NationalServiceCount);

    /// <summary>A phase that runs beside others: its span ends when <paramref name="work"/> does (its failure is the caller's to observe).</summary>
    private static async Task PhaseAsync(string name, Task work)
    {
        using var phase = Phase(name);
        try
        {
            await work;
        }
        catch (Exception e)
        {
            phase.Fail(e);
        }
    }

    /// <summary>
    /// What NPPN has loaded about the services' areas (reference data and statistical neighbours), and which parts
    /// of which years it marked synthetic.
    /// </summary>
    private sealed record AreaFacts(
        Reference.ReferenceData Reference, IReadOnlyDictionary<int, IReadOnlyList<int>> Neighbours, IReadOnlyDictionary<int, IReadOnlyList<string>> SyntheticParts,
        DefinitionSet Definitions, Func<int, int> NationalServiceCount);

    /// <summary>As <see cref="AreaFacts"/> says, and the definitions of the year and those before it (fixed for the whole close).</summary>
    private async Task<AreaFacts> LoadAreaFactsAsync(int year, CancellationToken ct)
    {
        var data = reference.LoadAsync(ct);
        var neighbours = reference.LoadNeighboursAsync(ct);
        var forms = definitions.UpToAsync(year, ct);
        var all = years.ListAsync(ct);
        var synthetic = (await all).Where(y => y.SyntheticParts.Count > 0).ToDictionary(y => y.Year, y => y.SyntheticParts);
        return new AreaFacts(await data, await neighbours, synthetic, await forms, servicesNationally.For(await all));
    }

    /// <summary>
    /// Every figure for the year from the submitted returns among those given (drafts never count), read with
    /// <paramref name="definitions"/> (the built-in ones when null).
    /// </summary>
    public static NationalResult Compute(
        int year, IEnumerable<ServiceReturn> stored, Reference.ReferenceData referenceData, IReadOnlyDictionary<int, IReadOnlyList<int>>? neighbours = null,
        IReadOnlyDictionary<int, IReadOnlyList<string>>? syntheticParts = null, DefinitionSet? definitions = null) =>
        NationalAggregator.Compute(Input(year, stored.Where(r => r.IsReturned).Select(r => new ReturnRecord(r.ServiceId, r.Year, r.Values)).ToList(),
            referenceData, neighbours, syntheticParts, definitions ?? BuiltInDefinitions.All, ServicesNationally.BuiltIn.InYear));

    private static AggregationInput Input(
        int year, IReadOnlyList<ReturnRecord> returned, Reference.ReferenceData referenceData, IReadOnlyDictionary<int, IReadOnlyList<int>>? neighbours,
        IReadOnlyDictionary<int, IReadOnlyList<string>>? syntheticParts, DefinitionSet definitions, Func<int, int> nationalServiceCount) => new()
        {
            Year = year,
            // A submitted return counts only when it holds every answer its year's definition requires (the rule a submit
            // is held to, and the completeness view counts by), so one stored without them before the rule counts nowhere.
            Returns = returned.Where(r => definitions.Find(r.Year)?.CountsAsSubmitted(r.Values) ?? true).ToList(),
            Reference = referenceData,
            Definitions = definitions,
            StatisticalNeighbours = neighbours ?? new Dictionary<int, IReadOnlyList<int>>(),
            NationalServiceCount = nationalServiceCount,
            SyntheticParts = syntheticParts ?? new Dictionary<int, IReadOnlyList<string>>(),
        };

    /// <summary>
    /// Runs <paramref name="work"/> holding the year's lease, renewed every <see cref="RenewEvery"/> for as long as
    /// the work runs, so a long close never lets a second run in. If a renewal fails (the lease was lost), the
    /// work is cancelled before it writes anything more and <see cref="CloseInterruptedException"/> says so;
    /// the year's own writes are conditional too, so a second run cannot interleave with it. A failure to
    /// release the lease at the end is logged, never reported instead of the work's own result or exception
    /// (an unreleased lease expires on its own).
    /// </summary>
    private async Task<CloseOutcome> UnderYearLeaseAsync(int year, Func<CancellationToken, Task<CloseOutcome>> work, CancellationToken ct)
    {
        var lockBlob = storage.Reference.GetBlobClient($"locks/close-{year}.lock");
        var lease = lockBlob.GetBlobLeaseClient();
        try
        {
            try
            {
                await lease.AcquireAsync(LeaseDuration, cancellationToken: ct);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                // The year's first run: the lock blob is made once, then leased by every run (made first, every run paid a refused upload).
                await CreateLockBlobAsync(lockBlob, ct);
                await lease.AcquireAsync(LeaseDuration, cancellationToken: ct);
            }
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            log.LogInformation("Another run is closing {Year}; this one stands aside", year);
            return new CloseOutcome(year, CloseOutcome.Skipped, null, 0);
        }
        using var leaseLost = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var workDone = new CancellationTokenSource();
        var renewing = RenewAsync(lease, year, leaseLost, workDone.Token);
        try
        {
            return await work(leaseLost.Token);
        }
        catch (OperationCanceledException e) when (leaseLost.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new CloseInterruptedException(
                $"The close of {year} lost its lease and stopped before finishing; the next run finishes it (every step can be run again).", e);
        }
        finally
        {
            await workDone.CancelAsync();
            await renewing;
            try
            {
                await lease.ReleaseAsync(cancellationToken: CancellationToken.None);
            }
            catch (RequestFailedException e)
            {
                log.LogWarning(e, "Could not release the lease on {Year} ({Status}); it expires on its own", year, e.Status);
            }
        }
    }

    private static async Task CreateLockBlobAsync(BlobClient lockBlob, CancellationToken ct)
    {
        try
        {
            await lockBlob.UploadAsync(BinaryData.FromString(""), overwrite: false, ct);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // Another run made it in between: it is there, which is all that is needed.
        }
    }

    /// <summary>Renews the lease until the work is done; if a renewal fails, cancels the work. Never throws.</summary>
    private async Task RenewAsync(BlobLeaseClient lease, int year, CancellationTokenSource leaseLost, CancellationToken workDone)
    {
        try
        {
            while (true)
            {
                await Task.Delay(RenewEvery, RenewalTimer, workDone);
                await lease.RenewAsync(cancellationToken: workDone);
                Activity.Current?.AddEvent(new ActivityEvent(LeaseRenewedEvent));
            }
        }
        catch (OperationCanceledException) when (workDone.IsCancellationRequested)
        {
            // The work finished: stop renewing.
        }
        catch (Exception e) when (e is RequestFailedException or OperationCanceledException)
        {
            log.LogError(e, "The lease on {Year} could not be renewed; stopping the close", year);
            await leaseLost.CancelAsync();
        }
    }
}

/// <summary>A close that lost its year's lease stopped before finishing; nothing after the loss was written.</summary>
public sealed class CloseInterruptedException(string message, Exception inner) : Exception(message, inner);
