using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NCrontab;

namespace Pps.DevHost;

/// <summary>One timer function and its schedule: NCRONTAB with seconds (6 fields) or without (5), or a TimeSpan.</summary>
public sealed class TimerSchedule
{
    private readonly CrontabSchedule? _cron;
    private readonly TimeSpan? _interval;

    public TimerSchedule(FunctionEntry function, IConfiguration configuration)
    {
        Function = function;
        Expression = FunctionCatalog.Resolve(function.Property("schedule") ?? "", configuration);
        RunOnStartup = function.Trigger.TryGetProperty("runOnStartup", out var s) && s.ValueKind == System.Text.Json.JsonValueKind.True;
        var fields = Expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        if (fields is 5 or 6)
        {
            _cron = CrontabSchedule.TryParse(Expression, new CrontabSchedule.ParseOptions { IncludingSeconds = fields == 6 })
                ?? throw new InvalidOperationException($"Timer {function.Name}: \"{Expression}\" is not an NCRONTAB expression.");
        }
        else if (TimeSpan.TryParse(Expression, System.Globalization.CultureInfo.InvariantCulture, out var interval) && interval > TimeSpan.Zero)
        {
            _interval = interval;
        }
        else
        {
            throw new InvalidOperationException($"Timer {function.Name}: \"{Expression}\" is neither an NCRONTAB expression (5 or 6 fields) nor a TimeSpan.");
        }
    }

    public FunctionEntry Function { get; }
    public string Expression { get; }
    public bool RunOnStartup { get; }

    /// <summary>The next run after <paramref name="after"/>, in UTC (the Functions host's default time zone).</summary>
    public DateTimeOffset NextAfter(DateTimeOffset after) => _cron is not null
        ? new DateTimeOffset(_cron.GetNextOccurrence(after.UtcDateTime), TimeSpan.Zero)
        : after + _interval!.Value;
}

/// <summary>
/// Runs every timer function on its schedule by the wall clock (not the app's TimeProvider, which tests may
/// fix). A failed run is logged and the next scheduled one follows; the worker's retry policy is not replayed.
/// </summary>
public sealed class TimerScheduler(IReadOnlyList<TimerSchedule> timers, IServiceProvider services, ILogger<TimerScheduler> log) : BackgroundService
{
    public IReadOnlyList<TimerSchedule> Timers => timers;

    /// <summary>How many runs of each timer have finished (successful or not), for tests and the console.</summary>
    public int CompletedRuns(string name) => _runs.TryGetValue(name, out var n) ? n : 0;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _runs = new();

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(timers.Select(t => RunAsync(t, stoppingToken)));

    private async Task RunAsync(TimerSchedule timer, CancellationToken ct)
    {
        var first = true;
        while (!ct.IsCancellationRequested)
        {
            if (!(first && timer.RunOnStartup))
            {
                var next = timer.NextAfter(DateTimeOffset.UtcNow);
                try
                {
                    await Task.Delay(next - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            first = false;
            await RunOnceAsync(timer, ct);
        }
    }

    public async Task RunOnceAsync(TimerSchedule timer, CancellationToken ct)
    {
        try
        {
            await using var scope = services.CreateAsyncScope();
            await FunctionInvoker.InvokeAsync(timer.Function, scope.ServiceProvider, p =>
                p.ParameterType == typeof(TimerInfo) ? new TimerInfo { IsPastDue = false }
                : p.ParameterType == typeof(CancellationToken) ? ct
                : throw new NotSupportedException(p.Name));
            log.LogInformation("Timer {Name} ran; next run {Next:u}", timer.Function.Name, timer.NextAfter(DateTimeOffset.UtcNow));
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            log.LogError(e, "Timer {Name} failed; next run {Next:u}", timer.Function.Name, timer.NextAfter(DateTimeOffset.UtcNow));
        }
        finally
        {
            _runs.AddOrUpdate(timer.Function.Name, 1, (_, n) => n + 1);
        }
    }

    public static bool CanBind(System.Reflection.ParameterInfo p) => p.ParameterType == typeof(TimerInfo) || p.ParameterType == typeof(CancellationToken);
}
