using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pps.Core.Mail;

/// <summary>What a mail is about.</summary>
public static class MailKinds
{
    /// <summary>A return was submitted (form, workbook or CSV): to the service's contacts.</summary>
    public const string Receipt = "receipt";
    /// <summary>A workbook upload was checked: accepted, or its problems.</summary>
    public const string UploadResult = "upload-result";
    /// <summary>The closing date is near and the service has not submitted: sent by the reminder timer.</summary>
    public const string Reminder = "reminder";
    /// <summary>NPPN chases a service from its chase list.</summary>
    public const string Chase = "chase";
    /// <summary>A new credential for the service, mailed as a link to the form.</summary>
    public const string SignIn = "sign-in";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Receipt, UploadResult, Reminder, Chase, SignIn };
}

/// <summary>
/// One mail event on the outbox queue. It names the event, never a recipient: the addresses are read from the
/// contacts table when the mail is sent, so that no address rests in a queue, a poison queue or a log. <see cref="Key"/>
/// is the event's idempotency key: the ledger sends each key once however often the message is delivered.
/// </summary>
/// <param name="Kind">One of <see cref="MailKinds"/>.</param>
/// <param name="Key">Unique per event ("receipt-2014-012-r7"): at most 200 characters, no '/', '\\', '#' or '?'.</param>
/// <param name="Revision">The return's revision a receipt is for.</param>
/// <param name="UploadId">The workbook upload whose result is mailed.</param>
/// <param name="Note">NPPN's own words in a chase (free text: kept out of logs).</param>
/// <param name="Label">NPPN's label for an emailed credential.</param>
/// <param name="RequestedBy">Who asked for the mail, as the audit names people ("nppn:Jane Smith"): an emailed credential is issued by them.</param>
public sealed record OutboxMessage(
    string Kind,
    string Key,
    int Year,
    int ServiceId,
    DateTimeOffset At,
    int? Revision = null,
    string? UploadId = null,
    string? Note = null,
    string? Label = null,
    int? DaysBefore = null,
    string? RequestedBy = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The message, or null when the text is not one (a poison message to be dropped, not retried).</summary>
    public static OutboxMessage? Parse(string text)
    {
        try
        {
            var message = JsonSerializer.Deserialize<OutboxMessage>(text, Json);
            return message is { Kind: { } kind, Key: { Length: > 0 and <= 200 } key } && MailKinds.All.Contains(kind) && key.IndexOfAny(['/', '\\', '#', '?']) < 0
                ? message
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string ReceiptKey(int year, int serviceId, int revision) => $"receipt-{year:0000}-{serviceId:000}-r{revision}";
    public static string UploadKey(string uploadId) => $"upload-{uploadId}";
    public static string ReminderKey(int year, int serviceId, int daysBefore) => $"reminder-{year:0000}-{serviceId:000}-d{daysBefore}";
    public static string ChaseKey(int year, int serviceId, string batch) => $"chase-{year:0000}-{serviceId:000}-{batch}";
    public static string SignInKey(int year, int serviceId, string batch) => $"sign-in-{year:0000}-{serviceId:000}-{batch}";
}
