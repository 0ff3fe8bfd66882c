using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using CsvHelper;
using CsvHelper.Configuration;
using Pps.Core.Aggregation;

namespace Pps.Core.Publishing;

/// <summary>A file ready to write: its path, bytes and headers.</summary>
public sealed record PublishedFile(string Path, byte[] Content, string ContentType, string Kind, string FigureId, string Title, int Returns)
{
    public ManifestFile ToManifestEntry() => new(Path, Kind, FigureId, Title, Returns,
        Convert.ToHexStringLower(SHA256.HashData(Content)), Content.LongLength, ContentType);
}

/// <summary>Turns a national result into the files of one published version (pure: no storage).</summary>
public static class PublishedSetBuilder
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        WriteIndented = false,
    };

    public static IReadOnlyList<PublishedFile> Build(NationalResult result, string version)
    {
        var year = result.Year;
        var files = new List<PublishedFile>();
        foreach (var figure in result.Figures)
        {
            files.Add(new PublishedFile(PublishedPaths.FigureJson(year, version, figure.Id), JsonSerializer.SerializeToUtf8Bytes(figure, Json),
                "application/json", "figure", figure.Id, figure.Title, figure.Returns));
            files.Add(new PublishedFile(PublishedPaths.TableCsv(year, version, figure.Id), Csv(figure),
                "text/csv; charset=utf-8", "table", figure.Id, figure.Title, figure.Returns));
        }
        files.Add(new PublishedFile(PublishedPaths.Figures(year, version), JsonSerializer.SerializeToUtf8Bytes(result.Figures, Json),
            "application/json", "figures", "figures", $"Every figure of {year}", result.Figures.Count == 0 ? 0 : result.Figures.Max(f => f.Returns)));
        foreach (var benchmark in result.Benchmarks)
        {
            files.Add(new PublishedFile(PublishedPaths.ServiceJson(year, version, benchmark.ServiceId), JsonSerializer.SerializeToUtf8Bytes(benchmark, Json),
                "application/json", "service", benchmark.ServiceId.ToString(CultureInfo.InvariantCulture), benchmark.ServiceName,
                benchmark.Lines.Count == 0 ? 0 : benchmark.Lines.Max(l => l.National.Returns)));
        }
        var highlights = result.Highlights.Select(h => new { h.Id, h.Section, h.FigureId, h.Template, h.Values, h.Text, h.Synthetic }).ToList();
        files.Add(new PublishedFile(PublishedPaths.Highlights(year, version), JsonSerializer.SerializeToUtf8Bytes(highlights, Json),
            "application/json", "highlights", "highlights", $"Highlights of the {year} report", result.Figures.Count == 0 ? 0 : result.Figures.Max(f => f.Returns)));

        var key = ServiceKey.For(result);
        var keyTable = key.AsTable();
        files.Add(new PublishedFile(PublishedPaths.Key(year, version, "json"), JsonSerializer.SerializeToUtf8Bytes(key, Json),
            "application/json", "key", keyTable.Id, keyTable.Title, keyTable.Returns));
        files.Add(new PublishedFile(PublishedPaths.Key(year, version, "csv"), Csv(keyTable),
            "text/csv; charset=utf-8", "table", keyTable.Id, keyTable.Title, keyTable.Returns));

        if (PrintedReport.For(result) is { } reconciliation)
        {
            var table = reconciliation.AsTable();
            files.Add(new PublishedFile(PublishedPaths.Reconciliation(year, version, "json"), JsonSerializer.SerializeToUtf8Bytes(reconciliation, Json),
                "application/json", "reconciliation", table.Id, table.Title, table.Returns));
            files.Add(new PublishedFile(PublishedPaths.Reconciliation(year, version, "csv"), Csv(table),
                "text/csv; charset=utf-8", "table", table.Id, table.Title, table.Returns));
        }
        return files;
    }

    /// <summary>
    /// The figure as CSV: a header of column labels, then the rows. Text cells that a spreadsheet would run
    /// as a formula (starting with = + - @, tab or CR) are escaped with CsvHelper's injection options. A
    /// minus sign is left alone on numbers, since changes against last year are negative, and escaped on text.
    /// </summary>
    public static byte[] Csv(Figure figure)
    {
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            InjectionOptions = InjectionOptions.Escape,
            InjectionCharacters = ['=', '+', '@', '\t', '\r'],
        };
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = new CsvWriter(text, config))
        {
            foreach (var column in figure.Columns) csv.WriteField(column.Label);
            csv.NextRecord();
            foreach (var row in figure.Rows)
            {
                foreach (var cell in row) csv.WriteField(FormatCell(cell));
                csv.NextRecord();
            }
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static string FormatCell(object? cell) => cell switch
    {
        null => "",
        string text when text.StartsWith('-') => "'" + text,
        decimal d => d.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => cell.ToString() ?? "",
    };
}
