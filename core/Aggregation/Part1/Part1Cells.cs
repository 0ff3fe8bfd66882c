namespace Pps.Core.Aggregation.Part1;

/// <summary>Cells and columns shared by the Part 1 figures.</summary>
internal static class Part1Cells
{
    public const string Exemplifications = "exemplifications";
    public const string Participation = "participation";

    /// <summary>A count and its rounded percentage of <paramref name="of"/>; both null when the year holds no returns.</summary>
    public static object?[] Share(int count, int of) =>
        of == 0 ? [null, null] : [count, Percent.Rounded(count, of)];

    /// <summary>"count_2013", "pct_2013" for each year: a count and percentage pair per year.</summary>
    public static IEnumerable<Column> ShareColumns(IEnumerable<int> years) => years.SelectMany(y => new[]
    {
        new Column($"count_{y}", $"Services {y}", "count"),
        new Column($"pct_{y}", $"% of services {y}", "pct"),
    });

    public static IReadOnlyDictionary<int, int> CountByYear(IEnumerable<int> years, Func<int, int> count) =>
        years.ToDictionary(y => y, count);
}
