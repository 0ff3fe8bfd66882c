namespace Pps.Core.Mail;

/// <summary>How mail leaves the app ("Pps:Mail" section, "Pps__Mail__SmtpHost" and so on as settings).</summary>
public sealed class MailOptions
{
    public const string SectionName = "Pps:Mail";

    /// <summary>
    /// The SMTP server: maildev locally (scripts/maildev.sh), Azure Communication Services' relay
    /// ("smtp.azurecomm.net", port 587, STARTTLS) in Azure. Empty: nothing can be sent, and each message is retried
    /// and then dead-lettered (a message to a service without contacts needs no server and is settled at once).
    /// </summary>
    public string? SmtpHost { get; set; }
    public int SmtpPort { get; set; } = 25;
    /// <summary>"Auto" (STARTTLS when the server offers it), "None", "StartTls" or "SslOnConnect".</summary>
    public string SmtpSecurity { get; set; } = "Auto";
    /// <summary>Only for a server that asks for a login (ACS: "resource|app id|tenant id" of an Entra app allowed to send).</summary>
    public string? SmtpUserName { get; set; }
    public string? SmtpPassword { get; set; }

    /// <summary>The sender: in Azure an address of the Communication Services email domain ("DoNotReply@...").</summary>
    public string From { get; set; } = "pps-returns@nppn.localhost";
    public string FromName { get; set; } = "NPPN national returns";

    /// <summary>The site's public address ("https://.../"): links in mail point at its form.html.</summary>
    public string SiteUrl { get; set; } = "http://localhost:7071/";

    /// <summary>
    /// Deliveries of one message before it goes to the poison queue: the Functions host's queues.maxDequeueCount in
    /// host.json (a test holds the two equal); the last failing one raises the dead-letter alert.
    /// </summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>
    /// How long a delivery that is sending a message keeps others from sending it: a second delivery of the same
    /// message waits this long before it takes over (the first may have died between sending and recording it).
    /// </summary>
    public TimeSpan ClaimTimeout { get; set; } = TimeSpan.FromMinutes(5);
}
