using Pps.Core.Definition;

namespace Pps.Core.Aggregation.Part1;

/// <summary>Chart 1: returns by who completed the self-assessment.</summary>
internal static class MethodFigure
{
    public const string NotStated = "not-stated";

    /// <summary>Chart 1's label for a completion method: the option's label in the year's definition; "Not stated" for none.</summary>
    public static string LabelOf(ReturnDefinition definition, string? method) =>
        method is null ? NotStatedLabel : SelfAssessment.Methods(definition).FirstOrDefault(o => o.Value == method)?.Label ?? NotStatedLabel;

    private const string NotStatedLabel = "Not stated";

    public static Figure Build(AggregationInput input, SelfAssessments data)
    {
        var returns = data.In(input.Year);
        var n = returns.Count;
        int CountOf(string? method) => returns.Count(a => a.Method == method);
        // The methods and their labels are the options of the year's completion field, in its order.
        var methods = SelfAssessment.Methods(input.Definitions.For(input.Year));
        var rows = methods
            .Select(m => (Key: m.Value, Label: m.Label, Count: CountOf(m.Value)))
            .Append((Key: NotStated, Label: NotStatedLabel, Count: CountOf(null)))
            .Select(r => (IReadOnlyList<object?>)[r.Key, r.Label, .. Part1Cells.Share(r.Count, n)])
            .ToList();
        return Figure.Create(
            year: input.Year,
            id: ExemplificationFigures.Chart1,
            reportRef: "Chart 1",
            title: $"Method used in {input.Year} to complete the self assessment of the extent to which the exemplifications are met",
            section: Part1Cells.Exemplifications,
            kind: "pie",
            returns: n,
            columns: [
                new("method", "Method", "text"),
                new("label", "Completed by", "text"),
                new("returns", "Returns", "count"),
                new("pct", "% of returns", "pct"),
            ],
            rows: rows,
            statistics: [
                new("pct_with_mg_or_la", "Share completed with the management or steering group or the local authority officer", "pct",
                    Percent.Rounded(CountOf("PPO+MG") + CountOf("PPO+LA"), n)),
            ],
            notes: [
                "Percentages are of all returns that include a self-assessment.",
                "Not stated: the method is blank or not one of the three offered (in the 2013 data, also where the printed report's cell is cut off).",
                "The share completed with the management or steering group or the local authority officer leaves out the returns that do not say how they were completed, so when there are any it is a lower bound: at least this share.",
            ]);
    }
}
