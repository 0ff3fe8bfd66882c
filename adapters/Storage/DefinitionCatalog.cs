using System.Collections.Concurrent;
using Azure;
using Pps.Core.Definition;

namespace Pps.Core.Storage;

/// <summary>
/// The app's <see cref="IDefinitionCatalog"/>: the built-in definitions, and those NPPN publishes, read from the
/// <see cref="DefinitionStore"/> and kept in this process. Several instances of the app share one storage account
/// and any of them may publish, so a published year this process knows is checked against storage each time it is
/// asked for (a conditional read: no body unless the document changed), until its collection has been open for
/// <see cref="Settle"/>. From then on the definition can no longer change (<see cref="DefinitionStore"/> refuses
/// once the year opens), so it is kept for good and the saves of an open year make no storage call for it.
/// A year with no definition is looked for in storage every time: NPPN may publish it at any moment.
/// </summary>
public sealed class DefinitionCatalog(DefinitionStore store, CollectionYearStore years, TimeProvider clock) : IDefinitionCatalog
{
    /// <summary>
    /// How long after a year opens its definition is taken as final: longer than a publish that checked the year
    /// was not yet open can take to store its document.
    /// </summary>
    public static readonly TimeSpan Settle = TimeSpan.FromMinutes(1);

    private sealed record Known(ReturnDefinition Definition, ETag ETag, bool Final);

    private readonly ConcurrentDictionary<int, Known> _published = new();

    public ValueTask<ReturnDefinition?> FindAsync(int year, CancellationToken ct = default)
    {
        if (BuiltInDefinitions.Find(year) is { } builtIn) return ValueTask.FromResult<ReturnDefinition?>(builtIn);
        if (_published.TryGetValue(year, out var known) && known.Final) return ValueTask.FromResult<ReturnDefinition?>(known.Definition);
        return new ValueTask<ReturnDefinition?>(RefreshAsync(year, known, ct));
    }

    private async Task<ReturnDefinition?> RefreshAsync(int year, Known? known, CancellationToken ct)
    {
        // The year's window is read before the document, so a document read once the year has settled is its last.
        var collection = await years.GetAsync(year, ct);
        var final = collection is { } c && clock.GetUtcNow() >= c.Year.Opens + Settle;
        Known? current = await store.ReadAsync(year, known?.ETag, ct) switch
        {
            DefinitionRead.Found found => new Known(found.Definition, found.ETag, final),
            DefinitionRead.Unchanged when known is not null => known with { Final = final },
            _ => null,
        };
        if (current is null)
        {
            _published.TryRemove(year, out _);
            return null;
        }
        _published[year] = current;
        return current.Definition;
    }

    public async Task<IReadOnlyList<int>> YearsAsync(CancellationToken ct = default) =>
        BuiltInDefinitions.Years.Union(await store.PublishedYearsAsync(ct)).Order().ToList();

    public async Task<DefinitionSet> UpToAsync(int lastYear, CancellationToken ct = default)
    {
        var definitions = new List<ReturnDefinition>();
        foreach (var year in (await YearsAsync(ct)).Where(y => y <= lastYear))
        {
            if (await FindAsync(year, ct) is { } definition) definitions.Add(definition);
        }
        return new DefinitionSet(definitions);
    }
}
