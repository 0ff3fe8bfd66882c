using Azure;
using Azure.Data.Tables;
using Pps.Core.Storage;

namespace Pps.Core.Mail;

public enum MailState
{
    /// <summary>A delivery is sending it now (or died doing so: after <see cref="MailOptions.ClaimTimeout"/> another takes over).</summary>
    Sending,
    /// <summary>The SMTP server accepted it.</summary>
    Sent,
    /// <summary>The service has no contacts: nothing to send, nothing to retry.</summary>
    NoRecipients,
    /// <summary>The last delivery failed and the message went to the poison queue; a requeue may still send it.</summary>
    DeadLettered,
    /// <summary>Nothing to send any more (a reminder for a return submitted since, a sign-in link for a service gone).</summary>
    Skipped,
}

/// <summary>One event's row in the ledger: what became of it, when, after how many deliveries. No address, no text.</summary>
public sealed record MailEntry(string Key, string Kind, int Year, int ServiceId, MailState State, DateTimeOffset At, int Deliveries, int Recipients, string? Error, string ETag);

/// <summary>
/// The mail table: a row per event key (partition "mail"; reminder schedule points in partition "reminder"). It
/// is what makes a message that is delivered twice, or requeued from the poison queue, send at most one mail: a
/// delivery claims the key (an insert, or a replace at the ETag it read) before sending and records the result after.
/// </summary>
public sealed class MailLedger(PpsStorage storage)
{
    private const string Partition = "mail";
    private const string ReminderPartition = "reminder";

    public async Task<MailEntry?> GetAsync(string key, CancellationToken ct = default)
    {
        var found = await storage.Mail.GetEntityIfExistsAsync<TableEntity>(Partition, key, cancellationToken: ct);
        return found.HasValue ? FromEntity(found.Value!) : null;
    }

    /// <summary>Claims the key for a delivery: the new ETag, or null when another delivery claimed or changed it first.</summary>
    public async Task<string?> TryClaimAsync(OutboxMessage message, MailEntry? read, DateTimeOffset now, CancellationToken ct = default)
    {
        // Checked before anything is sent: Azure refuses an entity past its limits (a key over 1 KiB, say), Azurite does not.
        var entity = Fitting(Entity(message, MailState.Sending, now, (read?.Deliveries ?? 0) + 1, 0, null));
        try
        {
            var response = read is null
                ? await storage.Mail.AddEntityAsync(entity, ct)
                : await storage.Mail.UpdateEntityAsync(entity, new ETag(read.ETag), TableUpdateMode.Replace, ct);
            return response.Headers.ETag?.ToString();
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return null;
        }
    }

    /// <summary>Records what became of a claimed key. The claim's ETag makes sure only the claiming delivery records it.</summary>
    public async Task RecordAsync(OutboxMessage message, string claim, MailState state, DateTimeOffset now, int deliveries, int recipients, string? error, CancellationToken ct = default) =>
        await storage.Mail.UpdateEntityAsync(Fitting(Entity(message, state, now, deliveries, recipients, error)), new ETag(claim), TableUpdateMode.Replace, ct);

    /// <summary>Every row of a year, for NPPN's view of what was sent (keys, states and counts; no addresses).</summary>
    public async Task<IReadOnlyList<MailEntry>> ListAsync(int year, CancellationToken ct = default)
    {
        var list = new List<MailEntry>();
        await foreach (var e in storage.Mail.QueryAsync<TableEntity>(x => x.PartitionKey == Partition && x.GetInt32("Year") == year, cancellationToken: ct))
        {
            list.Add(FromEntity(e));
        }
        return list.OrderBy(e => e.At).ToList();
    }

    /// <summary>Whether the reminders of one schedule point (a year, so many days before its close) were queued already.</summary>
    public async Task<bool> ReminderPointQueuedAsync(int year, int daysBefore, CancellationToken ct = default) =>
        (await storage.Mail.GetEntityIfExistsAsync<TableEntity>(ReminderPartition, ReminderPoint(year, daysBefore), cancellationToken: ct)).HasValue;

    public async Task MarkReminderPointQueuedAsync(int year, int daysBefore, int queued, DateTimeOffset now, CancellationToken ct = default) =>
        await storage.Mail.UpsertEntityAsync(Fitting(new TableEntity(ReminderPartition, ReminderPoint(year, daysBefore))
        {
            ["Year"] = year, ["DaysBefore"] = daysBefore, ["Queued"] = queued, ["At"] = now,
        }), TableUpdateMode.Replace, ct);

    /// <summary>The entity, once checked against Table storage's limits (<see cref="TableLimits.EnsureFits(TableEntity)"/>).</summary>
    private static TableEntity Fitting(TableEntity entity)
    {
        TableLimits.EnsureFits(entity);
        return entity;
    }

    private static string ReminderPoint(int year, int daysBefore) => $"{year:0000}-d{daysBefore:000}";

    private static TableEntity Entity(OutboxMessage m, MailState state, DateTimeOffset now, int deliveries, int recipients, string? error) =>
        new(Partition, m.Key)
        {
            ["Kind"] = m.Kind, ["Year"] = m.Year, ["ServiceId"] = m.ServiceId, ["State"] = state.ToString(), ["At"] = now,
            ["Deliveries"] = deliveries, ["Recipients"] = recipients, ["Error"] = error,
        };

    private static MailEntry FromEntity(TableEntity e) => new(
        e.RowKey, e.GetString("Kind") ?? "", e.GetInt32("Year") ?? 0, e.GetInt32("ServiceId") ?? 0,
        Enum.TryParse<MailState>(e.GetString("State"), out var state) ? state : MailState.Sending,
        e.GetDateTimeOffset("At") ?? default, e.GetInt32("Deliveries") ?? 0, e.GetInt32("Recipients") ?? 0, e.GetString("Error"), e.ETag.ToString());
}
