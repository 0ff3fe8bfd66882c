using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Pps.Core.Catalogue;
using Pps.Core.Returns;

namespace Pps.Core.Storage;

/// <summary>Collection years in the Years table (one partition, one row per year), written with ETags.</summary>
public sealed class CollectionYearStore(PpsStorage storage, TimeProvider? clock = null)
{
    private const string Partition = "year";

    /// <summary>
    /// How long <see cref="GetRecentAsync"/> keeps a year: the longest a change made through another instance (a closing date
    /// NPPN moves, an extension, the close) takes to reach this one. A change made through this store is seen at once.
    /// </summary>
    public static readonly TimeSpan CacheTimeToLive = TimeSpan.FromSeconds(10);

    private readonly RecentCache<int, CollectionYear?> _recent = new(CacheTimeToLive, clock ?? TimeProvider.System);

    /// <summary>
    /// The year as read at most <see cref="CacheTimeToLive"/> ago, for what every save reads (the window, the extensions);
    /// not for a conditional write (no ETag). The rules over it stay exact in time: the closing date is in the year, and
    /// whether it has passed is decided by the caller's clock at each save (<see cref="CollectionYear.StateAt"/>).
    /// </summary>
    public Task<CollectionYear?> GetRecentAsync(int year, CancellationToken ct = default) =>
        _recent.GetOrReadAsync(year, async ct => (await GetAsync(year, ct))?.Year, found => found is not null, ct);

    public async Task<(CollectionYear Year, string ETag)?> GetAsync(int year, CancellationToken ct = default)
    {
        var response = await storage.Years.GetEntityIfExistsAsync<TableEntity>(Partition, Keys.Year(year), cancellationToken: ct);
        return response.HasValue ? (FromEntity(response.Value!), response.Value!.ETag.ToString()) : null;
    }

    public async Task<IReadOnlyList<CollectionYear>> ListAsync(CancellationToken ct = default)
    {
        var list = new List<CollectionYear>();
        await foreach (var e in storage.Years.QueryAsync<TableEntity>(x => x.PartitionKey == Partition, cancellationToken: ct))
        {
            list.Add(FromEntity(e));
        }
        return list.OrderBy(y => y.Year).ToList();
    }

    /// <summary>Adds a new year (<paramref name="etag"/> null) or replaces the version read at <paramref name="etag"/>.</summary>
    /// <returns>The new ETag.</returns>
    /// <exception cref="ConcurrencyConflictException">The year exists already, or changed since it was read.</exception>
    public async Task<string> SaveAsync(CollectionYear year, string? etag, CancellationToken ct = default)
    {
        var entity = new TableEntity(Partition, Keys.Year(year.Year))
        {
            ["Opens"] = year.Opens,
            ["Closes"] = year.Closes,
            ["ClosedAt"] = year.ClosedAt,
            ["PublishedAt"] = year.PublishedAt,
            ["PublishedVersion"] = year.PublishedVersion,
            ["NationalServiceCount"] = year.NationalServiceCount,
            ["Extensions"] = JsonSerializer.Serialize(year.Extensions.ToDictionary(kv => kv.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), kv => kv.Value)),
            ["SyntheticParts"] = year.SyntheticParts.Count == 0 ? null : string.Join(",", year.SyntheticParts),
            ["EndedExtensions"] = year.EndedExtensions.Count == 0 ? null : JsonSerializer.Serialize(year.EndedExtensions),
            ["MaxExtensionDays"] = year.MaxExtensionDays,
            // This write's own mark, as a return's (ReturnStore.SaveAsync): a retried write that finds its condition failed
            // tells by it whether the write it retried was applied.
            [WriteIdProperty] = Guid.NewGuid().ToString("N"),
        };
        TableLimits.EnsureFits(entity);
        try
        {
            _recent.Remove(year.Year);
            var response = etag is null
                ? await storage.Years.AddEntityAsync(entity, ct)
                : await storage.Years.UpdateEntityAsync(entity, new ETag(etag), TableUpdateMode.Replace, ct);
            return response.Headers.ETag!.Value.ToString();
        }
        catch (RequestFailedException e) when (PpsStorage.IsConflict(e))
        {
            var found = await storage.Years.GetEntityIfExistsAsync<TableEntity>(Partition, Keys.Year(year.Year), cancellationToken: ct);
            if (found.HasValue && found.Value!.GetString(WriteIdProperty) == entity.GetString(WriteIdProperty))
            {
                // The answer to this very write was lost and the SDK sent it again: it is stored, once.
                return found.Value.ETag.ToString();
            }
            var current = found.HasValue ? FromEntity(found.Value!) : null;
            throw new ConcurrencyConflictException(
                etag is null
                    ? $"Collection year {year.Year} exists already."
                    : $"Collection year {year.Year} was changed by someone else; reload it and try again.",
                current, e);
        }
        finally
        {
            _recent.Remove(year.Year);
        }
    }

    private const string WriteIdProperty = "WriteId";

    private static CollectionYear FromEntity(TableEntity e) => new()
    {
        Year = Keys.Parse(e.RowKey),
        Opens = e.GetDateTimeOffset("Opens")!.Value,
        Closes = e.GetDateTimeOffset("Closes")!.Value,
        ClosedAt = e.GetDateTimeOffset("ClosedAt"),
        PublishedAt = e.GetDateTimeOffset("PublishedAt"),
        PublishedVersion = e.GetString("PublishedVersion"),
        NationalServiceCount = e.GetInt32("NationalServiceCount") ?? 150,
        Extensions = (JsonSerializer.Deserialize<Dictionary<string, DateTimeOffset>>(e.GetString("Extensions") ?? "{}") ?? [])
            .ToDictionary(kv => Keys.Parse(kv.Key), kv => kv.Value),
        SyntheticParts = e.GetString("SyntheticParts") is { Length: > 0 } parts ? parts.Split(',') : [],
        EndedExtensions = e.GetString("EndedExtensions") is { Length: > 0 } ended ? JsonSerializer.Deserialize<List<EndedExtension>>(ended) ?? [] : [],
        // A year stored before the bound existed has the default one.
        MaxExtensionDays = e.GetInt32("MaxExtensionDays") ?? CollectionYear.DefaultMaxExtensionDays,
    };
}
