using Microsoft.Azure.Functions.Worker;
using Pps.Core.Mail;
using Pps.Functions.Setup;

namespace Pps.Functions.Mail;

/// <summary>
/// Empties the mail outbox: one call per message. A call that throws is delivered again by the host after
/// host.json's queues.visibilityTimeout; after queues.maxDequeueCount deliveries (= Pps__Mail__MaxAttempts) the host
/// moves the message to "{queue}-poison", and the last failing call raises the dead-letter alert.
/// </summary>
public sealed class SendMail(MailDispatcher dispatcher)
{
    [Function(nameof(SendMail))]
    public Task Run(
        [QueueTrigger("%Pps:MailQueue%", Connection = StorageSetup.ConnectionName)] string message,
        long dequeueCount, CancellationToken ct) =>
        dispatcher.DispatchAsync(message, dequeueCount, ct);
}

/// <summary>Queues the reminders that are due (each year's schedule before its closing date); the schedule of the timer is ReminderSchedule.</summary>
public sealed class SendReminders(Reminders reminders)
{
    [Function(nameof(SendReminders))]
    [FixedDelayRetry(3, "00:05:00")]
    public Task Run([TimerTrigger("%ReminderSchedule%")] TimerInfo timer, CancellationToken ct) => reminders.QueueDueAsync(ct);
}
