using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;

namespace Pps.Tests.Support;

/// <summary>
/// The development mail server scripts/test.sh starts (scripts/maildev.sh: MAILDEV_SMTP_PORT, MAILDEV_URL), read
/// back through its REST API (GET /api/email). Tests share it: each filters the mailbox by recipient addresses of
/// its own (<see cref="NewAddress"/>), never by emptying it.
/// </summary>
public static class Maildev
{
    private static readonly HttpClient Http = new();

    public static int SmtpPort => int.Parse(Environment.GetEnvironmentVariable("MAILDEV_SMTP_PORT")
        ?? throw new InvalidOperationException("MAILDEV_SMTP_PORT is not set: run the tests with scripts/test.sh, which starts maildev and sets it."), System.Globalization.CultureInfo.InvariantCulture);

    public static Uri Url => new(Environment.GetEnvironmentVariable("MAILDEV_URL")
        ?? throw new InvalidOperationException("MAILDEV_URL is not set: run the tests with scripts/test.sh, which starts maildev and sets it."));

    /// <summary>The app's mail settings for this maildev (plain SMTP on loopback).</summary>
    public static Dictionary<string, string> Settings(int? port = null) => new()
    {
        ["Pps:Mail:SmtpHost"] = "127.0.0.1",
        ["Pps:Mail:SmtpPort"] = (port ?? SmtpPort).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Pps:Mail:SmtpSecurity"] = "None",
        ["Pps:Mail:SiteUrl"] = "http://127.0.0.1:7071/",
    };

    public static string NewAddress(string who = "officer") => $"{who}-{Guid.NewGuid():N}@pps-test.example.org";

    /// <summary>Every mail in the mailbox with one of the given recipients.</summary>
    public static Task<IReadOnlyList<JsonElement>> MailsToAsync(params string[] addresses) => MailsToAsync(Url, addresses);

    /// <summary>Every mail in the given maildev's mailbox with one of the given recipients.</summary>
    public static async Task<IReadOnlyList<JsonElement>> MailsToAsync(Uri mailbox, params string[] addresses)
    {
        using var document = JsonDocument.Parse(await Http.GetStringAsync(new Uri(mailbox, "api/email")));
        return document.RootElement.EnumerateArray()
            .Where(mail => Recipients(mail).Any(addresses.Contains))
            .Select(mail => mail.Clone()).ToList();
    }

    /// <summary>Waits (30 s at most) until the mailbox holds at least <paramref name="count"/> mails matching, and returns those.</summary>
    public static async Task<IReadOnlyList<JsonElement>> WaitForAsync(string address, int count = 1, Func<JsonElement, bool>? where = null, Uri? mailbox = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var mails = (await MailsToAsync(mailbox ?? Url, address)).Where(m => where?.Invoke(m) ?? true).ToList();
            if (mails.Count >= count || DateTime.UtcNow > deadline) return mails;
            await Task.Delay(200);
        }
    }

    public static IEnumerable<string> Recipients(JsonElement mail) =>
        mail.GetProperty("envelope").GetProperty("to").EnumerateArray().Select(t => t.GetProperty("address").GetString()!);

    public static string Subject(JsonElement mail) => mail.GetProperty("subject").GetString()!;

    public static string Text(JsonElement mail) => mail.GetProperty("text").GetString()!;

    public static string MessageId(JsonElement mail) => mail.GetProperty("headers").GetProperty("message-id").GetString()!;

    /// <summary>A second maildev of the test's own on a given SMTP port: a mail server that "comes back".</summary>
    public static async Task<(Process Server, Uri Mailbox)> StartAnotherAsync(int smtpPort)
    {
        var web = FreePort();
        var start = new ProcessStartInfo(RepoFiles.At("tools", "maildev", "node_modules", ".bin", "maildev"),
            ["--ip", "127.0.0.1", "--smtp", smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--web-ip", "127.0.0.1", "--web", web.ToString(System.Globalization.CultureInfo.InvariantCulture), "--silent"])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        var process = Process.Start(start)!;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", smtpPort);
                await WebUpAsync(web, deadline);
                return (process, new Uri($"http://127.0.0.1:{web}/"));
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(200);
            }
        }
    }

    private static async Task WebUpAsync(int port, DateTime deadline)
    {
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }

    /// <summary>A loopback port nothing listens on (now).</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
