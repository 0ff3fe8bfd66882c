using System.Collections.Concurrent;

namespace Pps.Core.Storage;

/// <summary>
/// What a store read lately, kept in this process for a fixed time (<paramref name="ttl"/>, on the app's clock) so that
/// what every save reads and what rarely changes (a credential, a collection year, last year's return) is not read from
/// storage on every save. A change this process makes removes the entry at once (<see cref="Remove"/>); a change made by
/// another instance is seen when the entry expires, so the staleness is at most the time-to-live. A read that was under
/// way while its entry was removed does not put the old value back (counts of removals, per key and in all, guard it).
/// Bounded: past <paramref name="capacity"/> entries it starts again empty.
/// </summary>
internal sealed class RecentCache<TKey, TValue>(TimeSpan ttl, TimeProvider clock, int capacity = 10_000) where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Entry> _entries = new();
    private readonly ConcurrentDictionary<TKey, long> _removals = new();
    private long _generation;

    /// <summary>The value kept for <paramref name="key"/> if it is younger than the time-to-live; otherwise read (and kept if <paramref name="keep"/> says so).</summary>
    public async Task<TValue> GetOrReadAsync(TKey key, Func<CancellationToken, Task<TValue>> read, Func<TValue, bool> keep, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (_entries.TryGetValue(key, out var entry) && now < entry.Until) return entry.Value;
        var generation = Interlocked.Read(ref _generation);
        var removals = _removals.GetValueOrDefault(key);
        var value = await read(ct);
        if (keep(value))
        {
            if (_entries.Count >= capacity)
            {
                Interlocked.Increment(ref _generation);
                _entries.Clear();
                _removals.Clear();
            }
            _entries[key] = new Entry(value, now + ttl);
            // Removed (by a change in this process) while it was being read: what was read may be the old value.
            if (Interlocked.Read(ref _generation) != generation || _removals.GetValueOrDefault(key) != removals) _entries.TryRemove(key, out _);
        }
        return value;
    }

    /// <summary>Forgets <paramref name="key"/>: this process changed what it stands for.</summary>
    public void Remove(TKey key)
    {
        if (_removals.Count >= capacity)
        {
            // Reads under way compare the generation too: none of them keeps what it read.
            Interlocked.Increment(ref _generation);
            _removals.Clear();
        }
        _removals.AddOrUpdate(key, 1, (_, n) => n + 1);
        _entries.TryRemove(key, out _);
    }

    /// <summary>Forgets every entry; a read under way while it does keeps nothing either.</summary>
    public void Clear()
    {
        Interlocked.Increment(ref _generation);
        _entries.Clear();
    }

    /// <summary>Forgets every entry whose value matches (a credential kept under its token's hash, revoked by its id).</summary>
    public void RemoveWhere(Func<TValue, bool> match)
    {
        Interlocked.Increment(ref _generation);
        foreach (var (key, entry) in _entries)
        {
            if (match(entry.Value)) _entries.TryRemove(key, out _);
        }
    }

    private sealed record Entry(TValue Value, DateTimeOffset Until);
}
