using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Pps.Core.Aggregation;
using Pps.Core.Intake;
using Pps.Core.Publishing;
using Pps.Synthetic;
using Pps.Tests.Aggregation.Part1;
using Xunit.Abstractions;

namespace Pps.Tests.Publishing;

/// <summary>
/// Every file of the demo's published set (the real 2013 ratings with synthetic Part 2 figures and synthetic 2009-2012),
/// read as the site shows it: no text a reader sees may be a machine key ("pct_with_mg_or_la", "managerFte"), an
/// unfilled template ("{code}") or a bare "null". Machine fields (ids, units, paths, option values the site hides
/// behind their labels) are what code reads and are left alone.
/// </summary>
public partial class ReaderTextTests(ITestOutputHelper output)
{
    private static readonly Lazy<NationalResult> Demo = new(() =>
    {
        using var ratings = new StreamReader(Table2013.DataPath("nppn-2013-exemplification-ratings.csv"));
        return NationalAggregator.Compute(DemoData.Input(DemoData.Build(SelfRatingsCsv.Read(ratings).ToList())));
    });

    /// <summary>Properties whose values code reads, never shown as they are (the site shows a label or formats them).</summary>
    private static readonly HashSet<string> MachineProperties = new(StringComparer.Ordinal)
    {
        "id", "kind", "unit", "section", "figureId", "template", "measureId", "code", "rating", "previous", "change", "path", "sha256", "contentType",
        "group", "values", "statementId",
    };

    /// <summary>The columns whose cells the site hides behind the row's label (ID_COLUMNS in site/src/js/charts.js).</summary>
    private static readonly HashSet<string> IdColumns = new(StringComparer.Ordinal) { "level", "method", "option", "role", "category", "base", "measure" };

    [GeneratedRegex(@"\b[a-z][a-z0-9]*_[a-z0-9_]+\b|\b[a-z]+[A-Z][A-Za-z]*\b|\{[^}]*\}|\bnull\b")]
    private static partial Regex RawKey();

    [Fact]
    public void No_text_a_reader_sees_in_the_published_set_is_a_machine_key()
    {
        var problems = new List<string>();
        var files = PublishedSetBuilder.Build(Demo.Value).ToList();
        foreach (var file in files)
        {
            var where = $"{file.Kind} {file.FigureId}";
            if (file.Extension == "csv")
            {
                var header = Encoding.UTF8.GetString(file.Content).Split('\n')[0];
                Check(header, $"{where} CSV header", problems);
                continue;
            }
            using var json = JsonDocument.Parse(file.Content);
            if (file.Kind == "figure") CheckStatistics(json.RootElement, where, problems);
            Walk(json.RootElement, where, problems);
        }
        foreach (var p in problems.Distinct().Take(200)) output.WriteLine(p);
        Assert.True(files.Count > 100, $"{files.Count} files");
        Assert.Empty(problems.Distinct());
    }

    /// <summary>A figure's single values are shown by their labels: each has one, and it is not its key.</summary>
    private static void CheckStatistics(JsonElement figure, string where, List<string> problems)
    {
        var statistics = figure.GetProperty("statistics");
        if (statistics.ValueKind != JsonValueKind.Array)
        {
            problems.Add($"{where}: statistics are {statistics.ValueKind}, not a list of labelled values");
            return;
        }
        foreach (var s in statistics.EnumerateArray())
        {
            var id = s.GetProperty("id").GetString();
            var label = s.TryGetProperty("label", out var l) ? l.GetString() : null;
            if (string.IsNullOrWhiteSpace(label) || label == id) problems.Add($"{where}: statistic {id} has no label for readers");
            if (!s.TryGetProperty("unit", out var unit) || string.IsNullOrEmpty(unit.GetString())) problems.Add($"{where}: statistic {id} has no unit");
        }
    }

    private static void Walk(JsonElement element, string where, List<string> problems)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                if (element.TryGetProperty("columns", out var columns) && element.TryGetProperty("rows", out var rows))
                {
                    CheckRows(columns, rows, where, problems);
                }
                foreach (var property in element.EnumerateObject())
                {
                    if (MachineProperties.Contains(property.Name) || property.Name == "rows") continue;
                    Walk(property.Value, $"{where}.{property.Name}", problems);
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray()) Walk(item, where, problems);
                break;
            case JsonValueKind.String:
                Check(element.GetString()!, where, problems);
                break;
        }
    }

    /// <summary>The cells the site shows: text in every column but a row's machine id when the row has a label.</summary>
    private static void CheckRows(JsonElement columns, JsonElement rows, string where, List<string> problems)
    {
        var ids = columns.EnumerateArray().Select(c => c.GetProperty("id").GetString()!).ToList();
        var hidden = ids.Contains("label") && IdColumns.Contains(ids[0]) ? 0 : -1;
        foreach (var row in rows.EnumerateArray())
        {
            var i = 0;
            foreach (var cell in row.EnumerateArray())
            {
                if (i != hidden && cell.ValueKind == JsonValueKind.String) Check(cell.GetString()!, $"{where} row cell in {ids[i]}", problems);
                i++;
            }
        }
    }

    private static void Check(string text, string where, List<string> problems)
    {
        foreach (Match m in RawKey().Matches(text)) problems.Add($"{where}: \"{m.Value}\" in \"{(text.Length > 160 ? text[..160] + "…" : text)}\"");
    }
}
