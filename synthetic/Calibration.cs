using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Pps.Core.Aggregation;

namespace Pps.Synthetic;

/// <summary>A figure the 2013 report states about Part 2 (tests/data/report-2013-part2-figures.csv), and where the engine publishes it.</summary>
/// <param name="Figure">A figure id, or "highlight:{id}" to read a highlight's value.</param>
/// <param name="Row">The value of the row's first cell, for a cell; empty otherwise.</param>
/// <param name="Column">A column id (with <paramref name="Row"/>), "@returns" (the figure's N) or "stat:{name}".</param>
public sealed record StatedFigure(string StatementId, string Section, string ReportRef, string Quote, string Figure, string Row, string Column, decimal Stated);

/// <summary>One stated figure beside the value computed from the synthetic data.</summary>
public sealed record CalibrationLine(StatedFigure Stated, decimal? Computed)
{
    /// <summary>|computed - stated| / |stated|; exact match required when the report states 0. Null when nothing was computed.</summary>
    public decimal? RelativeDifference => Computed is not { } c ? null
        : Stated.Stated == 0 ? (c == 0 ? 0 : 1)
        : Math.Abs(c - Stated.Stated) / Math.Abs(Stated.Stated);

    public bool Within(decimal tolerance) => RelativeDifference is { } d && d <= tolerance;
}

/// <summary>
/// How close the synthetic Part 2 data comes to the 2013 report: every figure the report states about Part 2,
/// read from the figures our aggregation computes from the demo data (never recomputed here).
/// </summary>
public static class Calibration
{
    public const decimal Tolerance = 0.05m;

    public static IReadOnlyList<StatedFigure> Load(TextReader text)
    {
        using var csv = new CsvReader(text, new CsvConfiguration(CultureInfo.InvariantCulture));
        return csv.GetRecords<Row>().Select(r => new StatedFigure(r.statement_id, r.section, r.report_ref, r.quote, r.figure, r.row, r.column,
            decimal.Parse(r.stated, NumberStyles.Float, CultureInfo.InvariantCulture))).ToList();
    }

    public static IReadOnlyList<CalibrationLine> Compare(NationalResult result, IEnumerable<StatedFigure> stated) =>
        stated.Select(s => new CalibrationLine(s, Read(result, s))).ToList();

    /// <summary>One published value: a highlight's value, a figure's N, a statistic, or a cell by row key and column id.</summary>
    public static decimal? Read(NationalResult result, StatedFigure s)
    {
        if (s.Figure.StartsWith("highlight:", StringComparison.Ordinal))
        {
            var highlight = result.Highlights.SingleOrDefault(h => h.Id == s.Figure["highlight:".Length..]);
            return highlight is not null && highlight.Values.TryGetValue(s.Column, out var v) ? v : null;
        }
        var figure = result.Figures.SingleOrDefault(f => f.Id == s.Figure);
        if (figure is null) return null;
        if (s.Column == "@returns") return figure.Returns;
        if (s.Column.StartsWith("stat:", StringComparison.Ordinal)) return figure.Statistics.GetValueOrDefault(s.Column["stat:".Length..]);
        var column = figure.Columns.ToList().FindIndex(c => c.Id == s.Column);
        var row = figure.Rows.FirstOrDefault(r => Convert.ToString(r[0], CultureInfo.InvariantCulture) == s.Row);
        return column < 0 || row?[column] is not { } cell ? null : Convert.ToDecimal(cell, CultureInfo.InvariantCulture);
    }

    /// <summary>The comparison as text: one line per statement, then the tally.</summary>
    public static void Print(IReadOnlyList<CalibrationLine> lines, TextWriter output)
    {
        output.WriteLine($"{"statement",-26} {"report",12} {"computed",12} {"diff",7}  where");
        foreach (var line in lines)
        {
            var diff = line.RelativeDifference is { } d ? (d * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "n/a";
            var mark = line.Within(Tolerance) ? " " : "*";
            output.WriteLine($"{line.Stated.StatementId,-26} {Format(line.Stated.Stated),12} {Format(line.Computed),12} {diff,7}{mark} " +
                             $"{line.Stated.Figure} {line.Stated.Row} {line.Stated.Column}".TrimEnd());
        }
        output.WriteLine();
        foreach (var tolerance in new[] { 0.05m, 0.10m, 0.25m })
        {
            output.WriteLine($"{lines.Count(l => l.Within(tolerance))} of {lines.Count} stated figures within {tolerance:P0}");
        }
        foreach (var section in lines.GroupBy(l => l.Stated.Section))
        {
            output.WriteLine($"  {section.Key,-10} {section.Count(l => l.Within(Tolerance)),3} of {section.Count(),3} within 5%");
        }
    }

    private static string Format(decimal? value) => value?.ToString("0.####", CultureInfo.InvariantCulture) ?? "-";

    private sealed class Row
    {
#pragma warning disable IDE1006, CA1707 // CSV header names
        public string statement_id { get; set; } = "";
        public string section { get; set; } = "";
        public string report_ref { get; set; } = "";
        public string quote { get; set; } = "";
        public string figure { get; set; } = "";
        public string row { get; set; } = "";
        public string column { get; set; } = "";
        public string stated { get; set; } = "";
#pragma warning restore IDE1006, CA1707
    }
}
