using Pps.Core.Aggregation.AdditionalData;
using Pps.Core.Aggregation.Statistics;
using Pps.Core.Catalogue;

namespace Pps.Core.Aggregation;

/// <summary>
/// Each participating service's own figures beside the national, regional and neighbours' mean and median.
/// <list type="bullet">
/// <item>Services: every service with a return in <see cref="AggregationInput.Year"/>.</item>
/// <item>Measures: <see cref="Measures.Benchmarked"/> (budget, FTE, volunteers, casework users, and the per-head,
/// per-pupil, per-1,000 and per-FTE ratios), each over the services that gave it (a missing value is left out).</item>
/// <item>National: all services with a value; the service itself included.</item>
/// <item>Regional: services of the same region with a value, the service included. Region from the reference data
/// of the year, else from the service registry; no region, no regional comparison.</item>
/// <item>Neighbours: the service's statistical neighbours (<see cref="AggregationInput.StatisticalNeighbours"/>)
/// with a value, the service itself not among them; null when NPPN has loaded none for the service.</item>
/// <item>Means, medians and quartiles (Excel PERCENTILE.INC at 0.25 and 0.75) as <see cref="Descriptive"/> computes
/// them, rounded to the measure's decimals (halves away from zero).</item>
/// <item>Rank: the service's place among the national values, 1 for the highest; equal values share the better place.</item>
/// <item>Ratings: the service's self-assessment beside the national and regional shares (<see cref="Part1.ServiceRatings"/>).</item>
/// </list>
/// </summary>
public static class Benchmarking
{
    /// <summary>
    /// The years the pages read, ending with <see cref="AggregationInput.Year"/>: the year, and the one before for last
    /// year's ratings. Pages from an input with only these years are the pages from one with every year (a test holds
    /// them to the same bytes), so a close makes them before it has read the earlier years.
    /// </summary>
    public const int YearsRead = 2;

    public static ServiceBenchmarks Compute(AggregationInput input)
    {
        var context = new Part2Context(input);
        var services = context.Current.Select(r => r.ServiceId).ToList();
        var regions = services.ToDictionary(id => id, id => RegionOf(input, id));
        var measures = Measures.Benchmarked;
        // By the measure's place in Measures.Benchmarked: every page looks each of them up.
        var values = measures.Select(m => context.Values(m).ToDictionary(v => v.ServiceId, v => v.Value)).ToArray();
        // Ranks by binary search in each measure's sorted values: a count per service would be quadratic in the services.
        var sorted = measures.Select(m => context.SortedNumbers(m, input.Year)).ToArray();
        var national = measures.Select((m, i) => CompareSorted("national", sorted[i], m.Decimals)).ToArray();
        // Per region, its comparison of each measure (by the measure's place): one lookup per page, not per measure.
        var regional = regions.Values.OfType<string>().Distinct()
            .ToDictionary(region => region, region => measures.Select(m => CompareSorted(region, [], m.Decimals)).ToArray());
        for (var i = 0; i < measures.Count; i++)
        {
            foreach (var group in context.Values(measures[i]).Where(v => regions[v.ServiceId] is not null).GroupBy(v => regions[v.ServiceId]!))
            {
                regional[group.Key][i] = CompareSorted(group.Key, group.Select(v => v.Value).Order().ToList(), measures[i].Decimals);
            }
        }
        var ratings = Part1.ServiceRatings.Compute(input, id => RegionOf(input, id));
        var synthetic = SyntheticLabel.ForServicePages(input, measures);

        return new ServiceBenchmarks(services, id =>
        {
            var region = regions[id];
            var regionComparisons = region is null ? null : regional[region];
            var neighbours = input.StatisticalNeighbours.GetValueOrDefault(id);
            var lines = new List<BenchmarkLine>(measures.Count);
            for (var i = 0; i < measures.Count; i++)
            {
                var (m, byService) = (measures[i], values[i]);
                var found = byService.TryGetValue(id, out var v);
                var own = found ? Part2Context.Round(v, m.Decimals) : null;
                var neighbourComparison = neighbours is null ? null
                    : Compare("statistical neighbours", neighbours.Where(n => n != id).Distinct().Where(byService.ContainsKey).Select(n => byService[n]), m.Decimals);
                var rank = found ? 1 + CountAbove(sorted[i], v) : (int?)null;
                lines.Add(new BenchmarkLine(m.Id, m.Title, m.Unit, own, national[i], regionComparisons?[i], neighbourComparison, rank));
            }
            var assessment = ratings(id);
            return new ServiceBenchmark(id, input.Services.Find(id)?.PublishedName ?? $"Service {id}", region, input.Year, lines)
            {
                Method = assessment?.Method,
                Ratings = assessment?.Ratings ?? [],
                Synthetic = synthetic(id, assessment?.Ratings.Count > 0),
            };
        });
    }

    /// <summary>How many of the ascending <paramref name="sorted"/> values are greater than <paramref name="value"/>.</summary>
    private static int CountAbove(IReadOnlyList<decimal> sorted, decimal value)
    {
        int low = 0, high = sorted.Count; // first index whose value is greater than value
        while (low < high)
        {
            var mid = (low + high) / 2;
            if (sorted[mid] > value) high = mid; else low = mid + 1;
        }
        return sorted.Count - low;
    }

    private static string? RegionOf(AggregationInput input, int serviceId) =>
        input.Reference.For(input.Year, serviceId)?.Region ?? input.Services.Find(serviceId)?.Region;

    private static Comparison Compare(string group, IEnumerable<decimal> values, int decimals) =>
        CompareSorted(group, values.Order().ToList(), decimals);

    private static Comparison CompareSorted(string group, IReadOnlyList<decimal> sorted, int decimals)
    {
        var s = Descriptive.SummariseSorted(sorted);
        return new Comparison(group, s.Count, Part2Context.Round(s.Mean, decimals), Part2Context.Round(s.Median, decimals),
            Part2Context.Round(Descriptive.QuantileOfSorted(sorted, 0.25m), decimals), Part2Context.Round(Descriptive.QuantileOfSorted(sorted, 0.75m), decimals));
    }
}

/// <summary>
/// Every participating service's page. Each is made when it is read, and again each time: the pages together grow
/// with the number of services, while the publisher needs one at a time. Made from data that never
/// changes, so any thread may read any page at any time and always gets the same.
/// </summary>
[System.Runtime.CompilerServices.CollectionBuilder(typeof(ServiceBenchmarks), nameof(Create))]
public sealed class ServiceBenchmarks(IReadOnlyList<int> serviceIds, Func<int, ServiceBenchmark> make) : IReadOnlyList<ServiceBenchmark>
{
    /// <summary>Pages made already (a collection expression: <c>[page1, page2]</c>): each read gives back the same page.</summary>
    public static ServiceBenchmarks Create(ReadOnlySpan<ServiceBenchmark> pages)
    {
        var byId = pages.ToArray().ToDictionary(p => p.ServiceId);
        return new ServiceBenchmarks([.. byId.Keys], id => byId[id]);
    }

    /// <summary>The services with a page, in the order the pages come (without making any).</summary>
    public IReadOnlyList<int> ServiceIds => serviceIds;

    public int Count => serviceIds.Count;

    public ServiceBenchmark this[int index] => make(serviceIds[index]);

    public IEnumerator<ServiceBenchmark> GetEnumerator() => serviceIds.Select(make).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
