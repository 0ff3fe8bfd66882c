using System.Globalization;
using System.Text;
using Pps.Core.Catalogue;
using Pps.Core.Returns;
using Pps.Core.Uploads;

namespace Pps.Core.Mail;

/// <summary>
/// The words of each mail, in plain text. Pure: whatever it needs (the service, the year, the report, a token) is
/// read by the dispatcher and handed in. A mail names the service and the year, never another service's data,
/// and never an answer of the return (a receipt says what was received and when, not what it said).
/// </summary>
public static class MailComposer
{
    /// <summary>Problems listed in an upload's result mail at most; the rest are in the report online.</summary>
    public const int MaxProblemsListed = 30;

    public static (string Subject, string Body) Receipt(OutboxMessage m, string service, string siteUrl) => (
        $"{m.Year} PPS return received from {service}",
        Lines(
            $"NPPN has received {service}'s {m.Year} return (revision {m.Revision}), submitted on {When(m.At)}.",
            "",
            "You do not need to do anything more. If the return needs changing, ask NPPN to reopen it.",
            $"You can read the return at {Form(siteUrl)}.",
            Footer(m)));

    public static (string Subject, string Body) UploadResult(OutboxMessage m, string service, ValidationReport report, string siteUrl)
    {
        var text = new StringBuilder();
        text.AppendLine(report.Status switch
        {
            UploadStatus.Accepted => $"The workbook {service} uploaded for its {m.Year} return was accepted" +
                                     (report.Action == "submit" ? " and the return submitted." : " and saved as a draft."),
            UploadStatus.Rejected => $"The workbook {service} uploaded for its {m.Year} return was not accepted; nothing was changed.",
            _ => $"The workbook {service} uploaded for its {m.Year} return could not be checked; nothing was changed.",
        });
        text.AppendLine().AppendLine(report.Summary);
        if (report.Problems.Count > 0)
        {
            text.AppendLine().AppendLine("Problems to correct:");
            foreach (var p in report.Problems.Take(MaxProblemsListed))
            {
                text.Append("- ").Append(p.Sheet is null ? "" : $"{p.Sheet}!{p.Cell}: ").AppendLine(p.Message);
            }
            if (report.Problems.Count > MaxProblemsListed) text.AppendLine($"... and {report.Problems.Count - MaxProblemsListed} more: see the report online.");
        }
        if (report.ToSubmit.Count > 0)
        {
            text.AppendLine().AppendLine("Saved as a draft; still to do before you can submit:");
            foreach (var p in report.ToSubmit.Take(MaxProblemsListed))
            {
                text.Append("- ").Append(p.Sheet is null ? "" : $"{p.Sheet}!{p.Cell}: ").AppendLine(p.Message);
            }
            if (report.ToSubmit.Count > MaxProblemsListed) text.AppendLine($"... and {report.ToSubmit.Count - MaxProblemsListed} more: see the report online.");
        }
        var unconfirmed = report.Warnings.Count(w => !w.Message.EndsWith("Confirmed on the Checks sheet.", StringComparison.Ordinal));
        if (unconfirmed > 0) text.AppendLine().AppendLine($"{unconfirmed} change(s) against last year still to confirm on the Checks sheet before submitting.");
        text.AppendLine().AppendLine($"Upload {report.UploadId}; the full report is at {Form(siteUrl)}.");
        var subject = report.Status == UploadStatus.Accepted
            ? $"{m.Year} PPS return: your workbook was accepted"
            : $"{m.Year} PPS return: your workbook was not accepted";
        return (subject, Lines(text.ToString().TrimEnd(), Footer(m)));
    }

    public static (string Subject, string Body) Reminder(OutboxMessage m, string service, ReturnStatus? status, DateTimeOffset closes, string siteUrl) => (
        $"{m.Year} PPS return: closes on {Day(closes)}",
        Lines(
            $"The {m.Year} national return closes on {When(closes)}, and {service}'s return has not been submitted yet" +
            (status == ReturnStatus.Draft ? " (a draft is saved)." : " (it has not been started)."),
            "",
            $"Fill it in and submit it at {Form(siteUrl)}, with the sign-in link or token NPPN sent you. If you have lost it, ask NPPN for a new one.",
            Footer(m)));

    public static (string Subject, string Body) Chase(OutboxMessage m, string service, ReturnStatus? status, DateTimeOffset closes, string siteUrl) => (
        $"{m.Year} PPS return: NPPN is waiting for {service}'s return",
        Lines(
            $"NPPN has not yet received {service}'s {m.Year} return" + (status == ReturnStatus.Draft ? " (a draft is saved)" : "") +
            $"; the collection closes for your service on {When(closes)}.",
            string.IsNullOrWhiteSpace(m.Note) ? "" : $"\nA note from NPPN:\n{m.Note.Trim()}\n",
            $"Fill it in and submit it at {Form(siteUrl)}.",
            Footer(m)));

    public static (string Subject, string Body) SignIn(OutboxMessage m, string service, string token, string siteUrl) => (
        $"{m.Year} PPS return: your sign-in link for {service}",
        Lines(
            $"NPPN has given {service} access to its {m.Year} national return. Open this link to sign in to the form:",
            "",
            SignInLink(siteUrl, token),
            "",
            "The link holds your service's access token: keep it to yourselves and do not forward it. The form removes it from the " +
            "address bar once read and keeps it only until the browser is closed; open the link again to sign in again. " +
            "If it reaches the wrong person, ask NPPN to revoke it.",
            Footer(m)));

    /// <summary>
    /// The form's sign-in link: the token in the fragment (never sent to a server, so not in any access log), which
    /// site/src/js/pages/form.js reads and removes from the address bar.
    /// </summary>
    public static string SignInLink(string siteUrl, string token) => $"{Form(siteUrl)}#token={Uri.EscapeDataString(token)}";

    private static string Form(string siteUrl) => siteUrl.TrimEnd('/') + "/form.html";

    private static string Footer(OutboxMessage m) =>
        $"\n--\nNPPN national returns. This mail was sent to the contacts NPPN holds for the service; to change them, write to NPPN.\nReference: {m.Key}";

    private static string Lines(params string[] lines) => string.Join("\n", lines);

    private static string When(DateTimeOffset at) => at.UtcDateTime.ToString("d MMMM yyyy 'at' HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);
}
