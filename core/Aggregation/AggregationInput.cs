using Pps.Core.Catalogue;
using Pps.Core.Definition;
using Pps.Core.Reference;

namespace Pps.Core.Aggregation;

/// <summary>One service's answers in one year, as the aggregation sees them.</summary>
public sealed record ReturnRecord(int ServiceId, int Year, ReturnValues Values);

/// <summary>
/// What the national recompute works from: the returns of the chosen year and the years before it,
/// the reference data, and how many services existed nationally in each year. Pure data: no storage.
/// </summary>
public sealed record AggregationInput
{
    public required int Year { get; init; }
    private readonly IReadOnlyList<ReturnRecord> _returns = [];

    /// <summary>
    /// Returns of every year available (the chosen year and earlier); later years are ignored. At most one per
    /// service and year: two are refused here, so every part of the report sees the same returns.
    /// </summary>
    /// <exception cref="ArgumentException">A service has more than one return in a year.</exception>
    public required IReadOnlyList<ReturnRecord> Returns
    {
        get => _returns;
        init
        {
            var seen = new HashSet<(int ServiceId, int Year)>(value.Count);
            foreach (var r in value)
            {
                if (!seen.Add((r.ServiceId, r.Year)))
                {
                    throw new ArgumentException($"Service {r.ServiceId} has more than one return in {r.Year}.", nameof(Returns));
                }
            }
            _returns = value;
        }
    }
    public ReferenceData Reference { get; init; } = ReferenceData.Empty;
    /// <summary>The key to services the figures name and count services by.</summary>
    public ServiceCatalogue Services { get; init; } = ServiceCatalogue.BuiltIn;
    /// <summary>
    /// The definitions of the years read (and any earlier): what each year asked, its rating codes and completion methods.
    /// Defaults to the built-in ones; a close gives the catalog's (<see cref="IDefinitionCatalog.UpToAsync"/>).
    /// </summary>
    public DefinitionSet Definitions { get; init; } = BuiltInDefinitions.All;
    /// <summary>Services existing nationally per year (Tables A and B, the extrapolation); defaults to the built-in catalogue's count (<see cref="ServicesNationally"/>).</summary>
    public Func<int, int> NationalServiceCount { get; init; } = ServicesNationally.BuiltIn.InYear;
    /// <summary>Statistical neighbours NPPN has loaded: service id to its neighbours' ids. Empty when none.</summary>
    public IReadOnlyDictionary<int, IReadOnlyList<int>> StatisticalNeighbours { get; init; } = new Dictionary<int, IReadOnlyList<int>>();

    /// <summary>Per year, the parts of its returns that are synthetic (<see cref="SyntheticLabel"/>). Empty for real data.</summary>
    public IReadOnlyDictionary<int, IReadOnlyList<string>> SyntheticParts { get; init; } = new Dictionary<int, IReadOnlyList<string>>();

    private readonly System.Collections.Concurrent.ConcurrentDictionary<Delegate, Lazy<object>> _derived = new();

    /// <summary>A copy (<c>input with { Returns = ... }</c>) derives its own: what was derived from the original need not hold for it.</summary>
    private AggregationInput(AggregationInput original)
    {
        Year = original.Year;
        _returns = original._returns;
        Reference = original.Reference;
        Services = original.Services;
        Definitions = original.Definitions;
        NationalServiceCount = original.NationalServiceCount;
        StatisticalNeighbours = original.StatisticalNeighbours;
        SyntheticParts = original.SyntheticParts;
        _derived = new(); // a record's copy constructor runs no field initializer
    }

    /// <summary>
    /// What <paramref name="make"/> derives from this input, made once however many parts of the report ask
    /// (and from however many threads); the input never changes, so neither does what is derived from it.
    /// </summary>
    internal T Derived<T>(Func<AggregationInput, T> make) where T : class =>
        (T)_derived.GetOrAdd(make, _ => new Lazy<object>(() => make(this))).Value;

    public IEnumerable<ReturnRecord> ReturnsFor(int year) => Returns.Where(r => r.Year == year);

    /// <summary>The <paramref name="count"/> years ending with <see cref="Year"/>, oldest first.</summary>
    public IReadOnlyList<int> LastYears(int count) => Enumerable.Range(Year - count + 1, count).ToList();
}
