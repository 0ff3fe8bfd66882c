using MathNet.Numerics.Statistics;
using Pps.Core.Aggregation;
using Pps.Core.Aggregation.Statistics;

namespace Pps.Tests.Aggregation.Part2;

public class DescriptiveTests
{
    [Fact]
    public void Mean_total_and_range_of_a_small_set()
    {
        // 2 + 4 + 9 = 15; 15 / 3 = 5; lowest 2, highest 9.
        var s = Descriptive.Summarise([9m, 2m, 4m]);
        Assert.Equal(3, s.Count);
        Assert.Equal(15m, s.Total);
        Assert.Equal(5m, s.Mean);
        Assert.Equal(2m, s.Min);
        Assert.Equal(9m, s.Max);
    }

    [Fact]
    public void Median_of_an_odd_count_is_the_middle_value()
    {
        // sorted: 2, 4, 9 -> the middle (2nd of 3) is 4.
        Assert.Equal(4m, Descriptive.Median([9m, 2m, 4m]));
    }

    [Fact]
    public void Median_of_an_even_count_is_the_mean_of_the_two_middle_values()
    {
        // sorted: 1, 3, 8, 10 -> (3 + 8) / 2 = 5.5
        Assert.Equal(5.5m, Descriptive.Median([10m, 1m, 8m, 3m]));
        Assert.Equal(5.5m, Descriptive.Summarise([10m, 1m, 8m, 3m]).Median);
    }

    [Fact]
    public void Nothing_given_means_no_statistics_not_zeros()
    {
        var s = Descriptive.Summarise([]);
        Assert.Equal(0, s.Count);
        Assert.Null(s.Mean);
        Assert.Null(s.Median);
        Assert.Null(s.Min);
        Assert.Null(s.Max);
        Assert.Null(Descriptive.Quantile([], 0.5m));
    }

    [Fact]
    public void Quantiles_follow_excel_percentile_inc()
    {
        // R7 / PERCENTILE.INC: h = (N-1)p, x[floor h] + frac(h) * (x[floor h + 1] - x[floor h]) over the sorted values.
        // 10, 20, 30, 40, 50 (N = 5):
        //   p = 0.125: h = 4 * 0.125 = 0.5 -> 10 + 0.5 * (20 - 10) = 15
        //   p = 0.875: h = 4 * 0.875 = 3.5 -> 40 + 0.5 * (50 - 40) = 45
        //   p = 0.5:   h = 2              -> 30 (the median)
        decimal[] v = [50m, 10m, 40m, 20m, 30m];
        Assert.Equal(15m, Descriptive.Quantile(v, 0.125m));
        Assert.Equal(45m, Descriptive.Quantile(v, 0.875m));
        Assert.Equal(30m, Descriptive.Quantile(v, 0.5m));
        Assert.Equal(((decimal?)15m, (decimal?)45m), Descriptive.MiddleBand(v));

        // 1, 2, 3, 4 (N = 4): p = 0.125: h = 3 * 0.125 = 0.375 -> 1 + 0.375 * 1 = 1.375
        //                     p = 0.875: h = 3 * 0.875 = 2.625 -> 3 + 0.625 * 1 = 3.625
        var (low, high) = Descriptive.MiddleBand([1m, 2m, 3m, 4m]);
        Assert.Equal(1.375m, low);
        Assert.Equal(3.625m, high);
    }

    [Fact]
    public void Quantile_matches_mathnet_excel_definition_and_the_median()
    {
        var values = new[] { 3.71m, 30.59m, 9.32m, 5.5m, 14.5m, 9.97m, 7.25m, 12m };
        var expected = Statistics.QuantileCustom(values.Select(v => (double)v), 0.875, QuantileDefinition.R7);
        Assert.Equal((decimal)expected, Descriptive.Quantile(values, 0.875m)!.Value, 8);
        Assert.Equal(Descriptive.Median(values), Descriptive.Quantile(values, 0.5m));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Statistics_of_sorted_values_equal_those_of_the_same_values_unsorted(int seed)
    {
        // Sorted copies are what the recompute summarises; the unsorted path (LINQ sort, MathNet's selection) is the reference.
        var random = new Random(seed);
        for (var round = 0; round < 300; round++)
        {
            var n = random.Next(0, 40);
            // Few distinct values, so ties are common; scales 0-4, and some long divisions' results.
            var values = Enumerable.Range(0, n).Select(_ => random.Next(4) == 0 ? random.Next(1, 1000) / 7m : random.Next(-50, 200) / (decimal)Math.Pow(10, random.Next(5))).ToArray();
            var sorted = values.Order().ToArray();

            Assert.Equal(Descriptive.Summarise(values), Descriptive.SummariseSorted(sorted));
            foreach (var p in new[] { 0m, 0.125m, 0.25m, 0.5m, 0.75m, 0.875m, 1m, 0.3m })
            {
                Assert.Equal(Descriptive.Quantile(values, p), Descriptive.QuantileOfSorted(sorted, p));
            }
            Assert.Equal(Descriptive.MiddleBand(values), Descriptive.MiddleBandOfSorted(sorted));
        }
    }

    [Fact]
    public void Pearson_of_hand_worked_pairs()
    {
        // y = 2x exactly: r = 1.
        Assert.Equal(1m, Descriptive.Pearson([(1m, 2m), (2m, 4m), (3m, 6m)]));
        // x 1,2,3,4; y 1,3,2,4: means 2.5, 2.5; dx = -1.5,-0.5,0.5,1.5; dy = -1.5,0.5,-0.5,1.5
        // sum dx*dy = 2.25 - 0.25 - 0.25 + 2.25 = 4; sum dx^2 = sum dy^2 = 5; r = 4 / sqrt(5 * 5) = 0.8
        Assert.Equal(0.8m, Descriptive.Pearson([(1m, 1m), (2m, 3m), (3m, 2m), (4m, 4m)]));
        // y falls as x rises: r = -1.
        Assert.Equal(-1m, Descriptive.Pearson([(1m, 3m), (2m, 2m), (3m, 1m)]));
    }

    [Fact]
    public void Pearson_is_null_without_enough_pairs_or_variation()
    {
        Assert.Null(Descriptive.Pearson([(1m, 2m), (2m, 4m)]));
        Assert.Null(Descriptive.Pearson([(1m, 5m), (2m, 5m), (3m, 5m)]));
    }

    [Fact]
    public void Percentages_round_halves_away_from_zero()
    {
        // 1 of 8 = 12.5% -> 13; 3 of 8 = 37.5% -> 38; 1 of 3 = 33.3% -> 33
        Assert.Equal(13, Percent.Rounded(1, 8));
        Assert.Equal(38, Percent.Rounded(3, 8));
        Assert.Equal(33, Percent.Rounded(1, 3));
        Assert.Null(Percent.Rounded(1, 0));
    }
}
