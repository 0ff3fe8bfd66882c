namespace Pps.Core.Aggregation.Part1;

/// <summary>The headline figures Part 1 opens with, each a share of the year's self-assessments.</summary>
internal static class HeadlineFigure
{
    /// <summary>"Meeting at least the minimum standard on at least 32/34": at most this many Non-compliant.</summary>
    public const int MinimumMissesAllowed = 2;

    public static IReadOnlyList<(string Key, string Label, Func<SelfAssessment, bool> Holds)> Measures { get; } =
    [
        ("comply-with-all", "Complying with all the exemplifications (no Non-compliant rating)", a => a.NonCompliantCount() == 0),
        ("best-or-good-on-all", "Best or Good Practice on every exemplification", a => a.BestOrGoodOnAll()),
        ("minimum-on-32-of-34", "At least the minimum standard on at least 32 of the 34 (at most 2 Non-compliant)", a => a.NonCompliantCount() <= MinimumMissesAllowed),
        ("non-compliant-on-exactly-1", "Non-compliant on exactly one exemplification", a => a.NonCompliantCount() == 1),
        ("non-compliant-on-5-or-more", "Non-compliant on five or more exemplifications", a => a.NonCompliantCount() >= NonComplianceFigures.OpenBandFrom),
    ];

    public static Figure Build(AggregationInput input, SelfAssessments data)
    {
        var returns = data.In(input.Year);
        return Figure.Create(
            year: input.Year,
            id: ExemplificationFigures.Headlines,
            reportRef: "Part 1 headline figures",
            title: "Self-assessment headline figures",
            section: Part1Cells.Exemplifications,
            kind: "table",
            returns: returns.Count,
            columns: [
                new("measure", "Measure", "text"),
                new("label", "Services", "text"),
                new("count", "Services", "count"),
                new("pct", "% of services", "pct"),
            ],
            rows: Measures
                .Select(m => (IReadOnlyList<object?>)[m.Key, m.Label, .. Part1Cells.Share(returns.Count(m.Holds), returns.Count)])
                .ToList(),
            notes: [
                "Percentages are of the services that returned a self-assessment.",
                "A blank rating is not Non-compliant, so it does not stop a service complying with all; Best or Good on every exemplification needs all 34 rated Best or Good.",
            ]);
    }
}
