using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Pps.Core.Telemetry;

/// <summary>
/// The app's own traces and counts, named here once: the functions host exports them (OpenTelemetry, see
/// functions/Setup/TelemetrySetup.cs) and the alerts in infra/modules/alerts.bicep query them by these names.
/// What goes on a span or a count is ids, years, outcomes and numbers: never a token, a credential's hash or
/// an answer's text (tests/Telemetry/NoSecretsInTelemetryTests.cs runs a collection and searches for them).
/// </summary>
public static class PpsTelemetry
{
    /// <summary>Name of the <see cref="ActivitySource"/> and the <see cref="Meter"/>.</summary>
    public const string Name = "Pps";

    public static readonly ActivitySource Source = new(Name);
    public static readonly Meter Meter = new(Name);

    /// <summary>Returns stored (a draft saved, a return submitted, an NPPN amendment), by action.</summary>
    public static readonly Counter<long> ReturnsSaved = Meter.CreateCounter<long>("pps.returns.saved", "{return}", "Returns stored, by action");

    /// <summary>Year-on-year warnings a stored return still has to confirm.</summary>
    public static readonly Counter<long> Warnings = Meter.CreateCounter<long>("pps.returns.warnings", "{warning}", "Unconfirmed year-on-year warnings on stored returns");

    /// <summary>Uploaded workbooks refused by validation (the upload path increments it).</summary>
    public static readonly Counter<long> UploadsRefused = Meter.CreateCounter<long>("pps.uploads.refused", "{upload}", "Uploaded workbooks refused by validation");

    /// <summary>Close-of-year runs that failed (the alert also watches the log line below).</summary>
    public static readonly Counter<long> ClosesFailed = Meter.CreateCounter<long>("pps.close.failed", "{run}", "Close-of-year runs that failed");

    /// <summary>Mails the SMTP server accepted, by kind.</summary>
    public static readonly Counter<long> MailSent = Meter.CreateCounter<long>("pps.mail.sent", "{mail}", "Mails sent, by kind");

    /// <summary>Mails whose last delivery failed: their messages are in the poison queue (the alert watches the log line below).</summary>
    public static readonly Counter<long> MailDeadLettered = Meter.CreateCounter<long>("pps.mail.dead_lettered", "{mail}", "Mails moved to the poison queue, by kind");

    /// <summary>Mail events that could not be put on the outbox at all (the save they follow is stored regardless).</summary>
    public static readonly Counter<long> MailNotQueued = Meter.CreateCounter<long>("pps.mail.not_queued", "{mail}", "Mail events the outbox queue did not take");

    // Log lines the alerts search for (AppTraces | where Message startswith ...). Keep in step with alerts.bicep.
    /// <summary>The close of a year threw: the year is not published.</summary>
    public const string CloseFailedEvent = "pps.close.failed";
    /// <summary>A year whose window closed more than a day ago is still not published.</summary>
    public const string CloseOverdueEvent = "pps.close.overdue";
    /// <summary>The close-of-year timer ran (its absence for more than a day raises an alert).</summary>
    public const string CloseCheckedEvent = "pps.close.checked";
    /// <summary>A mail failed its last delivery and went to the poison queue.</summary>
    public const string MailDeadLetteredEvent = "pps.mail.dead-lettered";
    /// <summary>A mail event could not be put on the outbox (the queue was unreachable).</summary>
    public const string MailNotQueuedEvent = "pps.mail.not-queued";
    /// <summary>A message on the outbox was not a mail event and was dropped.</summary>
    public const string MailUnreadableEvent = "pps.mail.unreadable";
    /// <summary>The check of an uploaded workbook failed on its last attempt: the upload has a "failed" report.</summary>
    public const string UploadCheckFailedEvent = "pps.upload.check-failed";
    /// <summary>A table backup was written.</summary>
    public const string BackupWrittenEvent = "pps.backup.written";

    /// <summary>How long after a window closes (extensions included) an unpublished year counts as overdue.</summary>
    public static readonly TimeSpan CloseGrace = TimeSpan.FromDays(1);

    /// <summary>Marks the activity failed with the exception's type only (its message may carry data).</summary>
    public static void Fail(this Activity? activity, Exception e)
    {
        activity?.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
        activity?.SetTag("error.type", e.GetType().FullName);
    }

    /// <summary>A step of a close or recompute, as a child span named pps.phase.{name} (the bench adds these up).</summary>
    public static Activity? Phase(string name) => Source.StartActivity("pps.phase." + name);

    /// <summary>A step that runs beside others: its span ends when <paramref name="work"/> does (its failure is the caller's to observe).</summary>
    public static async Task PhaseAsync(string name, Task work)
    {
        using var phase = Phase(name);
        try
        {
            await work.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            phase.Fail(e);
        }
    }
}
