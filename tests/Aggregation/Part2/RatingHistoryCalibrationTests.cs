using Pps.Core.Aggregation;
using Pps.Core.Catalogue;
using Pps.Core.Definition;
using Pps.Core.Intake;
using Pps.Synthetic;
using Pps.Tests.Aggregation.Part1;
using Xunit.Abstractions;

namespace Pps.Tests.Aggregation.Part2;

/// <summary>
/// The demo's synthetic self-assessment history against the real 2013 ratings (Table C): year on year, services
/// change about as many ratings as the 2013 report implies (on 1a, "7 PPS rated themselves as improving to Best
/// Practice ... and a further 2 to Good Practice", and 5 Non-compliant "down-graded": 14 of 131), and the shape of
/// the ratings (how many services are Non-compliant on 5 or more) does not jump between a synthetic year and a real one.
/// </summary>
public class RatingHistoryCalibrationTests(ITestOutputHelper output)
{
    private static readonly Lazy<SyntheticData> Demo = new(() =>
    {
        using var ratings = new StreamReader(Table2013.DataPath("nppn-2013-exemplification-ratings.csv"));
        return DemoData.Build(SelfRatingsCsv.Read(ratings).ToList());
    });

    private static Dictionary<int, ReturnValues> Year(int year) =>
        Demo.Value.Returns.Where(r => r.Year == year).ToDictionary(r => r.ServiceId, r => r.Values);

    [Fact]
    public void Synthetic_2012_ratings_change_against_the_real_2013_ones_at_the_rate_the_report_implies()
    {
        var (before, after) = (Year(2012), Year(2013));
        var compared = 0;
        var changed = 0;
        var changedByCode = Exemplifications.All.ToDictionary(e => e.Code, _ => 0);
        foreach (var (id, now) in after)
        {
            if (!before.TryGetValue(id, out var then)) continue;
            foreach (var e in Exemplifications.All)
            {
                if (now.Text(FieldIds.Rating(e.Code)) is not { } b || then.Text(FieldIds.Rating(e.Code)) is not { } a) continue;
                compared++;
                if (a == b) continue;
                changed++;
                changedByCode[e.Code]++;
            }
        }
        var rate = (double)changed / compared;
        output.WriteLine($"{changed} of {compared} comparable ratings change from 2012 to 2013 ({rate:P1}); 1a: {changedByCode["1a"]}, 1h: {changedByCode["1h"]}");
        // The report implies 14 / 131 = 10.7% on 1a; across 4,000-odd comparisons the draw lands within a few points.
        Assert.InRange(rate, 0.08, 0.135);
        // One exemplification's count is a draw of about 120 comparisons: 14 ± 3 standard deviations.
        Assert.InRange(changedByCode["1a"], 5, 24);
        Assert.InRange(changedByCode.Values.Max(), 5, 30);
    }

    [Fact]
    public void The_share_of_services_non_compliant_on_5_or_more_does_not_jump_from_the_synthetic_years_to_the_real_one()
    {
        static double Share(Dictionary<int, ReturnValues> returns) =>
            (double)returns.Values.Count(v => Exemplifications.All.Count(e => v.Text(FieldIds.Rating(e.Code)) == "N") >= 5) / returns.Count;
        var real = Share(Year(2013));
        var shares = Enumerable.Range(2009, 4).Select(y => (Year: y, Share: Share(Year(y)))).ToList();
        output.WriteLine($"2013 (real): {real:P0}; {string.Join(", ", shares.Select(s => $"{s.Year}: {s.Share:P0}"))}");
        Assert.All(shares, s => Assert.InRange(s.Share, real - 0.08, real + 0.08));
    }
}
