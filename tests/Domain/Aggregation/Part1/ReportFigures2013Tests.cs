using System.Globalization;
using Xunit.Abstractions;

namespace Pps.Tests.Aggregation.Part1;

/// <summary>
/// Every figure the 2013 report's text states about Part 1 (tests/data/report-2013-part1-figures.csv), read
/// from the figures computed from the report's own Table C. One rule throughout: percentages of the 131
/// returns (of the services rating that exemplification, for per-exemplification figures), nearest whole
/// number, halves away from zero; Best or Good = count of B + G, then rounded. Where the report disagrees
/// with its own Table C the row expects what the data gives, and names the report's figure and why.
/// </summary>
public class ReportFigures2013Tests(ITestOutputHelper output)
{
    private static IReadOnlyList<ReportFigures2013.StatedFigure> Stated => ReportFigures2013.Stated;

    public static TheoryData<string> StatementIds => new(Stated.Select(s => s.StatementId));

    [Theory]
    [MemberData(nameof(StatementIds))]
    public void Engine_gives_the_value_the_data_supports(string statementId)
    {
        var s = Stated.Single(x => x.StatementId == statementId);
        var actual = FigureReader.Number(FigureReader.Read(Table2013.Result, s.Figure, s.Row, s.Column));

        var context = s.Agrees
            ? $"{s.ReportRef}: the report states {s.Stated} (\"{s.Quote}\")"
            : $"{s.ReportRef}: the report states {s.Stated}, but its Table C gives {s.Expected} ({s.ReasonGroup}: {s.Reason})";
        Assert.True(s.Expected == actual, $"{s.Figure} [{s.Row}] {s.Column}: engine {actual}, expected {s.Expected}. {context}");
        Assert.True(s.Agrees == Holds(s.Stated, actual!.Value),
            $"the file says agrees={s.Agrees} for {statementId}, but the stated {s.Stated} against {actual} says otherwise");
        Assert.True(s.Agrees == (s.Reason.Length == 0), $"{statementId}: a reason is given exactly when the report's figure differs");
    }

    [Fact]
    public void Tally_of_agreements_with_the_report()
    {
        var agree = Stated.Count(s => s.Agrees);
        var differ = Stated.Where(s => !s.Agrees).GroupBy(s => s.ReasonGroup).OrderByDescending(g => g.Count()).ToList();
        output.WriteLine($"{Stated.Count} figures stated by the 2013 report about Part 1: {agree} agree with its Table C, {Stated.Count - agree} differ.");
        foreach (var group in differ)
        {
            output.WriteLine($"  {group.Count(),2} {group.Key}: {string.Join(", ", group.Select(s => s.StatementId))}");
        }

        Assert.Equal(91, Stated.Count);
        Assert.Equal(66, agree);
        Assert.Equal(
            new Dictionary<string, int>
            {
                ["report's percentages fit 132, not 131"] = 14,
                ["wording slip in the text"] = 4,
                ["Chart 2 distribution not reproducible"] = 2,
                ["count in the text one higher than Table C"] = 2,
                ["carried over from 2012"] = 1,
                ["Table C method incomplete"] = 1,
                ["number contradicts Table C and the text itself"] = 1,
            },
            differ.ToDictionary(g => g.Key, g => g.Count()));
    }

    [Fact]
    public void The_figures_the_issue_names_agree_with_the_report()
    {
        string[] named =
        [
            "headline-comply-all", "headline-all-BG", "chart2-N-eq1",
            "chart3-area1-pct", "chart3-area6-pct", "chart3-area5-pct", "chart3-area3-pct", "chart3-area2-pct", "chart3-area4-pct",
            "ex-1a-count-N", "ex-1c-pct-BG",
        ];
        Assert.All(named, id => Assert.True(Stated.Single(s => s.StatementId == id).Agrees, id));
        Assert.Equal([45, 19, 13, 21, 16, 13, 5, 6, 2, 26, 94], named.Select(id => Stated.Single(s => s.StatementId == id).Expected));
    }

    /// <summary>Whether the report's statement holds of a value: a number, or a claim "&gt;=95", "&lt;=2", "&lt;7", "&gt;50".</summary>
    public static bool Holds(string stated, int value) => stated switch
    {
        _ when stated.StartsWith(">=", StringComparison.Ordinal) => value >= Int(stated[2..]),
        _ when stated.StartsWith("<=", StringComparison.Ordinal) => value <= Int(stated[2..]),
        _ when stated.StartsWith('>') => value > Int(stated[1..]),
        _ when stated.StartsWith('<') => value < Int(stated[1..]),
        _ => value == Int(stated),
    };

    private static int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);
}
