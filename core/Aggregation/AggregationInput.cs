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
    /// <summary>Returns of every year available (the chosen year and earlier); later years are ignored.</summary>
    public required IReadOnlyList<ReturnRecord> Returns { get; init; }
    public ReferenceData Reference { get; init; } = ReferenceData.Empty;
    /// <summary>Services existing nationally per year (Tables A and B); defaults to the registry's count.</summary>
    public Func<int, int> NationalServiceCount { get; init; } = ServiceRegistry.NationalCount;
    /// <summary>Statistical neighbours NPPN has loaded: service id to its neighbours' ids. Empty when none.</summary>
    public IReadOnlyDictionary<int, IReadOnlyList<int>> StatisticalNeighbours { get; init; } = new Dictionary<int, IReadOnlyList<int>>();

    /// <summary>Per year, the parts of its returns that are synthetic (<see cref="SyntheticLabel"/>). Empty for real data.</summary>
    public IReadOnlyDictionary<int, IReadOnlyList<string>> SyntheticParts { get; init; } = new Dictionary<int, IReadOnlyList<string>>();

    public IEnumerable<ReturnRecord> ReturnsFor(int year) => Returns.Where(r => r.Year == year);

    /// <summary>The <paramref name="count"/> years ending with <see cref="Year"/>, oldest first.</summary>
    public IReadOnlyList<int> LastYears(int count) => Enumerable.Range(Year - count + 1, count).ToList();
}
