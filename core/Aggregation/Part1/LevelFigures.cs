using Pps.Core.Catalogue;

namespace Pps.Core.Aggregation.Part1;

/// <summary>How the services that rated one exemplification in one year spread over the four levels.</summary>
internal sealed record LevelCounts(int Rated, IReadOnlyDictionary<RatingLevel, int> ByLevel)
{
    public static LevelCounts Of(Exemplification e, IEnumerable<SelfAssessment> returns)
    {
        var index = Exemplifications.IndexOf(e.Code);
        var counts = new int[Enum.GetValues<RatingLevel>().Length];
        var rated = 0;
        foreach (var assessment in returns)
        {
            if (assessment.Rating(index) is not { } level) continue;
            counts[(int)level]++;
            rated++;
        }
        return new LevelCounts(rated, RatingLevels.ChartOrder.ToDictionary(l => l, l => counts[(int)l]));
    }

    public int BestOrGood => ByLevel[RatingLevel.Best] + ByLevel[RatingLevel.Good];

    public int? Pct(RatingLevel level) => Percent.Rounded(ByLevel[level], Rated);

    /// <summary>Best or Good: the count of both, then rounded (not the sum of two rounded shares).</summary>
    public int? PctBestOrGood => Percent.Rounded(BestOrGood, Rated);
}

/// <summary>Chart 4 (every exemplification, the chosen year) and one chart per exemplification over three years.</summary>
internal static class LevelFigures
{
    public const int YearsShown = 3;

    private const string BlankNote =
        "A blank rating is not a level: percentages are of the services that rated the exemplification, and a blank counts in neither a level nor that number.";

    public static Figure Chart4(AggregationInput input, SelfAssessments data)
    {
        var returns = data.In(input.Year);
        var counts = Exemplifications.All.ToDictionary(e => e.Code, e => LevelCounts.Of(e, returns));
        return Figure.Create(
            year: input.Year,
            id: ExemplificationFigures.Chart4,
            reportRef: "Chart 4",
            title: "Self-rated practice levels for each of the 34 exemplifications",
            section: Part1Cells.Exemplifications,
            kind: "stacked-bar",
            returns: returns.Count,
            columns: Chart4Columns(),
            rows: Exemplifications.All.Select(e => Chart4Row(e, counts[e.Code], returns.Count)).ToList(),
            statistics: AreaStatistics(counts),
            notes: [
                BlankNote,
                "Percentages are rounded each on its own, so the four may not total 100.",
                "Best or Good is the count of both levels, then rounded.",
                "An area's mean share at Best or Good is the mean, over the area's exemplifications, of each one's unrounded share of services rating it Best or Good; the area where it is lowest is named by its number.",
            ]);
    }

    private static IReadOnlyList<Column> Chart4Columns() =>
    [
        new("code", "Exemplification", "text"),
        new("title", "Title", "text"),
        new("area", "Area of work", "text"),
        new("returns", "Services rating it", "count"),
        new("count_not_rated", "Services leaving it blank", "count"),
        .. RatingLevels.ChartOrder.Select(l => new Column("count_" + RatingLevels.Key(l), RatingLevels.Label(l), "count")),
        .. RatingLevels.ChartOrder.Select(l => new Column("pct_" + RatingLevels.Key(l), "% " + RatingLevels.Label(l), "pct")),
        new("count_best_or_good", "Best or Good Practice", "count"),
        new("pct_best_or_good", "% Best or Good Practice", "pct"),
    ];

    private static IReadOnlyList<object?> Chart4Row(Exemplification e, LevelCounts c, int returns) =>
    [
        e.Code,
        e.Title,
        e.AreaNumber,
        c.Rated,
        returns - c.Rated,
        .. RatingLevels.ChartOrder.Select(l => (object?)c.ByLevel[l]),
        .. RatingLevels.ChartOrder.Select(l => (object?)c.Pct(l)),
        c.BestOrGood,
        c.PctBestOrGood,
    ];

    private static FigureStatistics AreaStatistics(IReadOnlyDictionary<string, LevelCounts> counts)
    {
        var stats = new FigureStatistics();
        var means = new List<(int Area, decimal Mean)>();
        foreach (var area in Exemplifications.Areas)
        {
            var mean = MeanBestOrGood(area, counts);
            stats.Add($"area{area.Number}_mean_pct_best_or_good", $"Mean share at Best or Good Practice, area {area.Number}: {area.Title}", "pct",
                mean is { } v ? Percent.Round(v, 1) : null);
            if (mean is { } m) means.Add((area.Number, m));
        }
        stats.Add("lowest_area_by_mean_pct_best_or_good", "Area of work with the lowest mean share at Best or Good Practice", "area",
            means.Count == 0 ? null : means.MinBy(m => m.Mean).Area);
        return stats;
    }

    private static decimal? MeanBestOrGood(AreaOfWork area, IReadOnlyDictionary<string, LevelCounts> counts)
    {
        var shares = area.Exemplifications.Select(e => counts[e.Code]).Where(c => c.Rated > 0)
            .Select(c => Percent.Exact(c.BestOrGood, c.Rated)).ToList();
        return shares.Count == 0 ? null : shares.Average();
    }

    public static string SingleId(string code) => $"{ExemplificationFigures.Chart4}-{code}";

    /// <summary>One exemplification: the four level percentages for each of the last three years.</summary>
    public static Figure Single(Exemplification e, AggregationInput input, SelfAssessments data)
    {
        var years = input.LastYears(YearsShown);
        var counts = years.ToDictionary(y => y, y => LevelCounts.Of(e, data.In(y)));
        return Figure.Create(
            year: input.Year,
            id: SingleId(e.Code),
            reportRef: e.Code,
            title: $"{e.Code} {e.Title}",
            section: Part1Cells.Exemplifications,
            kind: "bar",
            returns: counts[input.Year].Rated,
            columns: [new("level", "Level", "text"), new("label", "Level", "text"), .. Part1Cells.ShareColumns(years)],
            rows: RatingLevels.ChartOrder
                .Select(l => (IReadOnlyList<object?>)
                    [RatingLevels.Key(l), RatingLevels.Label(l), .. years.SelectMany(y => Part1Cells.Share(counts[y].ByLevel[l], counts[y].Rated))])
                .ToList(),
            notes: [BlankNote],
            years: years,
            returnsByYear: years.ToDictionary(y => y, y => counts[y].Rated));
    }
}
