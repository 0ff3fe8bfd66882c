using Pps.Core.Definition;
using static Pps.Core.Aggregation.AdditionalData.HighlightList;

namespace Pps.Core.Aggregation.AdditionalData;

/// <summary>Table B (participation), type of service (Chart 5, Table D, Chart 6) and budget (Table E, Charts 7-15).</summary>
internal static class TypeAndBudgetFigures
{
    public static void Add(Part2Context c, List<Figure> figures, HighlightList highlights)
    {
        figures.Add(TableB(c, highlights));
        AddType(c, figures, highlights);
        AddBudget(c, figures, highlights);
    }

    /// <summary>A return counts for Table B by the year's definition (<see cref="ReturnDefinition.GivesAdditionalData"/>), as the completeness view counts it.</summary>
    public static bool HasAdditionalData(DefinitionSet definitions, ReturnRecord r) => definitions.For(r.Year).GivesAdditionalData(r.Values);

    private static Figure TableB(Part2Context c, HighlightList highlights)
    {
        var rows = new List<IReadOnlyList<object?>>();
        var byYear = new Dictionary<int, int>();
        foreach (var year in c.FiveYears)
        {
            var n = c.ReturnsIn(year).Count(r => HasAdditionalData(c.Input.Definitions, r));
            var national = c.Input.NationalServiceCount(year);
            byYear[year] = n;
            // One rule with Table A: a year with no returns giving additional data shows no data, never 0 or 0%.
            rows.Add([year, n == 0 ? null : n, national, n == 0 ? null : Percent.Rounded(n, national)]);
        }
        var nationalNow = c.Input.NationalServiceCount(c.Year);
        var figure = c.Figure("table-b", "Table B", "Services contributing to the additional data collection", "participation", "table", byYear[c.Year],
            [new("year", "Year", "year"), new("returns", "No of PPS participating", "count"), new("national", "Services nationally", "count"), new("pct", "Percentage of PPS nationally", "pct")],
            rows,
            new FigureStatistics
            {
                { "returns", $"Services taking part in {c.Year}", "count", byYear[c.Year] == 0 ? null : byYear[c.Year] },
                { "national", $"Services nationally in {c.Year}", "count", nationalNow },
                { "pct", $"Share of services nationally taking part in {c.Year}", "pct", byYear[c.Year] == 0 ? null : Percent.Rounded(byYear[c.Year], nationalNow) },
            },
            ["A return counts when it gives any figure of the additional data collection (not the self-assessment, not comments alone).", "Percentage of the services existing nationally that year, rounded to the nearest whole number.",
             "A year for which no returns with additional data are held shows no data rather than 0."],
            c.FiveYears, byYear);
        highlights.Add("participation-additional-data", "participation", figure,
            "{returns} services ({pct}% of services nationally) take part in the additional data collection",
            ("returns", Stat(figure, "returns")), ("pct", Stat(figure, "pct")));
        return figure;
    }

    private static void AddType(Part2Context c, List<Figure> figures, HighlightList highlights)
    {
        var chart5 = c.Shares("chart-5", "Chart 5", "Type of service", "type", "pie", FieldIds.ServiceType);
        var tableD = c.Shares("table-d", "Table D", "Type of service - changes in the previous 12 months", "type", "table", FieldIds.ServiceTypeChange);
        figures.Add(chart5);
        figures.Add(tableD);

        var ages = c.Current
            .Select(r => (r.ServiceId, Lower: r.Values.Number(FieldIds.LowerAge), Upper: r.Values.Number(FieldIds.UpperAge)))
            .Where(a => a.Lower is not null && a.Upper is not null)
            .ToList();
        var n = ages.Count;
        var groups = ages.GroupBy(a => (Lower: a.Lower!.Value, Upper: a.Upper!.Value)).OrderBy(g => g.Key.Lower).ThenBy(g => g.Key.Upper).ToList();
        var chart6 = c.Figure("chart-6", "Chart 6", "Age range covered by the Parent Partnership Service", "type", "bar", n,
            [new("range", "Age range", "text"), new("lower", "Lowest age", "count"), new("upper", "Highest age", "count"), new("count", "Services", "count"), new("pct", "Percent", "pct")],
            groups.Select(g => (IReadOnlyList<object?>)[$"{g.Key.Lower:0}-{g.Key.Upper:0}", (int)g.Key.Lower, (int)g.Key.Upper, g.Count(), Percent.Rounded(g.Count(), n)]).ToList(),
            new FigureStatistics
            {
                { "pct_cover_0_19", "Share covering the whole 0-19 age range", "pct", Percent.Rounded(ages.Count(a => a.Lower == 0 && a.Upper >= 19), n) },
                { "pct_up_to_25", "Share extending the range up to 25", "pct", Percent.Rounded(ages.Count(a => a.Upper == 25), n) },
            },
            ["Returns that gave both the lowest and the highest age covered."]);
        figures.Add(chart6);

        highlights.Add("type-mix", "type", chart5,
            "This year {in_house}% of participating services are in-house, {out_sourced}% out-sourced and {mixed}% mixed",
            ("in_house", Stat(chart5, "pct_in-house")), ("out_sourced", Stat(chart5, "pct_out-sourced")), ("mixed", Stat(chart5, "pct_mixed")));
        highlights.Add("type-changes", "type", tableD,
            "{changed:none} of the {n} participating services that answered report a change of type in the last 12 months",
            ("changed", tableD.Returns - tableD.Rows.Where(r => (string?)r[0] == "none").Sum(r => (int)r[2]!)), ("n", tableD.Returns));
        highlights.Add("type-age-range", "type", chart6,
            "{cover}% of participating services cover the 0-19 age range, with {to25}% extending the range up to 25",
            ("cover", Stat(chart6, "pct_cover_0_19")), ("to25", Stat(chart6, "pct_up_to_25")));
    }

    private static void AddBudget(Part2Context c, List<Figure> figures, HighlightList highlights)
    {
        var tableE = c.MeasureTable("table-e", "Table E", "Total budget for Parent Partnership Services", "budget", Measures.Budget);
        figures.Add(tableE);
        var change = ExtrapolatedChange(tableE);
        highlights.Add("budget-total-change", "budget", tableE,
            "The extrapolated total budget for all services {change:rose-fell} compared with last year, to £{total}",
            ("change", change), ("total", Part2Context.Round(Stat(tableE, "extrapolated_total"), 0)));

        var chart7 = Chart7(c);
        figures.Add(chart7);
        highlights.Add("budget-other-budgets", "budget", chart7,
            "{n|participating service manages|participating services manage} other budgets ({pct}% of those that answered): {one|service manages|services manage} 1, {two|service manages|services manage} 2 and {three|service manages|services manage} 3 or more",
            ("n", Stat(chart7, "count_manage_other")), ("pct", Stat(chart7, "pct_manage_other")),
            ("one", Stat(chart7, "count_1")), ("two", Stat(chart7, "count_2")), ("three", Stat(chart7, "count_3_or_more")));

        var chart8 = c.Ranked("chart-8", "Chart 8", "Total budget for Parent Partnership Service", "budget", Measures.Budget);
        figures.Add(chart8);
        highlights.Add("budget-mean-median", "budget", chart8,
            "The mean budget per service is £{mean} and the median £{median}, from £{min} to £{max}",
            ("mean", Part2Context.Round(Stat(chart8, "mean"), 0)), ("median", Part2Context.Round(Stat(chart8, "median"), 0)),
            ("min", Stat(chart8, "min")), ("max", Stat(chart8, "max")));

        var chart9 = c.Change("chart-9", "Chart 9", "Changes in service budget compared with last year (only changes over 2%)", "budget", Measures.Budget);
        figures.Add(chart9);
        highlights.Add("budget-changes", "budget", chart9,
            "{down2|participating service reports|participating services report} a budget decrease of more than 2% (with {down10} reporting a decrease of more than 10%); {up2|participating service reports|participating services report} an increase of more than 2% (with {up10} of these more than 10%)",
            ("down2", Stat(chart9, "decrease_over_2")), ("down10", Stat(chart9, "decrease_over_10")),
            ("up2", Stat(chart9, "increase_over_2")), ("up10", Stat(chart9, "increase_over_10")));

        var chart10 = c.Ranked("chart-10", "Chart 10", "Service budget per head [0-19]", "budget", Measures.BudgetPerHead, null,
            v =>
            [
                new("pct_under_1", "Share funded at less than £1 per head", "pct", Percent.Rounded(v.Count(x => x < 1m), v.Count)),
                new("pct_over_2", "Share funded at more than £2 per head", "pct", Percent.Rounded(v.Count(x => x > 2m), v.Count)),
            ]);
        figures.Add(chart10);
        highlights.Add("budget-per-head-mean", "budget", chart10,
            "The mean level of funding per head of 0-19 population is £{mean}, and the median £{median}",
            ("mean", Stat(chart10, "mean")), ("median", Stat(chart10, "median")));
        highlights.Add("budget-per-head-range", "budget", chart10,
            "The range of funding per head of population is from £{min} to £{max}; {under1}% of participating services receive less than £1 per head and {over2}% more than £2",
            ("min", Stat(chart10, "min")), ("max", Stat(chart10, "max")), ("under1", Stat(chart10, "pct_under_1")), ("over2", Stat(chart10, "pct_over_2")));

        figures.Add(c.Ranked("chart-11", "Chart 11", "Service budget per parent/carer service user", "budget", Measures.BudgetPerUser));

        var chart12 = c.Scatter("chart-12", "Chart 12", "The relationship between PPS budget and numbers of pupils with SEN", "budget",
            "sen", r => r.SenPupils, "Pupils with SEN", Measures.Budget);
        figures.Add(chart12);
        highlights.Add("budget-sen-correlation", "budget", chart12,
            "The correlation between the core budget and the number of pupils with SEN is {r}",
            ("r", Part2Context.Round(Stat(chart12, "correlation"), 2)));

        var chart13 = c.Ranked("chart-13", "Chart 13", "Service budget per SEN pupil", "budget", Measures.BudgetPerSenPupil);
        figures.Add(chart13);
        highlights.Add("budget-per-sen-pupil", "budget", chart13,
            "The funding per pupil identified with SEN is from £{min} to £{max}, with a mean of £{mean} and a median of £{median}; 75% of PPS are funded within the range £{low} to £{high} per pupil with SEN",
            ("min", Stat(chart13, "min")), ("max", Stat(chart13, "max")), ("mean", Stat(chart13, "mean")), ("median", Stat(chart13, "median")),
            ("low", Stat(chart13, "middle_75_low")), ("high", Stat(chart13, "middle_75_high")));

        var chart14 = c.Scatter("chart-14", "Chart 14", "The relationship between PPS budget and the number of pupils taking free school meals", "budget",
            "fsm", r => r.FsmPupils, "Pupils eligible for and claiming free school meals", Measures.Budget);
        figures.Add(chart14);
        highlights.Add("budget-fsm-correlation", "budget", chart14,
            "The correlation between the core budget and the numbers of pupils eligible for, and claiming, free school meals is {r}",
            ("r", Part2Context.Round(Stat(chart14, "correlation"), 2)));

        figures.Add(c.Ranked("chart-15", "Chart 15", "Service budget per pupil taking free school meals", "budget", Measures.BudgetPerFsmPupil));
    }

    /// <summary>Chart 7: how many services manage 0, 1, 2, 3 or more other budgets, and which kinds.</summary>
    private static Figure Chart7(Part2Context c)
    {
        var counts = c.Current.Select(r => r.Values.Number(FieldIds.OtherBudgetCount)).Where(v => v is not null).Select(v => v!.Value).ToList();
        var n = counts.Count;
        var zero = counts.Count(v => v == 0);
        var one = counts.Count(v => v == 1);
        var two = counts.Count(v => v == 2);
        var three = counts.Count(v => v >= 3);
        var stats = new FigureStatistics
        {
            { "count_manage_other", "Services managing other budgets", "count", n - zero },
            { "pct_manage_other", "Share managing other budgets", "pct", Percent.Rounded(n - zero, n) },
            { "count_1", "Services managing 1 other budget", "count", one },
            { "count_2", "Services managing 2 other budgets", "count", two },
            { "count_3_or_more", "Services managing 3 or more other budgets", "count", three },
        };
        var kinds = c.Input.Definitions.FieldFor(c.Year, FieldIds.OtherBudgetKinds).Options;
        foreach (var kind in kinds)
        {
            stats.Add("kind_" + kind.Value, $"Services managing a budget of the kind \u201c{kind.Label}\u201d", "count", c.Current.Count(r => r.Values.Choices(FieldIds.OtherBudgetKinds).Contains(kind.Value)));
        }
        return c.Figure("chart-7", "Chart 7", "Management responsibility for other budgets", "budget", "pie", n,
            [new("other_budgets", "Other budgets managed", "text"), new("count", "Services", "count"), new("pct", "Percent", "pct")],
            [
                ["none", zero, Percent.Rounded(zero, n)],
                ["1", one, Percent.Rounded(one, n)],
                ["2", two, Percent.Rounded(two, n)],
                ["3 or more", three, Percent.Rounded(three, n)],
            ],
            stats,
            ["Returns that gave the number of other budgets. The counts of each kind of budget are of the services ticking that kind."]);
    }

    /// <summary>Percentage change of the extrapolated total against the year before, to 1 decimal place; null without both.</summary>
    public static decimal? ExtrapolatedChange(Figure table)
    {
        var rows = table.Rows;
        if (rows.Count < 2) return null;
        var now = rows[^1][3] as decimal?;
        var before = rows[^2][3] as decimal?;
        return now is null || before is null || before == 0 ? null : Percent.Round(100m * (now.Value - before.Value) / before.Value, 1);
    }
}
