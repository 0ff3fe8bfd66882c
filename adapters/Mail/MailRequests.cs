using System.Globalization;
using Azure.Data.Tables;
using Pps.Core.Catalogue;
using Pps.Core.Definition;
using Pps.Core.Returns;
using Pps.Core.Storage;
using Pps.Core.Validation;

namespace Pps.Core.Mail;

/// <summary>What NPPN asked to be mailed: the keys queued, and the services that have no contact to mail.</summary>
public sealed record MailRequestResult(string Batch, IReadOnlyList<string> Queued, IReadOnlyList<int> WithoutContacts);

/// <summary>What became of a mail request: queued, or refused with the problems by field.</summary>
public abstract record MailRequestOutcome
{
    public sealed record Queued(MailRequestResult Result) : MailRequestOutcome;
    public sealed record Invalid(IReadOnlyList<ValidationIssue> Problems, string Summary) : MailRequestOutcome;
    public sealed record NotFound(string Message) : MailRequestOutcome;
    public sealed record Refused(string Message) : MailRequestOutcome;
}

/// <summary>
/// The mail NPPN sends on purpose: chase emails from its chase list, sign-in links (a new credential per service,
/// mailed as a link to the form), and each year's reminder schedule. Each request puts one message per service on
/// the outbox under a key of its own batch, so a request is sent once however the queue delivers it.
/// </summary>
public sealed class MailRequests(MailOutbox outbox, ContactStore contacts, CollectionYearStore years, PpsStorage storage, ServiceCatalogue catalogue, TimeProvider clock)
{
    /// <summary>NPPN's note in a chase: a few sentences.</summary>
    public const int MaxNoteLength = 2000;
    public const int MaxLabelLength = 200;

    /// <summary>Days before the close that reminders go out when NPPN has set none for the year.</summary>
    public static readonly IReadOnlyList<int> DefaultReminderDaysBefore = [14, 7, 1];

    public Task<MailRequestOutcome> ChaseAsync(int year, IReadOnlyList<int>? serviceIds, string? note, CancellationToken ct) =>
        QueueAsync(year, serviceIds, MailKinds.Chase, note, null, requireOpen: true, ct);

    /// <summary>A sign-in link for each service named (every service of the year when none is): each its own new credential.</summary>
    /// <summary>Mails each service (or those named) a sign-in link; the credential in it is issued in <paramref name="requestedBy"/>'s name.</summary>
    public Task<MailRequestOutcome> SignInLinksAsync(int year, IReadOnlyList<int>? serviceIds, string? label, Actor requestedBy, CancellationToken ct) =>
        QueueAsync(year, serviceIds, MailKinds.SignIn, null, label, requireOpen: false, ct, requestedBy);

    private async Task<MailRequestOutcome> QueueAsync(
        int year, IReadOnlyList<int>? serviceIds, string kind, string? note, string? label, bool requireOpen, CancellationToken ct, Actor? requestedBy = null)
    {
        var problems = new List<ValidationIssue>();
        var unknown = serviceIds?.Where(id => !catalogue.IsKnown(id)).ToList() ?? [];
        if (unknown.Count > 0) problems.Add(ValidationIssue.Error("serviceIds", "unknown", $"Not services in the register: {string.Join(", ", unknown)}."));
        if (serviceIds is { Count: 0 }) problems.Add(ValidationIssue.Error("serviceIds", "empty", "Name at least one service, or leave serviceIds out for every service of the year."));
        if (note is not null && FreeText.Problem(note, MaxNoteLength) is { } noteProblem) problems.Add(ValidationIssue.Error("note", "invalid", $"Note: {noteProblem}."));
        if (label is not null && FreeText.Problem(label, MaxLabelLength) is { } labelProblem) problems.Add(ValidationIssue.Error("label", "invalid", $"Label: {labelProblem}."));
        if (problems.Count > 0) return new MailRequestOutcome.Invalid(problems, "Nothing was sent.");

        if ((await years.GetAsync(year, ct))?.Year is not { } found) return new MailRequestOutcome.NotFound($"The {year} collection has not been set up.");
        var now = clock.GetUtcNow();
        if (found.PublishedAt is not null) return new MailRequestOutcome.Refused($"The {year} figures are published: there is nothing to send for it any more.");
        if (requireOpen && found.StateAt(now) != CollectionState.Open && !found.Extensions.Keys.Any(id => found.AcceptsServiceWritesAt(id, now)))
        {
            return new MailRequestOutcome.Refused($"The {year} collection is not open, so no service can send its return now; chase when it is.");
        }
        var targets = (serviceIds ?? catalogue.ExistingIn(year).Select(s => s.Id).ToList()).Distinct().Order().ToList();
        var batch = $"{now.UtcDateTime:yyyyMMddTHHmmss}-{Guid.NewGuid().ToString("N")[..8]}";
        var queued = new List<string>();
        var withoutContacts = new List<int>();
        foreach (var serviceId in targets)
        {
            if ((await contacts.ListAsync(serviceId, ct)).Count == 0)
            {
                withoutContacts.Add(serviceId);
                continue;
            }
            var key = kind == MailKinds.Chase ? OutboxMessage.ChaseKey(year, serviceId, batch) : OutboxMessage.SignInKey(year, serviceId, batch);
            await outbox.EnqueueAsync(new OutboxMessage(kind, key, year, serviceId, now, Note: note, Label: label, RequestedBy: requestedBy?.Id), ct);
            queued.Add(key);
        }
        return new MailRequestOutcome.Queued(new MailRequestResult(batch, queued, withoutContacts));
    }

    /// <summary>The year's reminder schedule: days before its closing date, largest first (the default when NPPN set none).</summary>
    public async Task<IReadOnlyList<int>> ReminderScheduleAsync(int year, CancellationToken ct)
    {
        var found = await storage.Mail.GetEntityIfExistsAsync<TableEntity>("settings", Keys.Year(year), cancellationToken: ct);
        return found.HasValue && found.Value!.GetString("ReminderDaysBefore") is { } days
            ? days.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(d => int.Parse(d, CultureInfo.InvariantCulture)).ToList()
            : DefaultReminderDaysBefore;
    }

    public async Task<MailRequestOutcome?> SetReminderScheduleAsync(int year, IReadOnlyList<int>? daysBefore, CancellationToken ct)
    {
        if (daysBefore is null || daysBefore.Count > 10 || daysBefore.Any(d => d is < 0 or > 120) || daysBefore.Distinct().Count() != daysBefore.Count)
        {
            return new MailRequestOutcome.Invalid([ValidationIssue.Error("daysBefore", "range",
                "Give at most 10 different whole numbers of days before the closing date, each from 0 to 120, such as [14, 7, 1]; [] sends no reminders.")], "The schedule was not changed.");
        }
        if (await years.GetAsync(year, ct) is null) return new MailRequestOutcome.NotFound($"The {year} collection has not been set up.");
        await storage.Mail.UpsertEntityAsync(new TableEntity("settings", Keys.Year(year))
        {
            ["ReminderDaysBefore"] = string.Join(",", daysBefore.OrderDescending().Select(d => d.ToString(CultureInfo.InvariantCulture))),
        }, TableUpdateMode.Replace, ct);
        return null;
    }
}
