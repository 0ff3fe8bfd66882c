using Pps.Core.Definition;
using Pps.Core.Catalogue;

namespace Pps.Core.Aggregation.Part1;

/// <summary>
/// Table C: every participating service's ratings and completion method, each rating marked higher,
/// lower or the same as the service's own rating the year before.
/// </summary>
internal static class ServiceRatingsFigure
{
    public static Figure Build(AggregationInput input, SelfAssessments data)
    {
        var returns = data.In(input.Year);
        var previousYear = input.Year - 1;
        return Figure.Create(
            year: input.Year,
            id: ExemplificationFigures.TableC,
            reportRef: "Table C",
            title: "Self rating of each Parent Partnership Service on the exemplifications",
            section: Part1Cells.Exemplifications,
            kind: "table",
            returns: returns.Count,
            columns: Columns(),
            rows: returns.Select(a => Row(input.Definitions.For(input.Year), a, data.Find(a.ServiceId, previousYear))).ToList(),
            notes: [
                "Ratings: B Best Practice, G Good Practice, x Not completed, N Non-compliant; blank when not rated. Method blank when not stated.",
                "Each exemplification's \"against last year\" column compares with the same service's rating the year before, in the order B > G > x > N: higher, lower or same; blank when either year has no rating.",
            ],
            years: [previousYear, input.Year],
            returnsByYear: new Dictionary<int, int> { [previousYear] = data.In(previousYear).Count, [input.Year] = returns.Count });
    }

    private static IReadOnlyList<Column> Columns() =>
    [
        new("service_id", "Service", "text"),
        new("method", "Method", "text"),
        .. Exemplifications.All.SelectMany(e => new[]
        {
            new Column(e.Code, e.Code, "text"),
            new Column(e.Code + "_change", e.Code + " against last year", "text"),
        }),
    ];

    private static IReadOnlyList<object?> Row(ReturnDefinition definition, SelfAssessment now, SelfAssessment? before)
    {
        var row = new object?[2 + 2 * Exemplifications.All.Count];
        row[0] = now.ServiceId;
        row[1] = now.Method;
        for (var i = 0; i < Exemplifications.All.Count; i++)
        {
            row[2 + 2 * i] = now.Rating(i) is { } level ? RatingLevels.Code(definition, i, level) : null;
            row[3 + 2 * i] = Change(before?.Rating(i), now.Rating(i));
        }
        return row;
    }

    public static string? Change(RatingLevel? before, RatingLevel? now) =>
        before is { } b && now is { } n ? RatingLevels.Change(b, n) : null;
}
