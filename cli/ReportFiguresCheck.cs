using System.Globalization;
using System.Text.Json;
using CsvHelper;

namespace Pps.Cli;

/// <summary>
/// The demo's check against values that do not come from this code: every Part 1 figure the printed 2013 report
/// states (tests/data/report-2013-part1-figures.csv, whose expected values a separate script computes from the
/// report's own Table C), read from the files the host published. The demo sends the real 2013 self-ratings, so the
/// published 2013 Part 1 figures must equal them, whatever synthetic data sits beside them.
/// </summary>
public static class ReportFiguresCheck
{
    public sealed record Statement(string Id, string Figure, string Row, string Column, int Expected);

    public static IReadOnlyList<Statement> Read(string path)
    {
        using var reader = new StreamReader(path);
        using var csv = new CsvReader(reader, CultureInfo.InvariantCulture);
        csv.Read();
        csv.ReadHeader();
        var statements = new List<Statement>();
        while (csv.Read())
        {
            statements.Add(new Statement(csv.GetField("statement_id")!, csv.GetField("figure")!, csv.GetField("row")!,
                csv.GetField("column")!, int.Parse(csv.GetField("expected")!, CultureInfo.InvariantCulture)));
        }
        return statements;
    }

    /// <summary>
    /// Each statement whose published value differs from its expected one, in words. <paramref name="figure"/> gives a
    /// published figure's JSON by id; <paramref name="highlights"/> is the published highlights file.
    /// </summary>
    public static async Task<List<string>> CompareAsync(IReadOnlyList<Statement> statements, Func<string, Task<JsonElement>> figure, JsonElement highlights)
    {
        var failures = new List<string>();
        var figures = new Dictionary<string, JsonElement>();
        foreach (var s in statements)
        {
            string? problem;
            if (s.Figure.StartsWith("highlight:", StringComparison.Ordinal))
            {
                var id = s.Figure["highlight:".Length..];
                var highlight = highlights.EnumerateArray().Where(h => h.GetProperty("id").GetString() == id).ToList();
                problem = highlight.Count != 1 ? $"{highlight.Count} highlights have the id {id}"
                    : highlight[0].GetProperty("values").TryGetProperty(s.Column, out var value) ? Differs(value, s.Expected)
                    : $"highlight {id} has no value {s.Column}";
            }
            else
            {
                if (!figures.TryGetValue(s.Figure, out var json)) figures[s.Figure] = json = await figure(s.Figure);
                problem = Differs(json, s);
            }
            if (problem is not null) failures.Add($"report statement {s.Id} ({s.Figure} [{s.Row}] {s.Column}): {problem}");
        }
        return failures;
    }

    private static string? Differs(JsonElement figure, Statement s)
    {
        if (s.Column == "@returns") return Differs(figure.GetProperty("returns"), s.Expected);
        if (s.Column == "@rows") return Differs(figure.GetProperty("rows").GetArrayLength(), s.Expected);
        if (s.Column.StartsWith("stat:", StringComparison.Ordinal))
        {
            // Published as [{id, label, unit, value}], each value with its label for readers.
            var id = s.Column["stat:".Length..];
            var stats = figure.GetProperty("statistics").EnumerateArray().Where(x => x.GetProperty("id").GetString() == id).ToList();
            return stats.Count == 1 ? Differs(stats[0].GetProperty("value"), s.Expected) : "no such statistic";
        }
        var column = figure.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("id").GetString()).ToList().IndexOf(s.Column);
        if (column < 0) return "no such column";
        var rows = figure.GetProperty("rows").EnumerateArray().Where(r => Text(r[0]) == s.Row).ToList();
        return rows.Count == 1 ? Differs(rows[0][column], s.Expected) : $"{rows.Count} rows are keyed {s.Row}";
    }

    private static string? Differs(JsonElement value, int expected) =>
        value.ValueKind != JsonValueKind.Number ? $"published {value.GetRawText()}, the report's data gives {expected}"
        : Differs((int)Math.Round(value.GetDecimal(), MidpointRounding.AwayFromZero), expected);

    private static string? Differs(int published, int expected) =>
        published == expected ? null : $"published {published}, the report's data gives {expected}";

    private static string? Text(JsonElement cell) => cell.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => cell.GetString(),
        _ => cell.GetRawText(),
    };
}
