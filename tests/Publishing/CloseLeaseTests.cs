using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.DependencyInjection;
using Pps.Core.Catalogue;
using Pps.Core.Publishing;
using Pps.Core.Returns;
using Pps.Core.Storage;
using Pps.Tests.Support;

namespace Pps.Tests.Publishing;

/// <summary>The close-of-year lease: renewed while the close runs, and its release never hides the close's own result.</summary>
public class CloseLeaseTests
{
    private static readonly DateTimeOffset Opens = new(2013, 9, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Closes = Opens.AddDays(60);

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
        await app.Get<CollectionYearStore>().SaveAsync(new CollectionYear { Year = 2013, Opens = Opens, Closes = Closes, NationalServiceCount = 150 }, null);
        var submitted = await app.Get<ReturnService>().SubmitAsync(Actor.ForService(42),
            new ReturnChange(2013, 42, CompleteReturn.Raw(("casework.users", "100")), [], null));
        Assert.IsType<ReturnOutcome.Done>(submitted);
        app.Clock.Now = Closes.AddMinutes(1);
        return (app, hold);
    }

    [Fact]
    public async Task A_close_that_runs_longer_than_its_lease_keeps_it_and_a_second_run_stands_aside()
    {
        var (app, hold) = await DueYearAsync();
        using var _ = app;
        var closer = app.Get<YearCloser>();
        closer.LeaseDuration = TimeSpan.FromSeconds(15); // the shortest lease Blob storage grants

        var first = closer.CloseAndPublishAsync(2013);
        await hold.Reached.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(17)); // past the first lease's end: only renewal keeps it

        using var other = await TestApp.StartAsync(app.Clock.Now, app.Options);
        var second = await other.Get<YearCloser>().CloseAndPublishAsync(2013);
        Assert.Equal(CloseOutcome.Skipped, second.Result);
        Assert.Null(second.Manifest);

        hold.Release.SetResult();
        var outcome = await first;
        Assert.Equal(CloseOutcome.Published, outcome.Result);
        Assert.NotNull((await app.Get<CollectionYearStore>().GetAsync(2013))!.Value.Year.PublishedAt);
    }

    [Fact]
    public async Task A_close_that_loses_its_lease_stops_says_so_and_the_failed_release_does_not_hide_it()
    {
        var (app, hold) = await DueYearAsync();
        using var _ = app;
        var closer = app.Get<YearCloser>();
        closer.LeaseDuration = TimeSpan.FromSeconds(15);

        var first = closer.CloseAndPublishAsync(2013);
        await hold.Reached.Task.WaitAsync(TimeSpan.FromSeconds(30));
        // Someone breaks the lease (an operator, or the lease expired while the process was frozen).
        await app.Get<PpsStorage>().Reference.GetBlobClient("locks/close-2013.lock").GetBlobLeaseClient().BreakAsync(TimeSpan.Zero);

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
