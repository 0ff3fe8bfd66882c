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
    CollectionYearStore years,
    CloseInputLoader loader,
    Publisher publisher,
    TimeProvider clock,
    ILogger<YearCloser> log,
    WriteFaults? faults = null)
{
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
                using (PpsTelemetry.Phase("lock"))
                {
                    etag = await years.SaveAsync(closed, etag, ct);
                }
                await _faults.AtAsync(WriteFaults.YearClosed, ct);
                var (set, stored) = await LoadComputeAndBuildAsync(year, ct);
                var locked = collection.ClosedAt is null ? stored : 0;
                Manifest manifest;
                using (PpsTelemetry.Phase("write"))
                {
                    manifest = await publisher.WriteVersionAsync(set, Manifest.Final, ct);
                }
                using (PpsTelemetry.Phase("make-current"))
                {
                    await publisher.MakeCurrentAsync(manifest, ct);
                }
                using (PpsTelemetry.Phase("mark-published"))
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
            var (set, _) = await LoadComputeAndBuildAsync(year, ct);
            Manifest manifest;
            using (PpsTelemetry.Phase("publish"))
            {
                manifest = await publisher.PublishAsync(set, status, ct);
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
    /// The close's first three steps, each overlapping the next: load (<see cref="CloseInputLoader"/>: the years the
    /// pages need first, the earlier ones read on meanwhile), compute (<see cref="NationalAggregator"/>: the pages, then
    /// Parts 1 and 2 once every year is read) and build the files (<see cref="BuiltSet"/>: each as soon as what it shows
    /// is computed). The write step takes the set. Also says how many returns the year has stored (drafts too).
    /// </summary>
    private async Task<(BuiltSet Set, int StoredThisYear)> LoadComputeAndBuildAsync(int year, CancellationToken ct)
    {
        var loaded = await loader.LoadAsync(year, ct);
        var computing = NationalAggregator.Start(loaded.Recent, loaded.Whole);
        _ = PpsTelemetry.PhaseAsync("compute", computing.Result);
        return (BuiltSet.From(computing, loaded.Text), loaded.StoredThisYear);
    }

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
