using Azure.Data.Tables;

namespace Pps.Core.Storage;

/// <summary>
/// Azure Table storage's limits on what one write may hold. Azure refuses a write past them; Azurite, which the
/// tests and the local host use, does not, so the code that writes checks them itself: a write that would fail in
/// Azure fails everywhere, before anything is sent, with the property named.
/// Sizes follow Azure's published formula for an entity's size: 4 bytes, plus 2 per character of the two keys,
/// plus for each property 8 bytes, 2 per character of its name, and its value (a string 4 + 2 per UTF-16 unit,
/// binary 4 + its length, a number or date 8, a 32-bit number 4, a Guid 16, a flag 1).
/// </summary>
public static class TableLimits
{
    public const int MaxEntityBytes = 1024 * 1024;

    /// <summary>A string property holds at most 64 KiB: 32,768 UTF-16 units.</summary>
    public const int MaxStringBytes = 64 * 1024;

    /// <summary>252 of an entity's own, beside PartitionKey, RowKey and Timestamp.</summary>
    public const int MaxProperties = 252;

    public const int MaxKeyCharacters = 1024 / 2;
    public const int MaxBatchEntities = 100;
    public const int MaxBatchBytes = 4 * 1024 * 1024;

    /// <summary>The entity's size as Azure counts it.</summary>
    public static long SizeOf(TableEntity entity)
    {
        long size = 4 + 2L * ((entity.PartitionKey?.Length ?? 0) + (entity.RowKey?.Length ?? 0));
        foreach (var (name, value) in entity)
        {
            if (Counted(name, value)) size += 8 + 2L * name.Length + ValueSize(value);
        }
        return size;
    }

    /// <summary>Checks the entity and gives its size as Azure counts it (<see cref="SizeOf"/>).</summary>
    /// <exception cref="StorageLimitException">The entity would be refused by Azure Table storage.</exception>
    public static long EnsureFits(TableEntity entity)
    {
        // One pass over the properties, and no message put together unless one is needed: every save checks two entities.
        if ((entity.PartitionKey?.Length ?? 0) > MaxKeyCharacters || (entity.RowKey?.Length ?? 0) > MaxKeyCharacters)
        {
            throw new StorageLimitException($"A key of {What(entity)} is longer than Table storage allows (1 KiB).");
        }
        var count = 0;
        long size = 4 + 2L * ((entity.PartitionKey?.Length ?? 0) + (entity.RowKey?.Length ?? 0));
        foreach (var (name, value) in entity)
        {
            if (!Counted(name, value)) continue;
            count++;
            var valueSize = ValueSize(value);
            if (value is string s && valueSize - 4 > MaxStringBytes)
            {
                throw new StorageLimitException($"The property {name} of {What(entity)} holds {2L * s.Length} bytes; Table storage holds at most {MaxStringBytes} in one.", name);
            }
            if (value is byte[] b && b.Length > MaxStringBytes)
            {
                throw new StorageLimitException($"The property {name} of {What(entity)} holds {b.Length} bytes; Table storage holds at most {MaxStringBytes} in one.", name);
            }
            size += 8 + 2L * name.Length + valueSize;
        }
        if (count > MaxProperties) throw new StorageLimitException($"{What(entity)} has {count} properties; Table storage holds at most {MaxProperties}.");
        if (size > MaxEntityBytes) throw new StorageLimitException($"{What(entity)} is {size} bytes; Table storage holds at most {MaxEntityBytes} in one entity.");
        return size;
    }

    private static string What(TableEntity entity) => $"the entity {entity.PartitionKey}/{entity.RowKey}";

    /// <summary>Checks a batch (one entity group transaction) and each entity in it.</summary>
    /// <exception cref="StorageLimitException">The batch would be refused by Azure Table storage.</exception>
    public static void EnsureFits(IReadOnlyCollection<TableEntity> batch)
    {
        if (batch.Count > MaxBatchEntities) throw new StorageLimitException($"A batch of {batch.Count} entities; Table storage takes at most {MaxBatchEntities} in one.");
        long size = 0;
        foreach (var entity in batch) size += EnsureFits(entity);
        // The request carries each entity as JSON: a string's UTF-8 takes at most 1.5 times its counted 2 bytes a unit
        // (3 bytes for 2), names and type annotations less than counted. Half of 4 MiB counted stays inside the payload.
        if (size > MaxBatchBytes / 2) throw new StorageLimitException($"A batch of {size} bytes of entities; Table storage takes at most {MaxBatchBytes} bytes of request in one.");
    }

    /// <summary>
    /// The entities (of one partition) in batches Table storage takes: at most 100 each and within the request's size
    /// (a backup's returns at up to 1 MiB each would pass 4 MiB long before 100).
    /// </summary>
    public static IEnumerable<IReadOnlyList<TableEntity>> Batches(IEnumerable<TableEntity> entities)
    {
        var batch = new List<TableEntity>();
        long size = 0;
        foreach (var entity in entities)
        {
            var entitySize = EnsureFits(entity);
            if (batch.Count == MaxBatchEntities || batch.Count > 0 && size + entitySize > MaxBatchBytes / 2)
            {
                yield return batch;
                (batch, size) = ([], 0);
            }
            batch.Add(entity);
            size += entitySize;
        }
        if (batch.Count > 0) yield return batch;
    }

    /// <summary>Whether a property counts towards the entity's size and its 252 (the keys and Timestamp are counted apart or not at all).</summary>
    private static bool Counted(string name, object? value) =>
        value is not null && name is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag");

    private static long ValueSize(object? value) => value switch
    {
        string s => 4 + 2L * s.Length,
        byte[] b => 4 + b.Length,
        BinaryData d => 4 + d.ToMemory().Length,
        bool => 1,
        int => 4,
        Guid => 16,
        _ => 8, // long, double, DateTime, DateTimeOffset
    };
}

/// <summary>A write that Azure Table storage would refuse for its size; nothing was written.</summary>
public sealed class StorageLimitException(string message, string? property = null) : Exception(message)
{
    /// <summary>The property past its limit, when one is.</summary>
    public string? Property { get; } = property;
}
