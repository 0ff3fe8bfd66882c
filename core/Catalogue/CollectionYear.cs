namespace Pps.Core.Catalogue;

public enum CollectionState
{
    /// <summary>The window has not opened yet.</summary>
    Scheduled,
    /// <summary>Services may save and submit returns.</summary>
    Open,
    /// <summary>The window has closed; returns are locked (NPPN may still amend with a reason).</summary>
    Closed,
    /// <summary>The national figures for the year have been published.</summary>
    Published,
}

/// <summary>
/// A collection year, named by the autumn in which it is collected (the 2013 collection covers casework
/// from 1 Sept 2012 to 31 Aug 2013). Its window bounds when services may write; extensions let one
/// service return late.
/// </summary>
public sealed record CollectionYear
{
    public required int Year { get; init; }
    public required DateTimeOffset Opens { get; init; }
    public required DateTimeOffset Closes { get; init; }

    /// <summary>Set by the close-of-year run once every return is locked.</summary>
    public DateTimeOffset? ClosedAt { get; init; }

    /// <summary>Set when the final figures have been published.</summary>
    public DateTimeOffset? PublishedAt { get; init; }

    /// <summary>The published version the year's manifest points at, when published.</summary>
    public string? PublishedVersion { get; init; }

    /// <summary>How many services exist nationally this year (the denominator of Tables A and B).</summary>
    public required int NationalServiceCount { get; init; }

    /// <summary>
    /// Late returns NPPN has granted: service id to the new closing time for that service, as granted. Each counts only
    /// up to <see cref="LatestExtension"/> (<see cref="ClosesFor"/>), an extension stored before the bound existed too.
    /// </summary>
    public IReadOnlyDictionary<int, DateTimeOffset> Extensions { get; init; } = new Dictionary<int, DateTimeOffset>();

    /// <summary>The bound on extensions unless NPPN sets another when opening the year: four weeks after the closing date.</summary>
    public const int DefaultMaxExtensionDays = 28;

    /// <summary>The most <see cref="MaxExtensionDays"/> may be: a year's window cannot run into the next year's.</summary>
    public const int MaxExtensionDaysLimit = 365;

    /// <summary>
    /// How many days past the closing date NPPN may extend one service's window (0: no extensions). The bound means no
    /// single service can hold the year's publication back: the year is due for closing at <see cref="LatestExtension"/>
    /// at the latest, whatever was granted.
    /// </summary>
    public int MaxExtensionDays { get; init; } = DefaultMaxExtensionDays;

    /// <summary>The latest time an extension may run to: <see cref="MaxExtensionDays"/> after the closing date.</summary>
    public DateTimeOffset LatestExtension => Closes.AddDays(MaxExtensionDays);

    /// <summary>When the window closes for the last service, every extension counted (each within the bound).</summary>
    public DateTimeOffset LastClose => Extensions.Keys.Select(ClosesFor).Append(Closes).Max();

    /// <summary>
    /// The parts of this year's returns that are synthetic ("self-assessment", "additional-data"; see
    /// Aggregation.SyntheticLabel): set by NPPN for a demo or test collection, empty for a real one. Every figure
    /// resting on them is published labelled synthetic.
    /// </summary>
    public IReadOnlyList<string> SyntheticParts { get; init; } = [];

    /// <summary>
    /// Extensions NPPN ended early by closing and publishing the year while they still ran (so that no single service
    /// holds the year back): which service, until when it had, when and by whom it was ended.
    /// </summary>
    public IReadOnlyList<EndedExtension> EndedExtensions { get; init; } = [];

    /// <summary>Extensions still running at <paramref name="now"/>: service id to the time it runs until (within the bound), by service.</summary>
    public IReadOnlyList<KeyValuePair<int, DateTimeOffset>> OpenExtensionsAt(DateTimeOffset now) =>
        PublishedAt is not null
            ? []
            : Extensions.Keys.Select(id => KeyValuePair.Create(id, ClosesFor(id))).Where(kv => kv.Value > now && kv.Value > Closes).OrderBy(kv => kv.Key).ToList();

    public CollectionState StateAt(DateTimeOffset now)
    {
        if (PublishedAt is not null) return CollectionState.Published;
        if (ClosedAt is not null) return CollectionState.Closed;
        if (now < Opens) return CollectionState.Scheduled;
        return now < Closes ? CollectionState.Open : CollectionState.Closed;
    }

    /// <summary>When the given service's window closes, counting any extension NPPN granted it, up to <see cref="LatestExtension"/>.</summary>
    public DateTimeOffset ClosesFor(int serviceId) =>
        Extensions.TryGetValue(serviceId, out var until) && until > Closes ? (until < LatestExtension ? until : LatestExtension) : Closes;

    /// <summary>Whether a service may still write its own return (NPPN is not bound by this).</summary>
    public bool AcceptsServiceWritesAt(int serviceId, DateTimeOffset now) =>
        PublishedAt is null && now >= Opens && now < ClosesFor(serviceId)
        && (ClosedAt is null || Extensions.ContainsKey(serviceId) && now < ClosesFor(serviceId));

    /// <summary>The window has passed for everyone, extensions included (each within its bound), and the year is not yet locked.</summary>
    public bool IsDueForClosing(DateTimeOffset now) =>
        PublishedAt is null && now >= Closes && now >= LastClose;
}

/// <summary>An extension NPPN ended before it ran out, when it closed and published the year.</summary>
public sealed record EndedExtension(int ServiceId, DateTimeOffset Until, DateTimeOffset EndedAt, string EndedBy);
