using System.Globalization;
using CsvHelper;

namespace Pps.Tests.Aggregation.Part1;

/// <summary>
/// Every figure the 2013 report's text states about Part 1 (tests/data/report-2013-part1-figures.csv): the values the
/// aggregation (ReportFigures2013Tests) and the published set (YearCloserTests) are checked against.
/// </summary>
public static class ReportFigures2013
{
    public sealed record StatedFigure(
        string StatementId, string ReportRef, string Quote, string Figure, string Row, string Column,
        int Expected, string Stated, bool Agrees, string ReasonGroup, string Reason);

    private static readonly Lazy<IReadOnlyList<StatedFigure>> LazyStated = new(Load);

    public static IReadOnlyList<StatedFigure> Stated => LazyStated.Value;

    private static List<StatedFigure> Load()
    {
        using var reader = new StreamReader(Table2013.DataPath("report-2013-part1-figures.csv"));
        using var csv = new CsvReader(reader, CultureInfo.InvariantCulture);
        csv.Read();
        csv.ReadHeader();
        var rows = new List<StatedFigure>();
        while (csv.Read())
        {
            rows.Add(new StatedFigure(
                csv.GetField("statement_id")!, csv.GetField("report_ref")!, csv.GetField("quote")!,
                csv.GetField("figure")!, csv.GetField("row")!, csv.GetField("column")!,
                int.Parse(csv.GetField("expected")!, CultureInfo.InvariantCulture), csv.GetField("stated")!, csv.GetField("agrees") == "yes",
                csv.GetField("reason_group")!, csv.GetField("reason")!));
        }
        return rows;
    }
}
