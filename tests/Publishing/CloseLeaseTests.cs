using System.Diagnostics;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Time.Testing;
using Pps.Core.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Pps.Core.Catalogue;
using Pps.Core.Publishing;
using Pps.Core.Returns;
using Pps.Core.Storage;
using Pps.Tests.Support;
using static Pps.Tests.Support.Window2013;

namespace Pps.Tests.Publishing;

/// <summary>The close-of-year lease: renewed while the close runs, and its release never hides the close's own result.</summary>
public class CloseLeaseTests
{

    /// <summary>Holds the close at the point where the year is marked closed, until the test lets it go.</summary>
    private sealed class HoldAfterClosing : WriteFaults
    {
        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async Task AtAsync(string point, CancellationToken ct)
        {
            if (point != YearClosed) return;
            Reached.TrySetResult();
            await Release.Task.WaitAsync(ct);
        }
    }

    private static async Task<(TestApp App, HoldAfterClosing Hold)> DueYearAsync()
    {
        var hold = new HoldAfterClosing();
        var app = await TestApp.StartAsync(Opens.AddDays(1), configure: s => s.AddSingleton<WriteFaults>(hold));
        await app.Get<CollectionYearStore>().SaveAsync(Collection, null);
        var submitted = await app.Get<ReturnService>().SubmitAsync(Actor.ForService(42),
            new ReturnChange(2013, 42, CompleteReturn.Raw(("casework.users", "100")), [], null));
        Assert.IsType<ReturnOutcome.Done>(submitted);
        app.Clock.Now = Closes.AddMinutes(1);
        return (app, hold);
    }

    [Fact]
    public async Task A_close_that_runs_longer_than_its_lease_renews_it_on_time_and_a_second_run_stands_aside()
    {
        var (app, hold) = await DueYearAsync();
        using var _ = app;
        var closer = app.Get<YearCloser>();
        closer.LeaseDuration = TimeSpan.FromSeconds(15); // the shortest lease Blob storage grants
        var timer = new FakeTimeProvider();
        closer.RenewalTimer = timer;
        using var renewals = new LeaseRenewals();

        var first = renewals.Start(() => closer.CloseAndPublishAsync(2013));
        await hold.Reached.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, renewals.Count);
        // Three renewal periods: past the first lease's end, so only renewals keep it.
        for (var i = 1; i <= 3; i++)
        {
            timer.Advance(closer.RenewEvery);
            await renewals.ReachAsync(i);
        }

        using var other = await TestApp.StartAsync(app.Clock.Now, app.Options);
        var second = await other.Get<YearCloser>().CloseAndPublishAsync(2013);
        Assert.Equal(CloseOutcome.Skipped, second.Result);
        Assert.Null(second.Manifest);

        hold.Release.SetResult();
        var outcome = await first;
        Assert.Equal(CloseOutcome.Published, outcome.Result);
        Assert.NotNull((await app.Get<CollectionYearStore>().GetAsync(2013))!.Value.Year.PublishedAt);
    }

    /// <summary>
    /// Counts the lease renewals recorded on the spans of a close started through <see cref="Start"/>: only that
    /// close's, since the tests run side by side and other closes record theirs too.
    /// </summary>
    private sealed class LeaseRenewals : IDisposable
    {
        private const string TestSourceName = "Pps.Tests.CloseLease";
        private static readonly ActivitySource TestSource = new(TestSourceName);
        private readonly ActivityListener _listener;
        private readonly List<Activity> _spans = [];
        private readonly Activity _trace;

        public LeaseRenewals()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name is PpsTelemetry.Name or TestSourceName,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStarted = span =>
                {
                    if (span.TraceId != _trace?.TraceId) return;
                    lock (_spans) _spans.Add(span);
                },
            };
            ActivitySource.AddActivityListener(_listener);
            _trace = TestSource.StartActivity("close-lease-test")!;
            Activity.Current = null; // the test's own flow stays outside; only what Start runs is traced
        }

        public Task<T> Start<T>(Func<Task<T>> work)
        {
            var previous = Activity.Current;
            Activity.Current = _trace;
            try
            {
                return work();
            }
            finally
            {
                Activity.Current = previous;
            }
        }

        public int Count
        {
            get
            {
                lock (_spans) return _spans.Sum(span => span.Events.Count(e => e.Name == YearCloser.LeaseRenewedEvent));
            }
        }

        public async Task ReachAsync(int expected)
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (Count < expected && DateTime.UtcNow < deadline) await Task.Delay(20);
            Assert.Equal(expected, Count);
        }

        public void Dispose()
        {
            _trace.Dispose();
            _listener.Dispose();
        }
    }

    [Fact]
    public async Task A_close_that_loses_its_lease_stops_says_so_and_the_failed_release_does_not_hide_it()
    {
        var (app, hold) = await DueYearAsync();
        using var _ = app;
        var closer = app.Get<YearCloser>();
        closer.LeaseDuration = TimeSpan.FromSeconds(15);
        var timer = new FakeTimeProvider();
        closer.RenewalTimer = timer;

        var first = closer.CloseAndPublishAsync(2013);
        await hold.Reached.Task.WaitAsync(TimeSpan.FromSeconds(30));
        // Someone breaks the lease (an operator, or the lease expired while the process was frozen); the next renewal finds out.
        await app.Get<PpsStorage>().Reference.GetBlobClient("locks/close-2013.lock").GetBlobLeaseClient().BreakAsync(TimeSpan.Zero);
        timer.Advance(closer.RenewEvery);

        var failure = await Assert.ThrowsAsync<CloseInterruptedException>(() => first.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("lost its lease", failure.Message);
        var year = (await app.Get<CollectionYearStore>().GetAsync(2013))!.Value.Year;
        Assert.NotNull(year.ClosedAt);
        Assert.Null(year.PublishedAt); // it wrote nothing after losing the lease

        // The next run finishes the work.
        hold.Release.SetResult();
        Assert.Equal(CloseOutcome.Published, (await closer.CloseAndPublishAsync(2013)).Result);
    }
}
