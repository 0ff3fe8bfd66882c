using MathNet.Numerics.Statistics;
using MathStatistics = MathNet.Numerics.Statistics.Statistics;

namespace Pps.Core.Aggregation.Statistics;

/// <summary>The descriptive statistics of one measure over the services that gave it.</summary>
/// <param name="Count">How many values (returns) there are: the N of the figure.</param>
/// <param name="Total">Their sum; 0 when there are none (a total of nothing, not a missing value).</param>
/// <param name="Min">Smallest value; null when there are none.</param>
/// <param name="Max">Largest value; null when there are none.</param>
/// <param name="Mean">Arithmetic mean; null when there are none.</param>
/// <param name="Median">Median (see <see cref="Descriptive.Median"/>); null when there are none.</param>
public sealed record Summary(int Count, decimal Total, decimal? Min, decimal? Max, decimal? Mean, decimal? Median)
{
    public static Summary Empty { get; } = new(0, 0m, null, null, null, null);
}

/// <summary>
/// Descriptive statistics over decimals, as the national report uses them.
/// <para>Conventions:</para>
/// <list type="bullet">
/// <item>Only values that were given are passed in: a missing value is left out (N drops), never read as 0.</item>
/// <item>Total, mean, minimum, maximum and median are computed exactly in <see cref="decimal"/> and are not
/// rounded here; a figure rounds them once, when it is written, with <see cref="Percent.Round"/> (halves away
/// from zero). Shares of services are always whole percentages from <see cref="Percent.Rounded"/>.</item>
/// <item>Median: the middle value of the sorted values when N is odd, the mean of the two middle values when N
/// is even (the report: "the mid point of the data when placed in sequence"; Excel's MEDIAN).</item>
/// <item>Quantiles: Excel's PERCENTILE.INC, which is Hyndman and Fan's definition 7 (MathNet
/// <see cref="QuantileDefinition.Excel"/> = R7): with the values sorted x[0..N-1], h = (N-1)p and the result is
/// x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]). NPPN produced the report in Excel, so this is the
/// definition its charts would have used. The median is this quantile at p = 0.5.</item>
/// <item>Pearson correlation: MathNet <see cref="Correlation.Pearson(IEnumerable{double}, IEnumerable{double})"/>
/// over the pairs where both values were given; null with fewer than 3 pairs or when either variable is constant.</item>
/// </list>
/// </summary>
public static class Descriptive
{
    /// <summary>The band holding the middle 75% of services (report, Chart 13): 12.5th to 87.5th percentile.</summary>
    public const decimal MiddleBandCoverage = 0.75m;

    public static Summary Summarise(IEnumerable<decimal> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return Summary.Empty;
        var total = sorted.Sum();
        return new Summary(sorted.Length, total, sorted[0], sorted[^1], total / sorted.Length, MedianOfSorted(sorted));
    }

    /// <summary><see cref="Summarise"/> of values already in ascending order (the same result, without sorting them again).</summary>
    public static Summary SummariseSorted(IReadOnlyList<decimal> sorted)
    {
        if (sorted.Count == 0) return Summary.Empty;
        var total = 0m;
        for (var i = 0; i < sorted.Count; i++) total += sorted[i]; // in ascending order, as Summarise adds them
        var n = sorted.Count;
        var median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2m;
        return new Summary(n, total, sorted[0], sorted[^1], total / n, median);
    }

    public static decimal? Mean(IEnumerable<decimal> values)
    {
        var list = values.ToList();
        return list.Count == 0 ? null : list.Sum() / list.Count;
    }

    /// <summary>The middle value (odd N) or the mean of the two middle values (even N); null when empty.</summary>
    public static decimal? Median(IEnumerable<decimal> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? null : MedianOfSorted(sorted);
    }

    /// <summary>
    /// The <paramref name="p"/> quantile (0 to 1) by Excel's PERCENTILE.INC (R7), computed by MathNet; null when
    /// empty. The double result is brought back to decimal rounded to 10 places, which removes the binary noise.
    /// </summary>
    public static decimal? Quantile(IEnumerable<decimal> values, decimal p)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(p, 0m);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(p, 1m);
        var data = values.Select(v => (double)v).ToArray();
        if (data.Length == 0) return null;
        var q = MathStatistics.QuantileCustom(data, (double)p, QuantileDefinition.Excel);
        return Math.Round((decimal)q, 10, MidpointRounding.AwayFromZero);
    }

    /// <summary>
    /// <see cref="Quantile"/> of values already in ascending order: MathNet's R7 arithmetic on the two values it
    /// selects (the same doubles, so the same result), without copying and selecting from all of them.
    /// </summary>
    public static decimal? QuantileOfSorted(IReadOnlyList<decimal> sorted, decimal p)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(p, 0m);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(p, 1m);
        var n = sorted.Count;
        if (n == 0) return null;
        var tau = (double)p;
        double q;
        if (tau == 0d || n == 1) q = (double)sorted[0];
        else if (tau == 1d) q = (double)sorted[n - 1];
        else
        {
            var h = (n - 1) * tau + 1d;
            var hf = (int)h;
            var lower = (double)sorted[Math.Clamp(hf - 1, 0, n - 1)];
            var upper = (double)sorted[Math.Clamp(hf, 0, n - 1)];
            q = lower + (h - hf) * (upper - lower);
        }
        return Math.Round((decimal)q, 10, MidpointRounding.AwayFromZero);
    }

    /// <summary><see cref="MiddleBand"/> of values already in ascending order.</summary>
    public static (decimal? Low, decimal? High) MiddleBandOfSorted(IReadOnlyList<decimal> sorted, decimal coverage = MiddleBandCoverage)
    {
        var tail = (1m - coverage) / 2m;
        return (QuantileOfSorted(sorted, tail), QuantileOfSorted(sorted, 1m - tail));
    }

    /// <summary>
    /// The range that holds the middle <paramref name="coverage"/> of the values: from the (1-c)/2 to the (1+c)/2
    /// quantile, 12.5th to 87.5th percentile for the report's "75% of PPS are funded within the range".
    /// </summary>
    public static (decimal? Low, decimal? High) MiddleBand(IEnumerable<decimal> values, decimal coverage = MiddleBandCoverage)
    {
        var list = values.ToList();
        var tail = (1m - coverage) / 2m;
        return (Quantile(list, tail), Quantile(list, 1m - tail));
    }

    /// <summary>Pearson's r over paired values; null with fewer than 3 pairs or no variation in either variable.</summary>
    public static decimal? Pearson(IReadOnlyList<(decimal X, decimal Y)> pairs)
    {
        if (pairs.Count < 3) return null;
        if (pairs.All(p => p.X == pairs[0].X) || pairs.All(p => p.Y == pairs[0].Y)) return null;
        var r = Correlation.Pearson(pairs.Select(p => (double)p.X), pairs.Select(p => (double)p.Y));
        return double.IsFinite(r) ? Math.Round((decimal)r, 10, MidpointRounding.AwayFromZero) : null;
    }

    private static decimal MedianOfSorted(decimal[] sorted)
    {
        var n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2m;
    }
}
