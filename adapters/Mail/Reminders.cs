using Microsoft.Extensions.Logging;
using Pps.Core.Catalogue;
using Pps.Core.Returns;
using Pps.Core.Storage;

namespace Pps.Core.Mail;

/// <summary>
/// The reminders before a closing date, run by the SendReminders timer: for each open year, once its close is no more
/// than a schedule point's days away, every service of the year without a submitted return is put on the outbox once
/// for that point (its key names the year, the service and the point; the ledger marks the point done). When the timer
/// was down across several points, only the nearest is sent: one reminder, not a burst.
/// </summary>
public sealed class Reminders(MailRequests requests, MailOutbox outbox, MailLedger ledger, CollectionYearStore years, ReturnStore returns, ServiceCatalogue catalogue, TimeProvider clock, ILogger<Reminders> log)
{
    /// <summary>Queues the reminders due now; returns how many messages it queued.</summary>
    public async Task<int> QueueDueAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var queued = 0;
        foreach (var year in await years.ListAsync(ct))
        {
            if (year.StateAt(now) != CollectionState.Open) continue;
            var due = new List<int>();
            foreach (var days in await requests.ReminderScheduleAsync(year.Year, ct))
            {
                if (now >= year.Closes.AddDays(-days) && !await ledger.ReminderPointQueuedAsync(year.Year, days, ct)) due.Add(days);
            }
            if (due.Count == 0) continue;
            var nearest = due.Min();
            var returned = (await returns.ListYearAsync(year.Year, ct)).Where(r => r.AsOf(year, now).IsReturned).Select(r => r.ServiceId).ToHashSet();
            var count = 0;
            foreach (var service in catalogue.ExistingIn(year.Year).Where(s => !returned.Contains(s.Id)))
            {
                await outbox.EnqueueAsync(new OutboxMessage(MailKinds.Reminder, OutboxMessage.ReminderKey(year.Year, service.Id, nearest),
                    year.Year, service.Id, now, DaysBefore: nearest), ct);
                count++;
            }
            // Marked after queueing: a run that dies half-way queues the point again, and the keys keep it to one mail each.
            foreach (var days in due) await ledger.MarkReminderPointQueuedAsync(year.Year, days, days == nearest ? count : 0, now, ct);
            log.LogInformation("Reminders for {Year}, {Days} day(s) before the close: {Count} service(s) queued.", year.Year, nearest, count);
            queued += count;
        }
        return queued;
    }
}
