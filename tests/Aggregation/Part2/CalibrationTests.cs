using Pps.Core.Aggregation;
using Pps.Core.Intake;
using Pps.Synthetic;
using Pps.Tests.Aggregation.Part1;
using Xunit.Abstractions;

namespace Pps.Tests.Aggregation.Part2;

/// <summary>
/// The demo data (the real 2013 self-ratings with synthetic Part 2 figures, synthetic 2009-2012) against every
/// figure the 2013 report states about Part 2 (tests/data/report-2013-part2-figures.csv), read from the figures
/// our aggregation computes. Also what is labelled synthetic, and what is not.
/// </summary>
public class CalibrationTests(ITestOutputHelper output)
{
    private static readonly Lazy<SyntheticData> LazyDemo = new(() =>
    {
        using var ratings = new StreamReader(Table2013.DataPath("nppn-2013-exemplification-ratings.csv"));
        return DemoData.Build(SelfRatingsCsv.Read(ratings).ToList());
    });

    private static readonly Lazy<NationalResult> LazyResult = new(() => NationalAggregator.Compute(DemoData.Input(LazyDemo.Value)));

    private static IReadOnlyList<StatedFigure> Stated()
    {
        using var text = new StreamReader(Table2013.DataPath("report-2013-part2-figures.csv"));
        return Calibration.Load(text);
    }

    [Fact]
    public void Most_stated_part_2_figures_come_out_within_5_percent_of_the_report()
    {
        var lines = Calibration.Compare(LazyResult.Value, Stated());
        using var text = new StringWriter();
        Calibration.Print(lines, text);
        output.WriteLine(text.ToString());

        Assert.Equal(159, lines.Count);
        Assert.Equal(lines.Count, lines.Select(l => l.Stated.StatementId).Distinct().Count());
        // Every statement names a value the engine publishes.
        Assert.All(lines, l => Assert.True(l.Computed is not null, $"{l.Stated.StatementId}: nothing published at {l.Stated.Figure} {l.Stated.Row} {l.Stated.Column}"));
        // Measured with seed 2013: 109 of 159 within 5%, 134 within 10%, 150 within 25%.
        Assert.True(lines.Count(l => l.Within(0.05m)) >= 105, "fewer than 105 of 159 within 5%");
        Assert.True(lines.Count(l => l.Within(0.25m)) >= 145, "fewer than 145 of 159 within 25%");
    }

    [Fact]
    public void The_demo_keeps_the_real_2013_ratings_and_the_real_services()
    {
        var demo = LazyDemo.Value.Returns.Where(r => r.Year == DemoData.Year).ToDictionary(r => r.ServiceId);
        Assert.Equal(Table2013.Returns.Select(r => r.ServiceId).Order(), demo.Keys.Order());
        foreach (var real in Table2013.Returns)
        {
            foreach (var (field, value) in real.Values.AsDictionary()) Assert.Equal(value, demo[real.ServiceId].Values.Text(field));
        }
        // Part 1 of 2013 is the report's own: Chart 1 counts the 131 real returns.
        Assert.Equal(131, LazyResult.Value.Figure("chart-1").Returns);
    }

    [Fact]
    public void Every_figure_resting_on_synthetic_data_says_so_and_real_2013_ratings_do_not()
    {
        var result = LazyResult.Value;
        var part2 = AdditionalDataFigures.Compute(LazyDemo.Value.Input(DemoData.Year)).Figures.Select(f => f.Id).ToHashSet();
        foreach (var figure in result.Figures)
        {
            var shown = figure.Years.Where(y => figure.ReturnsByYear is null || figure.ReturnsByYear[y] > 0).ToList();
            var expected = part2.Contains(figure.Id) || shown.Any(y => y < DemoData.Year);
            Assert.True(expected == figure.Synthetic, $"{figure.Id} (years {string.Join(",", shown)}): synthetic {figure.Synthetic}");
            Assert.Equal(expected, figure.Notes.Count > 0 && figure.Notes[0].StartsWith(SyntheticLabel.NotePrefix, StringComparison.Ordinal));
        }
        Assert.False(result.Figure("chart-4").Synthetic);   // 2013 ratings only: real
        Assert.True(result.Figure("chart-2").Synthetic);    // 3 years: 2011 and 2012 are synthetic
        Assert.Contains("2011, 2012", result.Figure("chart-2").Notes[0], StringComparison.Ordinal);
        // A highlight is marked when its figure is; Part 1's read only 2013 (real), so they are not.
        Assert.All(result.Highlights, h => Assert.Equal(result.Figure(h.FigureId).Synthetic && part2.Contains(h.FigureId), h.Synthetic));
        Assert.Contains(result.Highlights, h => !h.Synthetic && result.Figure(h.FigureId).Synthetic);
    }

    [Fact]
    public void Without_synthetic_parts_only_figures_using_synthetic_reference_figures_are_labelled()
    {
        var result = NationalAggregator.Compute(LazyDemo.Value.Input(DemoData.Year));
        var labelled = result.Figures.Where(f => f.Synthetic).Select(f => f.Id).ToList();
        // The generated reference rows' SEN and FSM pupils are synthetic; their 0-19 population is real ONS. A mark follows
        // the data a figure uses: the figures on SEN or FSM pupils (by their titles in the 2013 report, and reach, which
        // divides by SEN pupils too) are labelled; those dividing by the population only (Charts 10, 21, 23, 26, 33) are not.
        Assert.Equal(new[] { "chart-12", "chart-13", "chart-14", "chart-15", "chart-27", "reach" }.Order(), labelled.Order());
        Assert.Contains("Population aged 0-19: ONS", string.Join(" ", result.Figure("chart-10").Notes), StringComparison.Ordinal);
        Assert.All(labelled, id => Assert.Contains("reference figures", result.Figure(id).Notes[0], StringComparison.Ordinal));
    }
}
