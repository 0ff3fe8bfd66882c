namespace Pps.Core.Mail;

/// <summary>A mail as composed: plain text, to every contact of one service.</summary>
public sealed record ComposedMail(IReadOnlyList<MailRecipient> To, string Subject, string Body, string Key);

public sealed record MailRecipient(string Name, string Address);

/// <summary>
/// The way out of the app: SMTP (<see cref="SmtpMailSender"/>: maildev locally, Azure Communication Services' relay in
/// Azure). Throws when the mail was not accepted; the outbox then retries it.
/// </summary>
public interface IMailSender
{
    Task SendAsync(ComposedMail mail, CancellationToken ct);
}
