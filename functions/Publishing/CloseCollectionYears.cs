using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Pps.Core.Publishing;

namespace Pps.Functions.Publishing;

/// <summary>
/// Closes every collection year whose window has passed: locks its returns, recomputes and publishes.
/// The schedule comes from the CloseYearSchedule setting. The host does not retry a failed timer run on
/// its own, hence the retry policy; a run that still fails is finished by the next scheduled one.
/// </summary>
public sealed class CloseCollectionYears(YearCloser closer, ILogger<CloseCollectionYears> log)
{
    [Function(nameof(CloseCollectionYears))]
    [FixedDelayRetry(3, "00:02:00")]
    public async Task Run([TimerTrigger("%CloseYearSchedule%")] TimerInfo timer, CancellationToken ct)
    {
        foreach (var outcome in await closer.CloseDueYearsAsync(ct))
        {
            log.LogInformation("Collection year {Year}: {Result} {Version}", outcome.Year, outcome.Result, outcome.Manifest?.Version);
        }
    }
}
