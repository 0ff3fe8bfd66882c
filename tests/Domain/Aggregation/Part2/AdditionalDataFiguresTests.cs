using Pps.Core.Aggregation;
using Pps.Core.Aggregation.AdditionalData;
using Pps.Core.Definition;
using static Pps.Tests.Aggregation.Part2.Part2Builders;

namespace Pps.Tests.Aggregation.Part2;

public class AdditionalDataFiguresTests
{
    private static Figure Figure(AggregationInput input, string id) =>
        AdditionalDataFigures.Compute(input).Figures.Single(f => f.Id == id);

    [Fact]
    public void Extrapolates_by_population_when_every_service_has_one()
    {
        // Services 1 and 2 gave budgets of £60,000 and £30,000: total £90,000.
        // Population 0-19: service 1 3,000, service 2 1,000, the other 150 services existing in 2013 1,000 each.
        // All services: 150 * 1,000 + 3,000 + 1,000 = 154,000; the two that gave it: 4,000.
        // Extrapolated: 90,000 * 154,000 / 4,000 = 3,465,000.
        var input = Input(2013, [Return(1, 2013, Budget(60_000)), Return(2, 2013, Budget(30_000))], EveryService(2013, 1_000, (1, 3_000), (2, 1_000)));
        var tableE = Figure(input, "table-e");
        Assert.Equal(2, tableE.Returns);
        Assert.Equal(90_000m, tableE.Statistics["total"]);
        Assert.Equal(3_465_000m, tableE.Statistics["extrapolated_total"]);
        Assert.Contains(tableE.Notes, n => n.StartsWith("2013: extrapolated by population", StringComparison.Ordinal));

        var direct = Extrapolation.Total(90_000m, [1, 2], 2013, input);
        Assert.Equal(Extrapolation.PopulationMethod, direct.Method);
        Assert.Equal(3_465_000m, direct.Value);
    }

    [Fact]
    public void Extrapolates_by_service_count_when_a_population_is_missing()
    {
        // Service 3 has no population: fall back to total * services nationally / returns = 90,000 * 150 / 2 = 6,750,000.
        var reference = EveryService(2013, 1_000, (1, 3_000)).Where(r => r.ServiceId != 3);
        var input = Input(2013, [Return(1, 2013, Budget(60_000)), Return(2, 2013, Budget(30_000))], reference);
        var tableE = Figure(input, "table-e");
        Assert.Equal(6_750_000m, tableE.Statistics["extrapolated_total"]);
        Assert.Contains(tableE.Notes, n => n.StartsWith("2013: extrapolated by service count", StringComparison.Ordinal));
        Assert.Equal(Extrapolation.ServiceCountMethod, Extrapolation.Total(90_000m, [1, 2], 2013, input).Method);
    }

    [Fact]
    public void Measure_table_covers_five_years_each_with_its_own_returns()
    {
        // 2012: services 1 and 2 gave 100 and 300 users: total 400, mean 200, median 200, range 100-300.
        // 2013: service 1 gave 120, service 2 left it out: N = 1. 2009-2011: no returns.
        var input = Input(2013,
        [
            Return(1, 2012, Users(100)), Return(2, 2012, Users(300)),
            Return(1, 2013, Users(120)), Return(2, 2013, Budget(50_000)),
        ]);
        var tableL = Figure(input, "table-l");
        Assert.Equal([2009, 2010, 2011, 2012, 2013], tableL.Years);
        Assert.Equal(1, tableL.Returns);
        Assert.Equal(2, tableL.ReturnsByYear![2012]);
        Assert.Equal(0, tableL.ReturnsByYear[2009]);
        Assert.Equal(400m, Cell(tableL, 3, "total"));
        Assert.Equal(200m, Cell(tableL, 3, "mean"));
        Assert.Equal(200m, Cell(tableL, 3, "median"));
        Assert.Equal(100m, Cell(tableL, 3, "min"));
        Assert.Equal(300m, Cell(tableL, 3, "max"));
        Assert.Null(Cell(tableL, 0, "total"));
        // No reference data at all: by service count, 400 * 150 / 2 = 30,000.
        Assert.Equal(30_000m, Cell(tableL, 3, "extrapolated_total"));
    }

    [Fact]
    public void Per_head_and_per_pupil_ratios_use_the_same_year_reference_and_leave_out_services_without_it()
    {
        // Service 1: budget 90,000; population 30,000 -> £3.00 per head; SEN 4,500 -> £20 per SEN pupil; FSM 3,600 -> £25.
        //            users 120 -> 4 per 1,000 aged 0-19; manager 2.5 FTE -> 2.5 * 1,000 / 30,000 = 0.083 per 1,000; 120 / 2.5 = 48 users per FTE.
        // Service 2: budget 50,000, population only for 2012 (not this year): left out of every per-head figure.
        var input = Input(2013,
            [
                Return(1, 2013, Budget(90_000), Users(120), Manager(2.5m)),
                Return(2, 2013, Budget(50_000), Users(100), Manager(1m)),
            ],
            [Row(1, 2013, 30_000, sen: 4_500, fsm: 3_600), Row(2, 2012, 20_000, 3_000, 2_000)]);
        var result = AdditionalDataFigures.Compute(input);
        Figure F(string id) => result.Figures.Single(f => f.Id == id);

        Assert.Equal(2, F("chart-8").Returns);
        Assert.Equal(1, F("chart-10").Returns);
        Assert.Equal(3m, F("chart-10").Statistics["mean"]);
        Assert.Equal(20m, F("chart-13").Statistics["mean"]);
        Assert.Equal(25m, F("chart-15").Statistics["median"]);
        Assert.Equal(4m, F("chart-33").Statistics["mean"]);
        Assert.Equal(0.083m, F("chart-21").Statistics["mean"]);
        // users per FTE needs no reference: both services. 120 / 2.5 = 48; 100 / 1 = 100; mean 74.
        Assert.Equal(2, F("chart-34").Returns);
        Assert.Equal(74m, F("chart-34").Statistics["mean"]);
        // budget per user: 90,000 / 120 = 750; 50,000 / 100 = 500; median (500 + 750) / 2 = 625.
        Assert.Equal(625m, F("chart-11").Statistics["median"]);
        Assert.Contains(F("chart-10").Notes, n => n.Contains("test population", StringComparison.Ordinal));
        // Reach: 120 users / 30,000 aged 0-19 = 0.4%; 120 / 4,500 SEN pupils = 2.67%.
        Assert.Equal(0.4m, F("reach").Statistics["pct_of_population_0_19"]);
        Assert.Equal(2.67m, F("reach").Statistics["pct_of_sen_pupils"]);
    }

    [Fact]
    public void Chart_9_shows_only_changes_over_2_percent_and_counts_each_way()
    {
        // 2012 -> 2013 budgets (thousands): s1 100->101 (+1%), s2 100->103 (+3%), s3 100->115 (+15%),
        // s4 100->97 (-3%), s5 100->80 (-20%), s6 100->102 (+2% exactly, not over 2%), s7 2013 only, s8 2012 only.
        // Compared: s1-s6 = 6. Over 2% up: s2, s3 = 2; over 10% up: s3 = 1; over 2% down: s4, s5 = 2; over 10% down: s5 = 1.
        // Shown (sorted by change): s5 -20, s4 -3, s2 +3, s3 +15.
        (int Id, decimal? Before, decimal? After)[] budgets =
            [(1, 100, 101), (2, 100, 103), (3, 100, 115), (4, 100, 97), (5, 100, 80), (6, 100, 102), (7, null, 90), (8, 100, null)];
        var returns = new List<ReturnRecord>();
        foreach (var (id, before, after) in budgets)
        {
            if (before is not null) returns.Add(Return(id, 2012, Budget(before.Value * 1000)));
            if (after is not null) returns.Add(Return(id, 2013, Budget(after.Value * 1000)));
        }
        var chart9 = Figure(Input(2013, returns), "chart-9");
        Assert.Equal(6, chart9.Returns);
        Assert.Equal(6m, chart9.Statistics["services_compared"]);
        Assert.Equal(2m, chart9.Statistics["increase_over_2"]);
        Assert.Equal(1m, chart9.Statistics["increase_over_10"]);
        Assert.Equal(2m, chart9.Statistics["decrease_over_2"]);
        Assert.Equal(1m, chart9.Statistics["decrease_over_10"]);
        Assert.Equal([5, 4, 2, 3], chart9.Rows.Select(r => (int)r[0]!));
        Assert.Equal([-20m, -3m, 3m, 15m], chart9.Rows.Select(r => (decimal)r[3]!));
    }

    [Fact]
    public void Table_b_counts_returns_that_give_additional_data()
    {
        // s1: ratings only (Table A, not B); s2: ratings and a budget; s3: a comment only (neither: the completeness
        // view counts it the same way). 1 of 150 = 0.67% -> 1%.
        var input = Input(2013,
        [
            Return(1, 2013, (FieldIds.Rating("1a"), "G"), (FieldIds.CompletedBy, "PPO")),
            Return(2, 2013, (FieldIds.Rating("1a"), "B"), Budget(70_000)),
            Return(3, 2013, (FieldIds.Comments, "We merged with a neighbour.")),
            Return(4, 2012, Budget(70_000)),
        ]);
        var tableB = Figure(input, "table-b");
        Assert.Equal(1, tableB.Returns);
        Assert.Equal(1m, tableB.Statistics["pct"]);
        Assert.Equal(1, tableB.ReturnsByYear![2012]);
        Assert.Equal(148, (int)Cell(tableB, 0, "national")!);
    }

    [Fact]
    public void A_service_that_left_out_its_budget_is_in_chart_19_but_not_chart_8()
    {
        var input = Input(2013,
        [
            Return(1, 2013, Budget(80_000), Manager(1m)),
            Return(2, 2013, Manager(2m)),
        ]);
        var result = AdditionalDataFigures.Compute(input);
        var chart8 = result.Figures.Single(f => f.Id == "chart-8");
        var chart19 = result.Figures.Single(f => f.Id == "chart-19");
        Assert.Equal(1, chart8.Returns);
        Assert.DoesNotContain(chart8.Rows, r => (int)r[0]! == 2);
        Assert.Equal(2, chart19.Returns);
        Assert.Contains(chart19.Rows, r => (int)r[0]! == 2);
        // FTE mean (1 + 2) / 2 = 1.5; budget mean is service 1's alone.
        Assert.Equal(1.5m, chart19.Statistics["mean"]);
        Assert.Equal(80_000m, chart8.Statistics["mean"]);
    }

    [Fact]
    public void Chart_23_and_35_keep_only_services_with_enough_volunteers()
    {
        // IPS: s1 0, s2 1, s3 2, s4 4. Chart 23 (at least 2): s3, s4. Chart 35 (at least 1): s2, s3, s4.
        // Users 100 each: per IPS 100, 50, 25 -> mean 58.33, median 50.
        var reference = new[] { Row(1, 2013, 10_000), Row(2, 2013, 10_000), Row(3, 2013, 10_000), Row(4, 2013, 20_000) };
        var returns = new[] { 0, 1, 2, 4 }.Select((ips, i) => Return(i + 1, 2013, Field(FieldIds.VolunteerIps, ips), Users(100)));
        var result = AdditionalDataFigures.Compute(Input(2013, returns, reference));
        var chart23 = result.Figures.Single(f => f.Id == "chart-23");
        var chart35 = result.Figures.Single(f => f.Id == "chart-35");
        Assert.Equal(2, chart23.Returns);
        // s3: 2 * 1,000 / 10,000 = 0.2; s4: 4 * 1,000 / 20,000 = 0.2.
        Assert.Equal(0.2m, chart23.Statistics["median"]);
        Assert.Equal(3, chart35.Returns);
        Assert.Equal(58.33m, chart35.Statistics["mean"]);
        Assert.Equal(50m, chart35.Statistics["median"]);
    }

    [Fact]
    public void Chart_31a_is_the_mean_of_the_services_splits()
    {
        // s1: 60/20/5/5/5/5, s2: 40/30/10/5/15/0 -> casework mean 50, other direct 25, policy 7.5 -> 8 (halves away from zero).
        // s3 gave only five of six: left out.
        decimal[][] splits = [[60, 20, 5, 5, 5, 5], [40, 30, 10, 5, 15, 0]];
        var returns = splits.Select((s, i) => Return(i + 1, 2013, FieldIds.TimeCategories.Select((id, k) => Field(id, s[k])).ToArray())).ToList();
        returns.Add(Return(3, 2013, FieldIds.TimeCategories.Take(5).Select(id => Field(id, 20)).ToArray()));
        var result = AdditionalDataFigures.Compute(Input(2013, returns));
        var chart31a = result.Figures.Single(f => f.Id == "chart-31a");
        Assert.Equal(2, chart31a.Returns);
        Assert.Equal(50m, chart31a.Statistics["pct_casework"]);
        Assert.Equal(8m, chart31a.Statistics["pct_policy"]);
        Assert.Equal(75m, chart31a.Statistics["pct_direct_work"]);
        Assert.Equal(2, result.Figures.Single(f => f.Id == "chart-31b").Returns);
        Assert.Equal(0, result.Figures.Single(f => f.Id == "chart-31c").Returns);
    }
}
