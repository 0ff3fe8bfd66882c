namespace Pps.Core.Reference;

/// <summary>
/// What NPPN knows about a service's area in a year, beside the return: region, population aged 0-19,
/// pupils with SEN and pupils eligible for free school meals. Any measure may be missing.
/// </summary>
public sealed record ReferenceRow(int ServiceId, int Year, string? Region, long? Population0To19, long? SenPupils, long? FsmPupils)
{
    /// <summary>Where the figures come from, e.g. "ONS mid-2014" or "synthetic"; shown beside every figure that uses them.</summary>
    public string? Source { get; init; }

    /// <summary>
    /// Where each figure comes from, when the row's figures have different sources (a real ONS population beside
    /// generated SEN and FSM counts); null falls back to <see cref="Source"/>. A figure is labelled synthetic only
    /// by the sources of the reference figures it uses.
    /// </summary>
    public string? PopulationSource { get; init; }
    /// <inheritdoc cref="PopulationSource"/>
    public string? SenSource { get; init; }
    /// <inheritdoc cref="PopulationSource"/>
    public string? FsmSource { get; init; }

    /// <summary>The source of one reference figure: "population", "sen" or "fsm" (Measure.Uses).</summary>
    public string? SourceOf(string uses) => uses switch
    {
        "population" => PopulationSource ?? Source,
        "sen" => SenSource ?? Source,
        "fsm" => FsmSource ?? Source,
        _ => throw new ArgumentOutOfRangeException(nameof(uses), uses, "A reference figure is population, sen or fsm."),
    };

    /// <summary>The start of the source of every synthetic (generated) row.</summary>
    public const string SyntheticSourcePrefix = "synthetic";

    /// <summary>Whether any of the row's figures is synthetic (its source starts with "synthetic").</summary>
    public bool IsSynthetic => new[] { "population", "sen", "fsm" }.Any(IsSyntheticFor);

    /// <summary>Whether one reference figure ("population", "sen" or "fsm") is synthetic.</summary>
    public bool IsSyntheticFor(string uses) => SourceOf(uses) is { } source && source.StartsWith(SyntheticSourcePrefix, StringComparison.Ordinal);
}

/// <summary>All reference rows, by year and service.</summary>
public sealed class ReferenceData
{
    // Keyed by year and service packed in one long: the recompute looks a row up for every service of every
    // figure that divides by a reference figure, and a tuple key hashes several times slower.
    private readonly Dictionary<long, ReferenceRow> _rows;
    // Sorted once: the recompute asks for a year's rows for every figure that divides by a reference figure.
    private readonly IReadOnlyList<ReferenceRow> _ordered;
    private readonly Dictionary<int, IReadOnlyList<ReferenceRow>> _byYear;

    public ReferenceData(IEnumerable<ReferenceRow> rows)
    {
        _rows = rows.ToDictionary(r => Key(r.Year, r.ServiceId));
        _ordered = _rows.Values.OrderBy(r => r.Year).ThenBy(r => r.ServiceId).ToList();
        _byYear = _ordered.GroupBy(r => r.Year).ToDictionary(g => g.Key, g => (IReadOnlyList<ReferenceRow>)g.ToList());
    }

    public static ReferenceData Empty { get; } = new([]);

    public IEnumerable<ReferenceRow> Rows => _ordered;

    public ReferenceRow? For(int year, int serviceId) => _rows.GetValueOrDefault(Key(year, serviceId));

    private static long Key(int year, int serviceId) => (long)year << 32 | (uint)serviceId;

    public IEnumerable<ReferenceRow> ForYear(int year) => _byYear.GetValueOrDefault(year) ?? [];

    /// <summary>These rows, with every year in <paramref name="imported"/> replaced by the imported rows.</summary>
    public ReferenceData Merge(ReferenceData imported)
    {
        var years = imported.Rows.Select(r => r.Year).ToHashSet();
        return new ReferenceData(Rows.Where(r => !years.Contains(r.Year)).Concat(imported.Rows));
    }
}
