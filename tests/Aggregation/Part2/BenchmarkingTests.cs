using System.Text.Json;
using Pps.Core.Aggregation;
using Pps.Core.Publishing;
using Pps.Synthetic;
using Pps.Core.Definition;
using static Pps.Tests.Aggregation.Part2.Part2Builders;

namespace Pps.Tests.Aggregation.Part2;

public class BenchmarkingTests
{
    // Two regions from the reference data (overriding the registry): services 1, 2, 3 in London; 4, 5 in the North East.
    // Budgets: 1: £100,000, 2: £200,000, 3: £600,000, 4: £50,000, 5: none given. Service 9 did not return in 2013.
    // National (N = 4): mean (100 + 200 + 600 + 50) / 4 = 237.5k; median of 50, 100, 200, 600 = (100 + 200) / 2 = 150k.
    // London (N = 3): mean 900 / 3 = 300k; median 200k. North East (N = 1: service 5 gave no budget): 50k, 50k.
    // Service 1's neighbours: 2, 4, 5 and itself (ignored) -> values 200k and 50k (5 has none): N = 2, mean = median = 125k.
    // Quartiles (PERCENTILE.INC, h = (N - 1)p): national 50, 100, 200, 600: Q1 h = 0.75 -> 50 + 0.75 × 50 = 87.5k,
    // Q3 h = 2.25 -> 200 + 0.25 × 400 = 300k. London 100, 200, 600: h = 0.5 -> 150k, h = 1.5 -> 400k.
    // Neighbours 50, 200: h = 0.25 -> 87.5k, h = 0.75 -> 162.5k. Rank of service 1's 100k: 200k and 600k are higher -> 3.
    private static AggregationInput Example() => Input(2013,
        [
            Return(1, 2013, Budget(100_000), Users(100)),
            Return(2, 2013, Budget(200_000), Users(300)),
            Return(3, 2013, Budget(600_000)),
            Return(4, 2013, Budget(50_000), Users(50)),
            Return(5, 2013, Users(80)),
            Return(9, 2012, Budget(999_999)),
        ],
        [
            Row(1, 2013, 100_000, region: "London"), Row(2, 2013, 100_000, region: "London"), Row(3, 2013, 200_000, region: "London"),
            Row(4, 2013, 50_000, region: "North East"), Row(5, 2013, null, region: "North East"),
        ]) with
    {
        StatisticalNeighbours = new Dictionary<int, IReadOnlyList<int>> { [1] = [2, 4, 5, 1] },
    };

    [Fact]
    public void Each_returning_service_is_benchmarked_nationally_regionally_and_against_neighbours()
    {
        var benchmarks = Benchmarking.Compute(Example());
        Assert.Equal([1, 2, 3, 4, 5], benchmarks.Select(b => b.ServiceId));

        var one = benchmarks.Single(b => b.ServiceId == 1);
        Assert.Equal("London", one.Region);
        Assert.Equal(2013, one.Year);
        var budget = one.Lines.Single(l => l.MeasureId == "budget");
        Assert.Equal(100_000m, budget.Value);
        Assert.Equal(3, budget.Rank);
        Assert.Equal(new Comparison("national", 4, 237_500m, 150_000m, 87_500m, 300_000m), budget.National);
        Assert.Equal(new Comparison("London", 3, 300_000m, 200_000m, 150_000m, 400_000m), budget.Regional);
        Assert.Equal(new Comparison("statistical neighbours", 2, 125_000m, 125_000m, 87_500m, 162_500m), budget.Neighbours);

        var four = benchmarks.Single(b => b.ServiceId == 4).Lines.Single(l => l.MeasureId == "budget");
        Assert.Equal(new Comparison("North East", 1, 50_000m, 50_000m, 50_000m, 50_000m), four.Regional);
        Assert.Null(four.Neighbours);
    }

    [Fact]
    public void A_missing_value_is_left_out_not_counted_as_zero()
    {
        var five = Benchmarking.Compute(Example()).Single(b => b.ServiceId == 5);
        var budget = five.Lines.Single(l => l.MeasureId == "budget");
        Assert.Null(budget.Value);
        Assert.Null(budget.Rank);
        Assert.Equal(4, budget.National.Returns);
        // Users: 100, 300, 50, 80 nationally -> mean 132.5, median (80 + 100) / 2 = 90; North East 50 and 80 -> 65.
        // Quartiles of 50, 80, 100, 300: 50 + 0.75 × 30 = 72.5 and 100 + 0.25 × 200 = 150; of 50, 80: 57.5 and 72.5.
        var users = five.Lines.Single(l => l.MeasureId == "casework_users");
        Assert.Equal(80m, users.Value);
        Assert.Equal(new Comparison("national", 4, 132.5m, 90m, 72.5m, 150m), users.National);
        Assert.Equal(new Comparison("North East", 2, 65m, 65m, 57.5m, 72.5m), users.Regional);
    }

    [Fact]
    public void Per_head_ratios_use_the_reference_population()
    {
        // Budget per head: 1: 100k / 100k = £1; 2: 200k / 100k = £2; 3: 600k / 200k = £3; 4: 50k / 50k = £1; 5: no population.
        // London mean (1 + 2 + 3) / 3 = 2, median 2; national mean 7 / 4 = 1.75, median (1 + 2) / 2 = 1.5.
        // Quartiles: national 1, 1, 2, 3 -> 1 and 2 + 0.25 × 1 = 2.25; London 1, 2, 3 -> 1.5 and 2.5.
        var line = Benchmarking.Compute(Example()).Single(b => b.ServiceId == 2).Lines.Single(l => l.MeasureId == "budget_per_head");
        Assert.Equal(2m, line.Value);
        Assert.Equal(new Comparison("national", 4, 1.75m, 1.5m, 1m, 2.25m), line.National);
        Assert.Equal(new Comparison("London", 3, 2m, 2m, 1.5m, 2.5m), line.Regional);
    }

    [Fact]
    public void Region_falls_back_to_the_registry()
    {
        var input = Input(2013, [Return(1, 2013, Budget(100_000))]);
        var b = Benchmarking.Compute(input).Single();
        Assert.Equal("Yorkshire and The Humber", b.Region);   // Sheffield, from service-la.csv
        Assert.Equal("Sheffield", b.ServiceName);
        Assert.Equal(1, b.Lines.Single(l => l.MeasureId == "budget").Regional!.Returns);
    }

    [Fact]
    public void Pages_made_from_the_year_and_the_one_before_are_the_pages_made_from_every_year()
    {
        // What a close does: it makes the pages before it has read the three earlier years.
        var every = SyntheticReturns.Generate(2013, 2009, 2013).Input(2013) with
        {
            StatisticalNeighbours = new Dictionary<int, IReadOnlyList<int>> { [1] = [2, 3, 4, 5], [2] = [1, 7, 9] },
        };
        var recent = every with { Returns = [.. every.Returns.Where(r => r.Year > every.Year - Benchmarking.YearsRead)] };
        Assert.Equal([2012, 2013], recent.Returns.Select(r => r.Year).Distinct().Order());
        Assert.Contains(every.Returns, r => r.Year < 2012);

        var fromEvery = Benchmarking.Compute(every).Select(p => JsonSerializer.Serialize(p, PublishedSetBuilder.Json)).ToList();
        var fromRecent = Benchmarking.Compute(recent).Select(p => JsonSerializer.Serialize(p, PublishedSetBuilder.Json)).ToList();

        Assert.Equal(fromEvery.Count, fromRecent.Count);
        Assert.Equal(fromEvery, fromRecent);
        // Last year's ratings are on the pages: a page made without 2012 would lack them.
        Assert.Contains(Benchmarking.Compute(recent), p => p.Ratings.Any(r => r.Previous is not null));
    }
}

