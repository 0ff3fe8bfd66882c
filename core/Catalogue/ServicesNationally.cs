using System.Globalization;

namespace Pps.Core.Catalogue;

/// <summary>
/// How many services existed nationally in each year: the denominator of Tables A and B, of the completeness
/// view's shares and of the extrapolated totals. It is a fact of each year, not a count of the services
/// catalogue, because councils merge and split. One rule everywhere (<see cref="For(int, CollectionYear?)"/>): the
/// number NPPN set for the year's collection when it opened it (which defaults to this catalogue's), and this
/// catalogue's for a year this system never collected. The catalogue is data (<c>Data/services-nationally.csv</c>:
/// from which year, how many services, and where that number comes from), injected where it is used.
/// </summary>
public sealed class ServicesNationally
{
    private readonly IReadOnlyList<(int FromYear, int Services)> _counts;

    /// <param name="counts">From which year each count holds; the first also holds for every year before it.</param>
    public ServicesNationally(IEnumerable<(int FromYear, int Services)> counts)
    {
        _counts = counts.OrderBy(c => c.FromYear).ToList();
        if (_counts.Count == 0) throw new ArgumentException("At least one count is needed.", nameof(counts));
    }

    /// <summary>The catalogue that ships with the system: the 2013 report's counts.</summary>
    public static ServicesNationally BuiltIn { get; } = new(EmbeddedCsv.Read("services-nationally.csv", row => (
        int.Parse(row.GetField("from_year")!, CultureInfo.InvariantCulture),
        int.Parse(row.GetField("services")!, CultureInfo.InvariantCulture))));

    /// <summary>The catalogue's count for a year (what a new collection defaults to).</summary>
    public int InYear(int year) => _counts.LastOrDefault(c => c.FromYear <= year) is { Services: > 0 } found ? found.Services : _counts[0].Services;

    /// <summary>The one rule: the count NPPN set for the year's collection, or the catalogue's when the year has none.</summary>
    public int For(int year, CollectionYear? collection) => collection?.NationalServiceCount ?? InYear(year);

    /// <summary>The rule over the collection years stored, for a close that reads several years.</summary>
    public Func<int, int> For(IEnumerable<CollectionYear> collections)
    {
        var byYear = collections.ToDictionary(c => c.Year);
        return year => For(year, byYear.GetValueOrDefault(year));
    }
}
