using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pps.Core.Returns;
using Pps.Core.Storage;
using Pps.Core.Telemetry;
using Pps.Core.Uploads;
using Pps.Core.Catalogue;

namespace Pps.Core.Mail;

public enum DispatchResult
{
    Sent,
    /// <summary>The ledger has this key settled already (a second delivery, a requeue after it went out): nothing sent.</summary>
    AlreadySettled,
    NoRecipients,
    /// <summary>Nothing to send any more: a reminder or chase for a return submitted since.</summary>
    Skipped,
    /// <summary>Not an outbox message: dropped, never retried.</summary>
    Unreadable,
}

/// <summary>A delivery found the key claimed by another delivery that is still within its claim: retried later.</summary>
public sealed class MailBusyException(string key) : Exception($"Mail {key} is being sent by another delivery; trying again later.");

/// <summary>
/// Sends one outbox message: the queue-triggered function's whole work. The ledger row of the message's key is
/// claimed first (so two deliveries of one message never both send), then the service's contacts are read, the mail
/// composed and handed to the <see cref="IMailSender"/>, and the row settled. A send that fails releases nothing: the
/// row says "sending" with the failure, the exception goes back to the host, which delivers the message again after
/// its visibility timeout and, after <see cref="MailOptions.MaxAttempts"/> deliveries, moves it to the poison queue;
/// the last failing delivery records it as dead-lettered and raises the alert.
/// </summary>
public sealed class MailDispatcher(
    MailLedger ledger,
    ContactStore contacts,
    IMailSender sender,
    ReturnStore returns,
    CollectionYearStore years,
    UploadStore uploads,
    CredentialStore credentials,
    ServiceCatalogue catalogue,
    IOptions<MailOptions> options,
    TimeProvider clock,
    ILogger<MailDispatcher> log)
{
    public async Task<DispatchResult> DispatchAsync(string text, long deliveryCount, CancellationToken ct)
    {
        if (OutboxMessage.Parse(text) is not { } message)
        {
            log.LogWarning("{Event}: a message on the outbox is not a mail event; dropped.", PpsTelemetry.MailUnreadableEvent);
            return DispatchResult.Unreadable;
        }
        using var activity = PpsTelemetry.Source.StartActivity("pps.mail.send");
        activity?.SetTag("pps.mail.kind", message.Kind);
        activity?.SetTag("pps.year", message.Year);
        activity?.SetTag("pps.service", message.ServiceId);
        activity?.SetTag("pps.mail.delivery", deliveryCount);
        var settings = options.Value;
        var now = clock.GetUtcNow();
        var read = await ledger.GetAsync(message.Key, ct);
        if (read is { State: MailState.Sent or MailState.NoRecipients or MailState.Skipped })
        {
            log.LogInformation("Mail {Key}: {State} already; this delivery sends nothing.", message.Key, read.State);
            activity?.SetTag("pps.mail.result", "already-settled");
            return DispatchResult.AlreadySettled;
        }
        if (read is { State: MailState.Sending } && now - read.At < settings.ClaimTimeout && read.Error is null) throw new MailBusyException(message.Key);
        var claim = await ledger.TryClaimAsync(message, read, now, ct) ?? throw new MailBusyException(message.Key);
        var deliveries = (read?.Deliveries ?? 0) + 1;

        string? issuedCredential = null;
        try
        {
            var to = (await contacts.ListAsync(message.ServiceId, ct)).Select(c => new MailRecipient(c.Name, c.Email)).ToList();
            if (to.Count == 0)
            {
                await ledger.RecordAsync(message, claim, MailState.NoRecipients, now, deliveries, 0, null, ct);
                log.LogInformation("Mail {Key}: service {Service} has no contacts; nothing sent.", message.Key, message.ServiceId);
                activity?.SetTag("pps.mail.result", "no-recipients");
                return DispatchResult.NoRecipients;
            }
            var composed = await ComposeAsync(message, settings, ct);
            if (composed is null)
            {
                await ledger.RecordAsync(message, claim, MailState.Skipped, now, deliveries, 0, null, ct);
                log.LogInformation("Mail {Key}: nothing to send any more (the return was submitted since).", message.Key);
                activity?.SetTag("pps.mail.result", "skipped");
                return DispatchResult.Skipped;
            }
            var (subject, body, credentialId) = composed.Value;
            issuedCredential = credentialId;
            await sender.SendAsync(new ComposedMail(to, subject, body, message.Key), ct);
            issuedCredential = null; // delivered: the credential is the recipients' now
            await ledger.RecordAsync(message, claim, MailState.Sent, clock.GetUtcNow(), deliveries, to.Count, null, ct);
            PpsTelemetry.MailSent.Add(1, new KeyValuePair<string, object?>("pps.mail.kind", message.Kind));
            log.LogInformation("Mail {Key} ({Kind}) sent to {Recipients} contact(s) of service {Service}.", message.Key, message.Kind, to.Count, message.ServiceId);
            activity?.SetTag("pps.mail.result", "sent");
            return DispatchResult.Sent;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            activity.Fail(e);
            // A link that never reached anyone must not stay valid: its token exists nowhere else.
            if (issuedCredential is not null) await credentials.RevokeAsync(issuedCredential, clock.GetUtcNow(), CancellationToken.None);
            var last = deliveryCount >= settings.MaxAttempts;
            // The exception's type only: an SMTP server's message may quote an address.
            await ledger.RecordAsync(message, claim, last ? MailState.DeadLettered : MailState.Sending, clock.GetUtcNow(), deliveries, 0, e.GetType().Name, CancellationToken.None);
            if (last)
            {
                PpsTelemetry.MailDeadLettered.Add(1, new KeyValuePair<string, object?>("pps.mail.kind", message.Kind));
                log.LogError("{Event}: mail {Key} ({Kind}) failed on delivery {Delivery} of {Max} and goes to the poison queue: {Error}",
                    PpsTelemetry.MailDeadLetteredEvent, message.Key, message.Kind, deliveryCount, settings.MaxAttempts, e.GetType().Name);
            }
            else
            {
                log.LogWarning("Mail {Key} ({Kind}) failed on delivery {Delivery} of {Max}; the queue delivers it again: {Error}",
                    message.Key, message.Kind, deliveryCount, settings.MaxAttempts, e.GetType().Name);
            }
            throw;
        }
    }

    /// <summary>The subject and body, and the credential issued for a sign-in link; null when there is nothing to send any more.</summary>
    private async Task<(string Subject, string Body, string? CredentialId)?> ComposeAsync(OutboxMessage m, MailOptions settings, CancellationToken ct)
    {
        var service = catalogue.NameOf(m.ServiceId);
        switch (m.Kind)
        {
            case MailKinds.Receipt:
            {
                var (subject, body) = MailComposer.Receipt(m, service, settings.SiteUrl);
                return (subject, body, null);
            }
            case MailKinds.UploadResult:
            {
                var report = await uploads.ReadReportAsync(new UploadName(m.Year, m.ServiceId, m.UploadId ?? ""), ct)
                             ?? throw new InvalidOperationException($"Mail {m.Key}: upload {m.UploadId} has no report.");
                var (subject, body) = MailComposer.UploadResult(m, service, report.Report, settings.SiteUrl);
                return (subject, body, null);
            }
            case MailKinds.Reminder or MailKinds.Chase:
            {
                var year = (await years.GetAsync(m.Year, ct))?.Year ?? throw new InvalidOperationException($"Mail {m.Key}: the {m.Year} collection does not exist.");
                var current = (await returns.GetAsync(m.Year, m.ServiceId, ct))?.AsOf(year, clock.GetUtcNow());
                if (current is { IsReturned: true } || year.PublishedAt is not null) return null;
                var (subject, body) = m.Kind == MailKinds.Reminder
                    ? MailComposer.Reminder(m, service, current?.Status, year.ClosesFor(m.ServiceId), settings.SiteUrl)
                    : MailComposer.Chase(m, service, current?.Status, year.ClosesFor(m.ServiceId), settings.SiteUrl);
                return (subject, body, null);
            }
            case MailKinds.SignIn:
            {
                // Issued now, not when NPPN asked: the token then exists only in the mail, never in a queue or a table.
                var issued = await credentials.IssueAsync(m.ServiceId, m.Year, m.RequestedBy ?? Actor.Nppn.Id, clock.GetUtcNow(), m.Label ?? $"Emailed sign-in link ({m.Key})", ct);
                var (subject, body) = MailComposer.SignIn(m, service, issued.Token, settings.SiteUrl);
                return (subject, body, issued.Credential.Id);
            }
            default:
                throw new InvalidOperationException($"Mail {m.Key}: unknown kind {m.Kind}.");
        }
    }
}
