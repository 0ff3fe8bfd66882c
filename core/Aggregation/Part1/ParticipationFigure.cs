namespace Pps.Core.Aggregation.Part1;

/// <summary>Table A: services that returned the self-assessment, and their share of all services nationally.</summary>
internal static class ParticipationFigure
{
    public const int YearsShown = 5;

    public static Figure Build(AggregationInput input, SelfAssessments data)
    {
        var years = input.LastYears(YearsShown);
        return Figure.Create(
            year: input.Year,
            id: ExemplificationFigures.TableA,
            reportRef: "Table A",
            title: "Services contributing to the exemplifications survey",
            section: Part1Cells.Participation,
            kind: "table",
            returns: data.In(input.Year).Count,
            columns: [
                new("year", "Year", "year"),
                new("returns", "No of PPS participating", "count"),
                new("national", "PPS nationally", "count"),
                new("pct_national", "Percentage of PPS nationally", "pct"),
            ],
            rows: years.Select(y => Row(y, data, input.NationalServiceCount(y))).ToList(),
            notes: [
                "A service participates when its return rates at least one exemplification.",
                "A year for which no returns are held shows no data rather than 0.",
            ],
            years: years,
            returnsByYear: Part1Cells.CountByYear(years, y => data.In(y).Count));
    }

    private static object?[] Row(int year, SelfAssessments data, int national) =>
        data.HasAny(year)
            ? [year, data.In(year).Count, national, Percent.Rounded(data.In(year).Count, national)]
            : [year, null, national, null];
}
