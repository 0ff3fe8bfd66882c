using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Pps.Core.Mail;

/// <summary>
/// Sends through an SMTP server with MailKit, one connection per mail (a mail is an event here, not a batch). The
/// Message-Id is the event's key, so a mail can be traced back to its ledger row (and a mailbox shows a duplicate).
/// </summary>
public sealed class SmtpMailSender(IOptions<MailOptions> options) : IMailSender
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public async Task SendAsync(ComposedMail mail, CancellationToken ct)
    {
        var settings = options.Value;
        if (string.IsNullOrWhiteSpace(settings.SmtpHost))
        {
            throw new MailNotConfiguredException("Mail cannot be sent: Pps__Mail__SmtpHost is not set (see local.settings.sample.json).");
        }
        var message = new MimeMessage { Subject = mail.Subject, MessageId = $"{mail.Key}@pps.nppn", Body = new TextPart("plain") { Text = mail.Body } };
        message.From.Add(new MailboxAddress(settings.FromName, settings.From));
        foreach (var to in mail.To) message.To.Add(new MailboxAddress(to.Name, to.Address));

        using var client = new SmtpClient { Timeout = (int)Timeout.TotalMilliseconds };
        await client.ConnectAsync(settings.SmtpHost, settings.SmtpPort, Security(settings.SmtpSecurity), ct);
        if (!string.IsNullOrEmpty(settings.SmtpUserName))
        {
            await client.AuthenticateAsync(settings.SmtpUserName, settings.SmtpPassword ?? "", ct);
        }
        await client.SendAsync(message, ct);
        await client.DisconnectAsync(quit: true, ct);
    }

    internal static SecureSocketOptions Security(string? setting) => (setting ?? "Auto").Trim().ToLowerInvariant() switch
    {
        "none" => SecureSocketOptions.None,
        "starttls" => SecureSocketOptions.StartTls,
        "sslonconnect" => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.Auto,
    };
}

public sealed class MailNotConfiguredException(string message) : InvalidOperationException(message);
