using Microsoft.Extensions.Logging;
using Pps.Core.Catalogue;
using Pps.Core.Publishing;
using Pps.Core.Returns;
using Pps.Core.Storage;
using Pps.Core.Telemetry;
using Pps.Tests.Support;
using static Pps.Tests.Support.Window2013;

namespace Pps.Tests.Publishing;

/// <summary>The lines the close-of-year run writes for the alerts (infra/modules/alerts.bicep): failed, overdue, checked.</summary>
public class CloseAlertsTests
{

    [Fact]
    public async Task A_failed_close_is_logged_as_failed_and_overdue_after_a_day_and_the_next_good_run_clears_it()
    {
        var storage = await Azurite.NewStorageAsync();
        var clock = new FakeClock(Closes.AddDays(2));
        var years = new CollectionYearStore(storage);
        await years.SaveAsync(new CollectionYear { Year = 2013, Opens = Closes.AddDays(-60), Closes = Closes, NationalServiceCount = 150 }, null);
        var log = new ListLogger();
        YearCloser Closer(IPublishedStore store) => PublishingFixtures.Closer(storage, years, clock, store, log);

        await Assert.ThrowsAsync<IOException>(() => Closer(new PublishingFixtures.FailingStore(new BlobPublishedStore(storage.Published), 0)).CloseDueYearsAsync());

        Assert.Contains(log.Lines, l => l.Level == LogLevel.Error && l.Text.StartsWith(PpsTelemetry.CloseFailedEvent + ": the close of 2013 failed (IOException)", StringComparison.Ordinal));
        Assert.Contains(log.Lines, l => l.Level == LogLevel.Warning && l.Text.StartsWith(PpsTelemetry.CloseOverdueEvent + ": 2013", StringComparison.Ordinal));
        Assert.Contains(log.Lines, l => l.Text == PpsTelemetry.CloseCheckedEvent + ": 1 due, 0 published, 1 failed, 1 overdue");

        log.Lines.Clear();
        Assert.Equal(CloseOutcome.Published, Assert.Single(await Closer(new BlobPublishedStore(storage.Published)).CloseDueYearsAsync()).Result);
        Assert.DoesNotContain(log.Lines, l => l.Text.StartsWith(PpsTelemetry.CloseFailedEvent, StringComparison.Ordinal) || l.Text.StartsWith(PpsTelemetry.CloseOverdueEvent, StringComparison.Ordinal));
        Assert.Contains(log.Lines, l => l.Text == PpsTelemetry.CloseCheckedEvent + ": 1 due, 1 published, 0 failed, 0 overdue");
    }

    [Fact]
    public async Task A_year_closed_less_than_a_day_ago_is_not_yet_overdue_and_a_quiet_run_still_reports_it_ran()
    {
        var storage = await Azurite.NewStorageAsync();
        var clock = new FakeClock(Closes.AddHours(20));
        var years = new CollectionYearStore(storage);
        await years.SaveAsync(new CollectionYear { Year = 2013, Opens = Closes.AddDays(-60), Closes = Closes, NationalServiceCount = 150,
            Extensions = new Dictionary<int, DateTimeOffset> { [42] = Closes.AddDays(10) } }, null);
        var log = new ListLogger();
        var closer = PublishingFixtures.Closer(storage, years, clock, log: log);

        // An extension keeps the year open: not due, and not overdue until a day after the extension ends.
        clock.Now = Closes.AddDays(5);
        Assert.Empty(await closer.CloseDueYearsAsync());
        Assert.Equal([PpsTelemetry.CloseCheckedEvent + ": 0 due, 0 published, 0 failed, 0 overdue"], log.Lines.Select(l => l.Text));
        clock.Now = Closes.AddDays(11).AddHours(1);
        Assert.Equal(CloseOutcome.Published, Assert.Single(await closer.CloseDueYearsAsync()).Result);
    }

    private sealed class ListLogger : ILogger<YearCloser>
    {
        public List<(LogLevel Level, string Text)> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = formatter(state, exception);
            if (text.StartsWith("pps.", StringComparison.Ordinal)) lock (Lines) Lines.Add((logLevel, text));
        }
    }
}
