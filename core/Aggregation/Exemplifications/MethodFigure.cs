namespace Pps.Core.Aggregation.Part1;

/// <summary>Chart 1: returns by who completed the self-assessment.</summary>
internal static class MethodFigure
{
    public const string NotStated = "not-stated";

    private static readonly IReadOnlyDictionary<string, string> Labels = new Dictionary<string, string>
    {
        ["PPO"] = "PPS officer",
        ["PPO+MG"] = "PPS officer with the management/steering group",
        ["PPO+LA"] = "PPS officer with the local authority officer",
        [NotStated] = "Not stated",
    };

    /// <summary>Chart 1's label for a completion method; "Not stated" for none.</summary>
    public static string LabelOf(string? method) => Labels[method ?? NotStated];

    public static Figure Build(AggregationInput input, SelfAssessments data)
    {
        var returns = data.In(input.Year);
        var n = returns.Count;
        int CountOf(string? method) => returns.Count(a => a.Method == method);
        var rows = SelfAssessment.Methods
            .Select(m => (Key: m, Count: CountOf(m)))
            .Append((Key: NotStated, Count: CountOf(null)))
            .Select(r => (IReadOnlyList<object?>)[r.Key, Labels[r.Key], .. Part1Cells.Share(r.Count, n)])
            .ToList();
        return new Figure
        {
            Id = ExemplificationFigures.Chart1,
            ReportRef = "Chart 1",
            Title = $"Method used in {input.Year} to complete the self assessment of the extent to which the exemplifications are met",
            Section = Part1Cells.Exemplifications,
            Kind = "pie",
            Year = input.Year,
            Years = [input.Year],
            Returns = n,
            Columns =
            [
                new("method", "Method", "text"),
                new("label", "Completed by", "text"),
                new("returns", "Returns", "count"),
                new("pct", "% of returns", "pct"),
            ],
            Rows = rows,
            Statistics = new Dictionary<string, decimal?>
            {
                ["pct_with_mg_or_la"] = Percent.Rounded(CountOf("PPO+MG") + CountOf("PPO+LA"), n),
            },
            Notes =
            [
                "Percentages are of all returns that include a self-assessment.",
                "Not stated: the method is blank or not one of the three offered (in the 2013 data, also where the printed report's cell is cut off).",
                "pct_with_mg_or_la: returns completed with the management/steering group or the local authority officer. Not-stated returns are in neither, so when there are any it is a lower bound: at least this share.",
            ],
        };
    }
}
