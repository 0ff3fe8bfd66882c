using System.Globalization;
using Pps.Core.Aggregation;
using Pps.Core.Catalogue;

namespace Pps.Core.Publishing;

/// <summary>
/// A statement of the printed national report beside the value the returns give now. <paramref name="Printed"/>
/// is as the report prints it (a number, or a claim such as "&lt;=2"); <paramref name="FromReturns"/> is read from the
/// published figures of the same set (null when they hold no such value); <paramref name="Reason"/> says why they
/// differ, null when they agree. <paramref name="Reading"/> says how a statement is read when not word for word
/// (Chart 3's "1 or more" read as its "at least 2"), null when it is read as printed.
/// </summary>
public sealed record PrintedStatement(
    string StatementId, string ReportRef, string Quote, string Unit, string FigureId, string Printed, decimal? FromReturns, bool Agrees, string? Reason,
    string? Reading = null);

public sealed record Reconciliation(int Year, string Source, int Returns, IReadOnlyList<PrintedStatement> Statements)
{
    public Figure AsTable() => new()
    {
        Id = "reconciliation",
        ReportRef = "Reconciliation",
        Title = $"The printed {Year} report beside the returns",
        Section = "reconciliation",
        Kind = "table",
        Year = Year,
        Years = [Year],
        Returns = Returns,
        Columns = [new("statement_id", "Statement id", "text"), new("statement", "Statement", "text"), new("where", "Page or section", "text"),
            new("printed", "Printed", "text"), new("from_returns", "From the returns", "count"), new("agrees", "Agrees", "text"), new("reason", "Why they differ", "text"),
            new("reading", "How the statement is read", "text")],
        Rows = Statements.Select(s => (IReadOnlyList<object?>)[s.StatementId, s.Quote, s.ReportRef, s.Printed, s.FromReturns, s.Agrees ? "yes" : "no", s.Reason, s.Reading]).ToList(),
    };
}

/// <summary>
/// The statements of a printed national report (Catalogue/Data/printed-report-{year}.csv, a copy of
/// tests/data/report-2013-part1-figures.csv: where each statement is, what it prints, and which published
/// value it speaks of), checked against the figures being published.
/// </summary>
public static class PrintedReport
{
    private const string Source = "NPPN, Parent Partnership Services in England: survey on the extent to which PPS meet the exemplifications of the minimum standards and additional national data collection 2013 (published 2014)";

    private sealed record Row(string Id, string Ref, string Quote, string Unit, string Figure, string RowKey, string Column, string Stated, string ReasonGroup, string Reason, string Reading);

    private static readonly Lazy<IReadOnlyList<Row>> Rows2013 = new(() => EmbeddedCsv.Read("printed-report-2013.csv", r => new Row(
        r.GetField("statement_id")!, r.GetField("report_ref")!, r.GetField("quote")!, r.GetField("unit")!, r.GetField("figure")!,
        r.GetField("row")!, r.GetField("column")!, r.GetField("stated")!, r.GetField("reason_group")!, r.GetField("reason")!, r.GetField("reading")!)));

    /// <summary>The comparison for the result's year, or null when no printed report of that year is held.</summary>
    public static Reconciliation? For(NationalResult result)
    {
        if (result.Year != 2013) return null;
        var returns = result.Figures.FirstOrDefault(f => f.Id == ExemplificationFigures.TableA)?.Returns ?? 0;
        return new Reconciliation(result.Year, Source, returns, Rows2013.Value.Select(row =>
        {
            var value = Read(result, row.Figure, row.RowKey, row.Column);
            var agrees = value is { } v && Holds(row.Stated, v);
            var reason = agrees ? null
                : value is null ? "The published figures hold no value for this statement (no returns for it)."
                : row.Reason.Length > 0 ? $"{row.ReasonGroup}: {row.Reason}"
                : "The returns as held now give a different value.";
            return new PrintedStatement(row.Id, row.Ref, row.Quote, row.Unit, row.Figure, row.Stated, value, agrees, reason, row.Reading.Length > 0 ? row.Reading : null);
        }).ToList());
    }

    /// <summary>
    /// One published value: a figure's cell by row key (its first cell) and column id; "@returns" (N), "@rows"
    /// (the row count), "stat:{name}"; or a highlight's value when the figure is "highlight:{id}". Null when absent.
    /// </summary>
    public static decimal? Read(NationalResult result, string figureId, string rowKey, string columnId)
    {
        if (figureId.StartsWith("highlight:", StringComparison.Ordinal))
        {
            var highlight = result.Highlights.FirstOrDefault(h => h.Id == figureId["highlight:".Length..]);
            return highlight is not null && highlight.Values.TryGetValue(columnId, out var hv) ? hv : null;
        }
        var figure = result.Figures.FirstOrDefault(f => f.Id == figureId);
        if (figure is null) return null;
        if (columnId == "@returns") return figure.Returns;
        if (columnId == "@rows") return figure.Rows.Count;
        if (columnId.StartsWith("stat:", StringComparison.Ordinal)) return figure.Statistics.GetValueOrDefault(columnId["stat:".Length..]);
        var column = figure.Columns.ToList().FindIndex(c => c.Id == columnId);
        var rows = figure.Rows.Where(r => Convert.ToString(r[0], CultureInfo.InvariantCulture) == rowKey).ToList();
        return column < 0 || rows.Count != 1 || rows[0][column] is null ? null : Convert.ToDecimal(rows[0][column], CultureInfo.InvariantCulture);
    }

    /// <summary>Whether a printed statement holds of a value: a number, or a claim "&gt;=95", "&lt;=2", "&lt;7", "&gt;50".</summary>
    public static bool Holds(string stated, decimal value) => stated switch
    {
        _ when stated.StartsWith(">=", StringComparison.Ordinal) => value >= Number(stated[2..]),
        _ when stated.StartsWith("<=", StringComparison.Ordinal) => value <= Number(stated[2..]),
        _ when stated.StartsWith('>') => value > Number(stated[1..]),
        _ when stated.StartsWith('<') => value < Number(stated[1..]),
        _ => value == Number(stated),
    };

    private static decimal Number(string s) => decimal.Parse(s, CultureInfo.InvariantCulture);
}
