using Pps.Core.Aggregation;
using Pps.Core.Aggregation.AdditionalData;
using Pps.Core.Definition;
using Pps.Synthetic;
using Pps.Core.Validation;

namespace Pps.Tests.Aggregation.Part2;

/// <summary>Properties that must hold whatever the data, over synthetic returns for several seeds.</summary>
public class SyntheticPropertyTests
{
    public static TheoryData<int> Seeds => new() { 1, 7, 2013 };

    private static readonly Dictionary<int, SyntheticData> Cache = [];

    private static SyntheticData Data(int seed)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(seed, out var data)) Cache[seed] = data = SyntheticReturns.Generate(seed, 2009, 2013);
            return data;
        }
    }

    public static readonly string[] ExpectedIds =
    [
        "table-b", "chart-5", "table-d", "chart-6", "table-e", "chart-7", "chart-8", "chart-9", "chart-10", "chart-11", "chart-12",
        "chart-13", "chart-14", "chart-15", "table-f", "table-g", "table-h", "table-i", "chart-16", "chart-17", "chart-18", "chart-19",
        "chart-20", "chart-21", "chart-22", "chart-23", "chart-24", "chart-25", "chart-26", "chart-27", "chart-28", "chart-29",
        "table-j", "chart-30", "table-k", "chart-31a", "chart-31b", "chart-31c", "table-l", "chart-32", "chart-33", "chart-34",
        "chart-35", "chart-36", "reach", "chart-37",
    ];

    [Theory, MemberData(nameof(Seeds))]
    public void Every_part_2_figure_is_there_once_with_its_sections(int seed)
    {
        var result = AdditionalDataFigures.Compute(Data(seed).Input(2013));
        Assert.Equal(ExpectedIds.Order(), result.Figures.Select(f => f.Id).Order());
        Assert.All(result.Figures, f =>
        {
            Assert.Contains(f.Section, new[] { "participation", "type", "budget", "staffing", "access", "casework", "strategic" });
            Assert.Equal(2013, f.Year);
            Assert.True(f.Returns > 0, f.Id);
            Assert.All(f.Rows, r => Assert.Equal(f.Columns.Count, r.Count));
        });
        foreach (var section in new[] { "participation", "type", "budget", "staffing", "access", "casework", "strategic" })
        {
            Assert.Contains(result.Highlights, h => h.Section == section);
        }
        Assert.All(result.Highlights, h => Assert.DoesNotContain("{", h.Text, StringComparison.Ordinal));
        Assert.Contains(result.Highlights, h => h.Text.StartsWith("The mean level of funding per head of 0-19 population is £", StringComparison.Ordinal));
    }

    [Theory, MemberData(nameof(Seeds))]
    public void Median_and_middle_band_lie_within_the_range(int seed)
    {
        var result = AdditionalDataFigures.Compute(Data(seed).Input(2013));
        foreach (var f in result.Figures.Where(f => f.Statistics.ContainsKey("median") && f.Statistics.ContainsKey("min")))
        {
            var s = f.Statistics;
            Assert.True(s["min"] <= s["median"] && s["median"] <= s["max"], $"{f.Id}: {s["min"]} <= {s["median"]} <= {s["max"]}");
            Assert.True(s["min"] <= s["mean"] && s["mean"] <= s["max"], $"{f.Id}: mean {s["mean"]} outside the range");
            if (s.TryGetValue("middle_75_low", out var low))
            {
                Assert.True(s["min"] <= low && low <= s["median"] && s["median"] <= s["middle_75_high"] && s["middle_75_high"] <= s["max"], f.Id);
            }
        }
        foreach (var table in result.Figures.Where(f => f.Id is "table-e" or "table-f" or "table-g" or "table-h" or "table-i" or "table-l"))
        {
            foreach (var row in table.Rows.Where(r => (int)r[1]! > 0))
            {
                var (min, max, mean, median) = ((decimal)row[4]!, (decimal)row[5]!, (decimal)row[6]!, (decimal)row[7]!);
                Assert.True(min <= median && median <= max && min <= mean && mean <= max, $"{table.Id} {row[0]}");
                Assert.True((decimal)row[3]! >= (decimal)row[2]!, $"{table.Id} {row[0]}: the extrapolated total is below the total");
            }
        }
    }

    [Theory, MemberData(nameof(Seeds))]
    public void Shares_add_up_to_100_within_rounding(int seed)
    {
        var result = AdditionalDataFigures.Compute(Data(seed).Input(2013));
        foreach (var id in new[] { "chart-5", "table-d", "chart-6", "chart-7", "chart-18", "chart-28", "chart-29", "chart-30", "chart-36", "chart-37", "table-j" })
        {
            var f = result.Figures.Single(x => x.Id == id);
            var pct = f.Columns.Select(c => c.Id).ToList().IndexOf("pct");
            var sum = f.Rows.Sum(r => (int)r[pct]!);
            // each share is off by at most 0.5 after rounding
            Assert.True(Math.Abs(sum - 100) <= f.Rows.Count / 2m, $"{id}: shares add up to {sum}");
        }
        var chart31a = result.Figures.Single(f => f.Id == "chart-31a");
        Assert.Equal(100m, chart31a.Rows.Sum(r => (decimal)r[2]!), 0);   // exact means add up to 100 (to 1 dp each)
        Assert.InRange(chart31a.Rows.Sum(r => (decimal)r[3]!), 97m, 103m);
        foreach (var f in result.Figures.Where(f => f.Id is "chart-31b" or "chart-31c"))
        {
            Assert.All(f.Rows, r => Assert.Equal(100m, r.Skip(1).Sum(v => (decimal)v!)));
        }
        var chart17 = result.Figures.Single(f => f.Id == "chart-17").Statistics;
        Assert.InRange(chart17["pct_paid"]!.Value + chart17["pct_ips"]!.Value + chart17["pct_other_volunteers"]!.Value, 99m, 101m);
    }

    [Theory, MemberData(nameof(Seeds))]
    public void A_missing_budget_drops_n_by_one_and_is_never_counted_as_zero(int seed)
    {
        var data = Data(seed);
        var input = data.Input(2013);
        var before = AdditionalDataFigures.Compute(input);
        var victim = input.ReturnsFor(2013).First(r => r.Values.Has(FieldIds.CoreBudget) && FieldIds.StaffFte.Any(r.Values.Has));
        var without = new ReturnRecord(victim.ServiceId, 2013,
            new ReturnValues(victim.Values.AsDictionary().Where(kv => kv.Key != FieldIds.CoreBudget)));
        var changed = input with { Returns = input.Returns.Select(r => r == victim ? without : r).ToList() };
        var after = AdditionalDataFigures.Compute(changed);
        Figure F(PartResult p, string id) => p.Figures.Single(f => f.Id == id);

        Assert.Equal(F(before, "chart-8").Returns - 1, F(after, "chart-8").Returns);
        Assert.Equal(F(before, "table-e").Returns - 1, F(after, "table-e").Returns);
        var others = changed.ReturnsFor(2013).Select(r => r.Values.Number(FieldIds.CoreBudget)).Where(v => v is not null).Select(v => v!.Value).ToList();
        Assert.Equal(Math.Round(others.Average(), 2, MidpointRounding.AwayFromZero), F(after, "chart-8").Statistics["mean"]);
        Assert.DoesNotContain(F(after, "chart-8").Rows, r => (int)r[0]! == victim.ServiceId);
        // Each measure counts its own returns: the service is still in the FTE chart.
        Assert.Equal(F(before, "chart-19").Returns, F(after, "chart-19").Returns);
        Assert.Contains(F(after, "chart-19").Rows, r => (int)r[0]! == victim.ServiceId);
    }

    [Theory, MemberData(nameof(Seeds))]
    public void Synthetic_returns_pass_the_validator_and_drift_mostly_under_20_percent(int seed)
    {
        var data = Data(seed);
        var definition = BuiltInDefinitions.For(2013);
        foreach (var r in data.Returns)
        {
            var raw = r.Values.AsDictionary().ToDictionary(kv => kv.Key, kv => (string?)kv.Value);
            var result = ReturnValidator.Validate(definition, raw);
            Assert.True(result.IsValid, $"service {r.ServiceId} {r.Year}: {string.Join("; ", result.Errors.Select(e => e.Message))}");
        }
        var byKey = data.Returns.ToDictionary(r => (r.ServiceId, r.Year));
        var changes = data.Returns
            .Where(r => byKey.ContainsKey((r.ServiceId, r.Year - 1)))
            .Select(r => (Now: r.Values.Number(FieldIds.CoreBudget), Before: byKey[(r.ServiceId, r.Year - 1)].Values.Number(FieldIds.CoreBudget)))
            .Where(x => x.Now is not null && x.Before is not null)
            .Select(x => Math.Abs(x.Now!.Value / x.Before!.Value - 1))
            .ToList();
        Assert.True(changes.Count > 300);
        Assert.True(changes.Count(c => c < 0.2m) >= 0.9 * changes.Count);

        // About 150 services, most returning each year.
        foreach (var year in data.Years)
        {
            Assert.InRange(data.Returns.Count(r => r.Year == year), 110, 152);
        }
    }

    [Fact]
    public void The_generator_is_deterministic_and_labels_its_reference_data_synthetic()
    {
        var a = SyntheticReturns.Generate(5, 2011, 2013);
        var b = SyntheticReturns.Generate(5, 2011, 2013);
        var c = SyntheticReturns.Generate(6, 2011, 2013);
        Assert.Equal(a.Returns.Count, b.Returns.Count);
        Assert.All(a.Returns.Zip(b.Returns), p => Assert.Empty(ReturnValues.Diff(p.First.Values, p.Second.Values)));
        Assert.NotEqual(
            a.Returns.Select(r => r.Values.Text(FieldIds.CoreBudget)),
            c.Returns.Select(r => r.Values.Text(FieldIds.CoreBudget)));
        Assert.All(a.Reference.Rows, r => Assert.True(r.IsSynthetic));
        var sheffield = a.Reference.For(2013, 1)!;
        Assert.Equal(SyntheticReturns.Population0To19(1), sheffield.Population0To19);
        // SEN between 18% and 24% (drift up to 2%) and FSM between 10% and 24% of the school-age share (11/20) of 0-19.
        var school = sheffield.Population0To19!.Value * 11m / 20m;
        Assert.InRange(sheffield.SenPupils!.Value / school, 0.18m * 0.98m, 0.24m * 1.02m);
        Assert.InRange(sheffield.FsmPupils!.Value / school, 0.10m * 0.98m, 0.24m * 1.02m);
    }

    [Theory, MemberData(nameof(Seeds))]
    public void Extrapolation_is_by_population_where_the_reference_covers_every_service(int seed)
    {
        // The synthetic reference has every current service's population from 2010 on; in 2009 the two services that
        // ended that year have no population, so 2009 falls back to the service count.
        var tableE = AdditionalDataFigures.Compute(Data(seed).Input(2013)).Figures.Single(f => f.Id == "table-e");
        Assert.Contains(tableE.Notes, n => n.StartsWith("2013: extrapolated by population", StringComparison.Ordinal));
        Assert.Contains(tableE.Notes, n => n.StartsWith("2009: extrapolated by service count", StringComparison.Ordinal));
        Assert.Contains(tableE.Notes, n => n.StartsWith("Extrapolated total:", StringComparison.Ordinal));
        foreach (var table in AdditionalDataFigures.Compute(Data(seed).Input(2013)).Figures.Where(f => f.Columns.Any(c => c.Id == "extrapolated_total")))
        {
            // every extrapolated figure says how, for every year it extrapolates
            Assert.Contains(table.Notes, n => n.StartsWith("Extrapolated total:", StringComparison.Ordinal));
            foreach (var year in table.Years.Where(y => table.ReturnsByYear![y] > 0))
            {
                Assert.Contains(table.Notes, n => n.StartsWith($"{year}: extrapolated by ", StringComparison.Ordinal));
            }
        }
        var values = Data(seed).Input(2013).ReturnsFor(2013).Where(r => r.Values.Has(FieldIds.CoreBudget)).ToList();
        var expected = Extrapolation.Total(values.Sum(r => r.Values.Number(FieldIds.CoreBudget)!.Value), values.Select(r => r.ServiceId).ToList(), 2013, Data(seed).Input(2013));
        Assert.Equal(Math.Round(expected.Value!.Value, 2, MidpointRounding.AwayFromZero), tableE.Statistics["extrapolated_total"]);
    }
}
