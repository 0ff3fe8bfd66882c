using System.Text.RegularExpressions;
using Pps.Core.Aggregation;
using Pps.Core.Catalogue;
using Pps.Core.Intake;
using Pps.Synthetic;
using Pps.Tests.Aggregation.Part1;

namespace Pps.Tests.Aggregation.Part2;

/// <summary>
/// One count of services nationally per year: the 2013 report's 150 (from 2010; 148 before), which Table A divides by,
/// is the number every figure, note and statement gives as "all services", never the key's 152 areas or 154 numbers.
/// </summary>
public class ServicesNationallyTests
{
    private static readonly Lazy<NationalResult> Result = new(() =>
    {
        using var ratings = new StreamReader(Table2013.DataPath("nppn-2013-exemplification-ratings.csv"));
        return NationalAggregator.Compute(DemoData.Input(DemoData.Build(SelfRatingsCsv.Read(ratings).ToList())));
    });

    [Fact]
    public void The_report_says_150_services_nationally_in_2013_and_148_before_2010()
    {
        Assert.Equal(150, ServicesNationally.BuiltIn.InYear(2013));
        Assert.Equal(150, ServicesNationally.BuiltIn.InYear(2010));
        Assert.Equal(148, ServicesNationally.BuiltIn.InYear(2009));
        // The key numbers more: every area that has had a service, two of which ended in 2009.
        Assert.Equal(152, ServiceCatalogue.BuiltIn.ExistingIn(2013).Count);
    }

    [Fact]
    public void Table_A_and_every_note_and_statement_give_the_same_count_of_all_services()
    {
        var result = Result.Value;
        var tableA = result.Figure("table-a");
        var national = tableA.Columns.ToList().FindIndex(c => c.Id == "national");
        var year = tableA.Columns.ToList().FindIndex(c => c.Id == "year");
        Assert.Equal(150, Convert.ToInt32(tableA.Rows.Single(r => Convert.ToInt32(r[year]) == 2013)[national]));

        var texts = result.Figures.SelectMany(f => f.Notes.Select(n => (f.Id, Text: n)))
            .Concat(result.Highlights.Select(h => (Id: h.Id, h.Text)))
            .ToList();
        // "all N services", "N services nationally": N is the year's one count, wherever a text states it for 2013.
        var counts = texts.SelectMany(t => Regex.Matches(t.Text, @"2013[^.]*?\ball (\d+) services|2013[^.]*?\b(\d+) services nationally")
                .Select(m => (t.Id, t.Text, N: int.Parse(m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture))))
            .ToList();
        Assert.NotEmpty(counts);   // the extrapolated totals say it
        Assert.All(counts, c => Assert.True(c.N == 150, $"{c.Id}: \"{c.Text}\" says {c.N} services"));
        var other = texts.Where(t => Regex.IsMatch(t.Text, @"\b15[24] (services|PPS)\b|\ball 15[24]\b")).Select(t => $"{t.Id}: {t.Text}").ToList();
        Assert.True(other.Count == 0, string.Join("\n", other));
    }
}
