using Pps.Core.Catalogue;

namespace Pps.Core.Aggregation.Part1;

/// <summary>Chart 2 (how many exemplifications services rate Non-compliant) and Chart 3 (by area of work).</summary>
internal static class NonComplianceFigures
{
    public const int YearsShown = 3;
    /// <summary>Chart 2's last band: "5 or more".</summary>
    public const int OpenBandFrom = 5;

    public static Figure Chart2(AggregationInput input, SelfAssessments data)
    {
        var years = input.LastYears(YearsShown);
        var bands = Enumerable.Range(0, OpenBandFrom + 1).ToList();
        return Figure.Create(
            year: input.Year,
            id: ExemplificationFigures.Chart2,
            reportRef: "Chart 2",
            title: "Percentage of Parent Partnership Services that are 'Non-Compliant' on 1 or more exemplifications",
            section: Part1Cells.Exemplifications,
            kind: "bar",
            returns: data.In(input.Year).Count,
            columns: [new("non_compliant", "Exemplifications rated Non-compliant", "text"), .. Part1Cells.ShareColumns(years)],
            rows: bands.Select(b => BandRow(b, years, data)).ToList(),
            notes: [
                "Percentages are of the services that returned a self-assessment that year.",
                "A blank rating is not Non-compliant.",
            ],
            years: years,
            returnsByYear: Part1Cells.CountByYear(years, y => data.In(y).Count));
    }

    /// <summary>"0" .. "4", and "5+" for five or more.</summary>
    public static string BandKey(int band) => band >= OpenBandFrom ? $"{OpenBandFrom}+" : band.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static bool InBand(int nonCompliant, int band) =>
        band >= OpenBandFrom ? nonCompliant >= OpenBandFrom : nonCompliant == band;

    private static IReadOnlyList<object?> BandRow(int band, IReadOnlyList<int> years, SelfAssessments data) =>
    [
        BandKey(band),
        .. years.SelectMany(y => Part1Cells.Share(data.In(y).Count(a => InBand(a.NonCompliantCount(), band)), data.In(y).Count)),
    ];

    public static Figure Chart3(AggregationInput input, SelfAssessments data)
    {
        var years = input.LastYears(YearsShown);
        return Figure.Create(
            year: input.Year,
            id: ExemplificationFigures.Chart3,
            reportRef: "Chart 3",
            title: "Percentage of Parent Partnership Services that are 'Non-Compliant' on more than 1 exemplification within a single area of work",
            section: Part1Cells.Exemplifications,
            kind: "bar",
            returns: data.In(input.Year).Count,
            columns: [
                new("area", "Area of work", "text"),
                new("title", "Area of work", "text"),
                new("exemplifications", "Exemplifications in the area", "count"),
                .. Part1Cells.ShareColumns(years),
            ],
            rows: Exemplifications.Areas.Select(a => AreaRow(a, years, data)).ToList(),
            notes: ["A service counts for an area when it rates at least two of that area's exemplifications Non-compliant; percentages are of all services that returned a self-assessment that year."],
            years: years,
            returnsByYear: Part1Cells.CountByYear(years, y => data.In(y).Count));
    }

    public static bool NonCompliantOnMoreThanOne(SelfAssessment a, AreaOfWork area) => a.NonCompliantCount(area.Exemplifications) > 1;

    private static IReadOnlyList<object?> AreaRow(AreaOfWork area, IReadOnlyList<int> years, SelfAssessments data) =>
    [
        area.Number,
        area.Title,
        area.Exemplifications.Count,
        .. years.SelectMany(y => Part1Cells.Share(data.In(y).Count(a => NonCompliantOnMoreThanOne(a, area)), data.In(y).Count)),
    ];
}
