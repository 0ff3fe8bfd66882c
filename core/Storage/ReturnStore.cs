using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Pps.Core.Definition;
using Pps.Core.Returns;

namespace Pps.Core.Storage;

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
    ReturnValues Values);

/// <summary>
/// Returns in the Returns table: one entity per service per year (partition = year, row = service id),
/// one property per answered field. Every write is conditional on the ETag the writer read, and is
/// followed by an audit entity that keeps the whole revision.
/// </summary>
public sealed class ReturnStore(PpsStorage storage)
{
    private const string FieldPrefix = "f_";

    public async Task<ServiceReturn?> GetAsync(int year, int serviceId, CancellationToken ct = default)
    {
        var response = await storage.Returns.GetEntityIfExistsAsync<TableEntity>(Keys.Year(year), Keys.Service(serviceId), cancellationToken: ct);
        return response.HasValue ? FromEntity(response.Value!) : null;
    }

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
    /// Stores a new revision of a return. <paramref name="previous"/> is the version the writer read (null
    /// when it found none); the write succeeds only if that is still the stored version.
    /// </summary>
    /// <exception cref="ConcurrencyConflictException">Someone else stored a change first; carries the current return.</exception>
    public async Task<ServiceReturn> SaveAsync(
        ServiceReturn updated, ServiceReturn? previous, string actor, string action, string? reason = null, CancellationToken ct = default)
    {
        var stored = updated with { Revision = (previous?.Revision ?? 0) + 1, UpdatedBy = actor, ETag = null };
        var entity = ToEntity(stored);
        Response response;
        try
        {
            response = previous?.ETag is null
                ? await storage.Returns.AddEntityAsync(entity, ct)
                : await storage.Returns.UpdateEntityAsync(entity, new ETag(previous.ETag), TableUpdateMode.Replace, ct);
        }
        catch (RequestFailedException e) when (PpsStorage.IsConflict(e))
        {
            var current = await GetAsync(updated.Year, updated.ServiceId, ct);
            throw new ConcurrencyConflictException(
                $"The return of service {updated.ServiceId} for {updated.Year} was changed by someone else (now at revision {current?.Revision ?? 0}). Reload it and apply your change again.",
                current, e);
        }

        var changes = ReturnValues.Diff(previous?.Values ?? ReturnValues.Empty, stored.Values).ToList();
        await storage.ReturnHistory.AddEntityAsync(new TableEntity(Keys.ServiceYear(stored.Year, stored.ServiceId), Keys.Revision(stored.Revision))
        {
            ["At"] = stored.UpdatedAt,
            ["By"] = actor,
            ["Action"] = action,
            ["Reason"] = reason,
            ["Status"] = stored.Status.ToString(),
            ["Changes"] = JsonSerializer.Serialize(changes),
            ["Values"] = JsonSerializer.Serialize(stored.Values.AsDictionary()),
        }, ct);

        return stored with { ETag = response.Headers.ETag?.ToString() };
    }

    public async Task<IReadOnlyList<AuditEntry>> HistoryAsync(int year, int serviceId, CancellationToken ct = default)
    {
        var list = new List<AuditEntry>();
        var partition = Keys.ServiceYear(year, serviceId);
        await foreach (var e in storage.ReturnHistory.QueryAsync<TableEntity>(x => x.PartitionKey == partition, cancellationToken: ct))
        {
            list.Add(new AuditEntry(
                serviceId, year, Keys.Parse(e.RowKey), e.GetDateTimeOffset("At")!.Value, e.GetString("By"), e.GetString("Action"),
                e.GetString("Reason"), Enum.Parse<ReturnStatus>(e.GetString("Status")),
                JsonSerializer.Deserialize<List<FieldChange>>(e.GetString("Changes"))!,
                new ReturnValues(JsonSerializer.Deserialize<Dictionary<string, string>>(e.GetString("Values"))!)));
        }
        return list;
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
        foreach (var (id, value) in r.Values.AsDictionary())
        {
            entity[FieldPrefix + id.Replace('.', '_')] = value;
        }
        return entity;
    }

    internal static ServiceReturn FromEntity(TableEntity e)
    {
        var values = e.Keys
            .Where(k => k.StartsWith(FieldPrefix, StringComparison.Ordinal))
            .Select(k => KeyValuePair.Create(FieldIdOf(k), e.GetString(k)));
        return new ServiceReturn
        {
            Year = Keys.Parse(e.PartitionKey),
            ServiceId = Keys.Parse(e.RowKey),
            Status = Enum.Parse<ReturnStatus>(e.GetString("Status")),
            Revision = e.GetInt32("Revision") ?? 0,
            UpdatedAt = e.GetDateTimeOffset("UpdatedAt") ?? default,
            UpdatedBy = e.GetString("UpdatedBy") ?? "",
            SubmittedAt = e.GetDateTimeOffset("SubmittedAt"),
            ConfirmedWarnings = (e.GetString("ConfirmedWarnings") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(),
            Values = new ReturnValues(values),
            ETag = e.ETag.ToString(),
        };
    }

    private static string FieldIdOf(string propertyName)
    {
        var name = propertyName[FieldPrefix.Length..];
        var dot = name.IndexOf('_', StringComparison.Ordinal);
        return dot < 0 ? name : string.Concat(name.AsSpan(0, dot), ".", name.AsSpan(dot + 1));
    }
}
