using Azure;
using Azure.Data.Tables;
using Pps.Core.Aggregation;
using Pps.Core.Definition;
using Pps.Core.Returns;

namespace Pps.Core.Storage;

/// <summary>A year's returns for the national recompute: how many are stored, and the returned ones' answers.</summary>
public sealed record YearOfReturns(int Year, int Stored, IReadOnlyList<ReturnRecord> Returned);

/// <summary>A stored change to a return: who, when, why, and which fields went from what to what.</summary>
public sealed record AuditEntry(
    int ServiceId,
    int Year,
    int Revision,
    DateTimeOffset At,
    string By,
    string Action,
    string? Reason,
    ReturnStatus Status,
    IReadOnlyList<FieldChange> Changes,
    ReturnValues Values,
    string? Source = null)
{
    /// <summary>The audit entry of the revision a stored return is at, from what it carries of its last change.</summary>
    public static AuditEntry? Of(ServiceReturn r) => r.Audit is not { } audit
        ? null
        : new AuditEntry(r.ServiceId, r.Year, r.Revision, r.UpdatedAt, r.UpdatedBy, audit.Action, audit.Reason, r.Status, audit.Changes, r.Values, audit.Source);
}

/// <summary>
/// Returns in the Returns table: one entity per service per year (partition = year, row = service id), the
/// answers in one JSON property. Every write is conditional on the ETag the writer read.
/// <para>
/// The audit trail is never lost: a return and its audit row are in different tables, so they cannot be
/// written atomically; instead the return entity carries the audit of its own revision (action, reason, field
/// changes) and the audit row is only ever written from a stored return. So an audit row never describes a
/// change that did not commit, and a change that committed but whose audit row was not written (the process
/// died between the two writes, or the second write failed) still has its audit: the next write of the
/// return writes it before replacing the return, and reading the history writes it too.
/// </para>
/// </summary>
public sealed class ReturnStore(PpsStorage storage, WriteFaults? faults = null, TimeProvider? clock = null)
{
    private readonly WriteFaults _faults = faults ?? WriteFaults.None;

    /// <summary>
    /// How long <see cref="GetRecentAsync"/> keeps a return: the longest a change made through another instance takes to
    /// reach this one. Meant for last year's return beside a save (its year-on-year checks), which changes rarely.
    /// </summary>
    public static readonly TimeSpan CacheTimeToLive = TimeSpan.FromSeconds(30);

    private readonly RecentCache<(int Year, int ServiceId), ServiceReturn?> _recent = new(CacheTimeToLive, clock ?? TimeProvider.System);

    /// <summary>
    /// The latest revision of each return whose audit row this process has seen written (by itself, or found there),
    /// so the next write of the same return can skip re-writing it. A fresh process, or another instance, knows
    /// nothing and writes it again (an insert that finds it there does nothing): correct either way, just slower.
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _audited = new(StringComparer.Ordinal);

    /// <summary>
    /// The revision of each return this process stored last, with its ETag (see <see cref="GetForWriteAsync"/>). Bounded:
    /// past 10,000 returns it starts again empty.
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(int Year, int ServiceId), ServiceReturn> _written = new();

    /// <summary>
    /// The return a writer is about to replace, for a write conditional on <paramref name="ifMatch"/>: when that is the ETag of
    /// the revision this process stored last, that revision as it stored it (<c>Remembered</c>), without reading it again;
    /// otherwise as read from storage. Safe because the write that follows is conditional on the same ETag: if anyone has
    /// written the return since (through another instance, say), it fails with a conflict and the caller reads it then.
    /// A caller that refuses the change for what the remembered revision says should read again before it answers
    /// (<see cref="GetAsync"/>): the return may have changed since.
    /// </summary>
    public async Task<(ServiceReturn? Return, bool Remembered)> GetForWriteAsync(int year, int serviceId, string? ifMatch, CancellationToken ct = default)
    {
        if (ifMatch is not null && _written.TryGetValue((year, serviceId), out var known) && known.ETag == ifMatch) return (known, true);
        return (await GetAsync(year, serviceId, ct), false);
    }

    public async Task<ServiceReturn?> GetAsync(int year, int serviceId, CancellationToken ct = default)
    {
        var response = await storage.Returns.GetEntityIfExistsAsync<TableEntity>(Keys.Year(year), Keys.Service(serviceId), cancellationToken: ct);
        return response.HasValue ? FromEntity(response.Value!) : null;
    }

    /// <summary>
    /// The return as read at most <see cref="CacheTimeToLive"/> ago (none found is kept too); a write through this store
    /// forgets it at once. For last year's return beside a save, never for a return about to be written (its ETag may be old).
    /// </summary>
    public Task<ServiceReturn?> GetRecentAsync(int year, int serviceId, CancellationToken ct = default) =>
        _recent.GetOrReadAsync((year, serviceId), ct => GetAsync(year, serviceId, ct), _ => true, ct);

    public async Task<IReadOnlyList<ServiceReturn>> ListYearAsync(int year, CancellationToken ct = default)
    {
        var list = new List<ServiceReturn>();
        await foreach (var entity in storage.Returns.QueryAsync<TableEntity>(e => e.PartitionKey == Keys.Year(year), cancellationToken: ct))
        {
            list.Add(FromEntity(entity));
        }
        return list;
    }

    /// <summary>
    /// A year's returns as the national recompute needs them: how many are stored (drafts too), and the answers of
    /// those returned (submitted or locked), mapped straight from each entity as it arrives: no audit, no metadata,
    /// the answers packed (<see cref="PackedReturnValues"/>) as the close holds five years of them at once.
    /// Only the answers of the year's definition and the status are asked for, when the year has a definition.
    /// </summary>
    public async Task<YearOfReturns> ListForAggregationAsync(int year, CancellationToken ct = default)
    {
        var stored = 0;
        var returned = new List<ReturnRecord>();
        var packed = new PackedReturnValues.Reader();
        await foreach (var entity in QueryForAggregationAsync(year, ct))
        {
            stored++;
            if (!ServiceReturn.Returned(StatusOf(entity), entity.GetDateTimeOffset("SubmittedAt"))) continue;
            var values = StoredJson.ReadLong(entity, ValuesProperty) is { } json ? packed.FromJson(json) : ReturnValues.Empty;
            returned.Add(new ReturnRecord(Keys.Parse(entity.RowKey), year, values));
        }
        return new YearOfReturns(year, stored, returned);
    }

    private static ReturnStatus StatusOf(TableEntity entity) => Enum.Parse<ReturnStatus>(entity.GetString("Status"));

    /// <summary>
    /// The entities <see cref="ListForAggregationAsync"/> reads, undecoded: what reading a year costs before any of it
    /// is understood (a measurement's floor reads this).
    /// </summary>
    public IAsyncEnumerable<TableEntity> QueryForAggregationAsync(int year, CancellationToken ct)
    {
        // The answers, however long (ValuesProperty and its continuations): a property an entity lacks simply does not come back.
        var select = new List<string> { "RowKey", "Status", "SubmittedAt", ValuesProperty };
        select.AddRange(Enumerable.Range(1, MaxValuesContinuations).Select(i => $"{ValuesProperty}_{i}"));
        return storage.Returns.QueryAsync<TableEntity>(e => e.PartitionKey == Keys.Year(year), select: select, cancellationToken: ct);
    }

    /// <summary>
    /// Stores a new revision of a return. <paramref name="previous"/> is the version the writer read (null
    /// when it found none); the write succeeds only if that is still the stored version. Once the return is
    /// stored the change has happened: a failure to write its audit row afterwards is not the caller's failure
    /// (the row is written later from the return, see the class remarks).
    /// </summary>
    /// <exception cref="ConcurrencyConflictException">Someone else stored a change first; carries the current return.</exception>
    public Task<ServiceReturn> SaveAsync(
        ServiceReturn updated, ServiceReturn? previous, string actor, string action, string? reason = null, CancellationToken ct = default) =>
        SaveAsync(updated, previous, actor, action, reason, null, ct);

    /// <param name="source">What made the change (an upload, a batch), kept in the audit beside NPPN's <paramref name="reason"/>.</param>
    /// <exception cref="ConcurrencyConflictException">Someone else stored a change first; carries the current return.</exception>
    public async Task<ServiceReturn> SaveAsync(
        ServiceReturn updated, ServiceReturn? previous, string actor, string action, string? reason, string? source, CancellationToken ct = default)
    {
        // The revision read is about to be replaced, and with it the audit it carries: make sure its row exists first.
        if (previous is not null) await WriteAuditRowAsync(previous, ct);

        var changes = ReturnValues.Diff(previous?.Values ?? ReturnValues.Empty, updated.Values).ToList();
        var stored = updated with
        {
            Revision = (previous?.Revision ?? 0) + 1, UpdatedBy = actor, ETag = null, Audit = new RevisionAudit(action, reason, changes) { Source = source },
        };
        var entity = ToEntity(stored);
        // This write's own mark: when the SDK's retry of it finds its condition failed, the mark tells whether the write
        // it retried was applied (its answer lost on the way back) or someone else's was.
        var writeId = Guid.NewGuid().ToString("N");
        entity[WriteIdProperty] = writeId;
        TableLimits.EnsureFits(entity); // before anything is written: Azure would refuse it, Azurite would not
        string? etag;
        _recent.Remove((updated.Year, updated.ServiceId));
        try
        {
            var response = previous?.ETag is null
                ? await storage.Returns.AddEntityAsync(entity, ct)
                : await storage.Returns.UpdateEntityAsync(entity, new ETag(previous.ETag), TableUpdateMode.Replace, ct);
            etag = response.Headers.ETag?.ToString();
        }
        catch (RequestFailedException e) when (PpsStorage.IsConflict(e))
        {
            _written.TryRemove((updated.Year, updated.ServiceId), out _);
            var found = await storage.Returns.GetEntityIfExistsAsync<TableEntity>(Keys.Year(updated.Year), Keys.Service(updated.ServiceId), cancellationToken: ct);
            var current = found.HasValue ? found.Value! : null;
            if (current?.GetString(WriteIdProperty) != writeId)
            {
                throw new ConcurrencyConflictException(
                    $"The return of service {updated.ServiceId} for {updated.Year} was changed by someone else (now at revision {current?.GetInt32("Revision") ?? 0}). Reload it and apply your change again.",
                    current is null ? null : FromEntity(current), e);
            }
            // A connection lost after storage applied the write, and the SDK sent it again: the second attempt found the
            // first one's revision. The change is stored, once: carry on as if the first answer had arrived.
            etag = current.ETag.ToString();
        }
        finally
        {
            _recent.Remove((updated.Year, updated.ServiceId));
        }
        stored = stored with { ETag = etag };
        if (_written.Count >= 10_000) _written.Clear();
        _written[(stored.Year, stored.ServiceId)] = stored;

        _faults.At(WriteFaults.ReturnWritten);
        try
        {
            await WriteAuditRowAsync(stored, ct);
        }
        catch (RequestFailedException)
        {
            // The change is stored and carries its audit; the row is written by the next write or read of the history.
        }
        return stored;
    }

    /// <summary>
    /// Every revision of a return, oldest first, each with its values. The revision the return is at is always included:
    /// if its row is missing (see the class remarks) it is written now, from the return.
    /// <para>
    /// An audit row holds the revision's field changes, not its values: they are rebuilt here by replaying the changes in
    /// revision order from an empty return (revision 1's changes are every answer it gave).
    /// </para>
    /// </summary>
    public async Task<IReadOnlyList<AuditEntry>> HistoryAsync(int year, int serviceId, CancellationToken ct = default)
    {
        var readCurrent = GetAsync(year, serviceId, ct);
        var rows = new List<TableEntity>();
        var partition = Keys.ServiceYear(year, serviceId);
        await foreach (var e in storage.ReturnHistory.QueryAsync<TableEntity>(x => x.PartitionKey == partition, cancellationToken: ct))
        {
            rows.Add(e);
        }
        var list = new List<AuditEntry>(rows.Count + 1);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in rows.OrderBy(r => r.RowKey, StringComparer.Ordinal))
        {
            var changes = StoredJson.Deserialize<List<FieldChange>>(StoredJson.ReadLong(e, "Changes")!);
            foreach (var change in changes)
            {
                if (change.To is null) values.Remove(change.FieldId);
                else values[change.FieldId] = change.To;
            }
            list.Add(new AuditEntry(
                serviceId, year, Keys.Parse(e.RowKey), e.GetDateTimeOffset("At")!.Value, e.GetString("By"), e.GetString("Action"),
                e.GetString("Reason"), StatusOf(e), changes, new ReturnValues(values), e.GetString("Source")));
        }
        if (await readCurrent is { } current && list.All(a => a.Revision != current.Revision) && AuditEntry.Of(current) is { } missing)
        {
            await WriteAuditRowAsync(current, ct);
            list.Add(missing);
        }
        return list.OrderBy(a => a.Revision).ToList();
    }

    /// <summary>
    /// Writes the audit row of the revision a stored return is at, unless it exists already (it is never replaced): who,
    /// when, the action, reason, source, status and the field changes; not the values, which <see cref="HistoryAsync"/>
    /// rebuilds from the changes (a save that changes one field writes a row of one change, not of every answer again).
    /// </summary>
    private async Task WriteAuditRowAsync(ServiceReturn stored, CancellationToken ct)
    {
        if (AuditEntry.Of(stored) is not { } audit) return;
        var partition = Keys.ServiceYear(stored.Year, stored.ServiceId);
        if (_audited.TryGetValue(partition, out var known) && known >= stored.Revision) return;
        var row = new TableEntity(Keys.ServiceYear(stored.Year, stored.ServiceId), Keys.Revision(stored.Revision))
        {
            ["At"] = audit.At,
            ["By"] = audit.By,
            ["Action"] = audit.Action,
            ["Reason"] = audit.Reason,
            ["Source"] = audit.Source,
            ["Status"] = audit.Status.ToString(),
        };
        StoredJson.WriteLong(row, "Changes", StoredJson.Serialize(audit.Changes));
        TableLimits.EnsureFits(row);
        try
        {
            await storage.ReturnHistory.AddEntityAsync(row, ct);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Written already: by the write itself, or by an earlier repair.
        }
        _audited.AddOrUpdate(partition, stored.Revision, (_, was) => Math.Max(was, stored.Revision));
    }

    /// <summary>
    /// Stores returns that are not stored yet, as they are, a transaction of at most 100 per year: for loading data
    /// kept elsewhere (a generated history) in bulk. No audit row is written: the returns bring their own
    /// <see cref="ServiceReturn.Audit"/>, and <see cref="HistoryAsync"/> shows none for them. Fails on a return already stored.
    /// </summary>
    public async Task AddStoredAsync(IEnumerable<ServiceReturn> stored, int parallelism = 8, CancellationToken ct = default)
    {
        var batches = stored.GroupBy(r => r.Year).SelectMany(year => year.Chunk(100)).ToList();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct }, async (batch, token) =>
            await storage.Returns.SubmitTransactionAsync(batch.Select(r => new TableTransactionAction(TableTransactionActionType.Add, ToEntity(r))), token));
    }

    internal static TableEntity ToEntity(ServiceReturn r)
    {
        var entity = new TableEntity(Keys.Year(r.Year), Keys.Service(r.ServiceId))
        {
            ["Status"] = r.Status.ToString(),
            ["Revision"] = r.Revision,
            ["UpdatedAt"] = r.UpdatedAt,
            ["UpdatedBy"] = r.UpdatedBy,
            ["SubmittedAt"] = r.SubmittedAt,
            ["ConfirmedWarnings"] = string.Join(' ', r.ConfirmedWarnings.Order(StringComparer.Ordinal)),
        };
        if (r.Audit is { } audit)
        {
            entity["AuditAction"] = audit.Action;
            entity["AuditReason"] = audit.Reason;
            entity["AuditSource"] = audit.Source;
            StoredJson.WriteLong(entity, "AuditChanges", StoredJson.Serialize(audit.Changes));
        }
        StoredJson.WriteLong(entity, ValuesProperty, StoredJson.Serialize(new SortedDictionary<string, string>(r.Values.AsDictionary().ToDictionary(), StringComparer.Ordinal)));
        return entity;
    }

    internal static ServiceReturn FromEntity(TableEntity e)
    {
        return new ServiceReturn
        {
            Year = Keys.Parse(e.PartitionKey),
            ServiceId = Keys.Parse(e.RowKey),
            Status = StatusOf(e),
            Revision = e.GetInt32("Revision") ?? 0,
            UpdatedAt = e.GetDateTimeOffset("UpdatedAt") ?? default,
            UpdatedBy = e.GetString("UpdatedBy") ?? "",
            SubmittedAt = e.GetDateTimeOffset("SubmittedAt"),
            ConfirmedWarnings = (e.GetString("ConfirmedWarnings") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(),
            Values = ValuesOf(e),
            ETag = e.ETag.ToString(),
            Audit = e.GetString("AuditAction") is { } action
                ? new RevisionAudit(action, e.GetString("AuditReason"), StoredJson.Deserialize<List<FieldChange>>(StoredJson.ReadLong(e, "AuditChanges") ?? "[]"))
                {
                    Source = e.GetString("AuditSource"),
                }
                : null,
        };
    }

    /// <summary>
    /// The answers, as one JSON object of field id to canonical text (split over Values_1, Values_2... past 30,000
    /// characters, see <see cref="StoredJson.WriteLong"/>). One property, not one per field: Table storage (and
    /// Azurite) serialise and parse every property of every entity, and the close reads every return of five years.
    /// </summary>
    private const string ValuesProperty = "Values";

    /// <summary>A random id each write of a return stores, so that a retried write can recognise itself (see <see cref="SaveAsync(ServiceReturn, ServiceReturn?, string, string, string?, string?, CancellationToken)"/>).</summary>
    private const string WriteIdProperty = "WriteId";

    /// <summary>
    /// As many parts after the first as an entity can hold: 1 MiB counts 60,000 bytes for a part of 30,000 characters, so
    /// at most 17 parts in all. The close selects every one of them, so it reads whatever a save could store
    /// (<see cref="TableLimits.EnsureFits(TableEntity)"/> refuses more); a part an entity lacks simply does not come back.
    /// </summary>
    internal const int MaxValuesContinuations = TableLimits.MaxEntityBytes / (2 * StoredJson.MaxPropertyChars) - 1;

    /// <summary>The answers of a stored return (none when it has no <see cref="ValuesProperty"/>).</summary>
    private static ReturnValues ValuesOf(TableEntity e) =>
        StoredJson.ReadLong(e, ValuesProperty) is { } json ? ReturnValues.FromJson(json) : ReturnValues.Empty;
}
