using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using CsvHelper;
using CsvHelper.Configuration;
using Pps.Core.Aggregation;

namespace Pps.Core.Publishing;

/// <summary>
/// A file of a published set, ready to write: its bytes and what the manifest says of it. Its path is its content's
/// SHA-256 (<see cref="PublishedPaths.Object"/>), so the same bytes are the same object in every version.
/// </summary>
public sealed record PublishedFile(byte[] Content, string ContentType, string Kind, string FigureId, string Title, int Returns, int? First = null, int? Last = null)
{
    public string Extension => ContentType.StartsWith("text/csv", StringComparison.Ordinal) ? "csv"
        : ContentType == ReportPdf.ContentType ? "pdf" : "json";

    public ManifestFile ToManifestEntry(int year)
    {
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(Content));
        return new(PublishedPaths.Object(year, sha256, Extension), Kind, FigureId, Title, Returns, sha256, Content.LongLength, ContentType, First, Last);
    }
}

/// <summary>
/// The national report as an A4 PDF, listed in the manifest as kind "pdf" (figure id "report"): rendered from the
/// published report page by headless Chromium outside the function app and added with <see cref="Publisher.AttachAsync"/>.
/// </summary>
public static class ReportPdf
{
    public const string Kind = "pdf";
    public const string ContentType = "application/pdf";

    public static PublishedFile File(int year, byte[] content, int returns)
    {
        if (content.Length < 5 || !content.AsSpan(0, 5).SequenceEqual("%PDF-"u8)) throw new ArgumentException("The file is not a PDF.", nameof(content));
        return new PublishedFile(content, ContentType, Kind, "report", $"The national report {year} (PDF)", returns);
    }
}

/// <summary>
/// Turns a national result into the files of a published set (pure: no storage). The files are made one at a time
/// as the caller asks for them, so a publisher that writes each as it comes never holds the whole set's bytes.
/// </summary>
public static class PublishedSetBuilder
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        WriteIndented = false,
        Converters = { new FigureRowsJson() },
    };

    /// <summary>
    /// The most a shard of services' pages may hold (uncompressed), so the service page's one request stays small. A
    /// 2013 service's page is 21-23 KB of JSON (34 ratings with national and regional shares, 15 measures), so a
    /// shard holds 6 services; a single page larger than this is a shard of its own.
    /// </summary>
    public const int MaxShardBytes = 150 * 1024;

    /// <summary>Every file of the set, in the order the manifest lists them.</summary>
    public static IEnumerable<PublishedFile> Build(NationalResult result, ReportText? text = null) =>
        BeforeServices(result).Concat(ServiceShards(result)).Concat(AfterServices(result, text));

    /// <summary>The figures (JSON and CSV each) and all of them in one file: the files the manifest lists before the services' shards.</summary>
    public static IEnumerable<PublishedFile> BeforeServices(NationalResult result)
    {
        var files = result.Figures.SelectMany(FigureFiles).ToList();
        return [.. files, AllFigures(result, files)];
    }

    private const string FigureKind = "figure";

    /// <summary>One figure's files: its JSON, then its table as CSV.</summary>
    public static IEnumerable<PublishedFile> FigureFiles(Figure figure)
    {
        yield return new PublishedFile(JsonSerializer.SerializeToUtf8Bytes(figure, Json), "application/json", FigureKind, figure.Id, figure.Title, figure.Returns);
        yield return new PublishedFile(Csv(figure), "text/csv; charset=utf-8", "table", figure.Id, figure.Title, figure.Returns);
    }

    /// <summary>
    /// Every figure in one file, from the figures' files of <see cref="FigureFiles"/> (in <paramref name="result"/>'s
    /// order): an array of their JSON, which is what serializing the list writes, joined rather than serialized again.
    /// </summary>
    public static PublishedFile AllFigures(NationalResult result, IEnumerable<PublishedFile> figuresFiles)
    {
        var figureJson = figuresFiles.Where(f => f.Kind == FigureKind).Select(f => f.Content).ToList();
        if (figureJson.Count != result.Figures.Count) throw new ArgumentException($"{figureJson.Count} figures' JSON for {result.Figures.Count} figures.", nameof(figuresFiles));
        var all = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(all))
        {
            writer.WriteStartArray();
            foreach (var json in figureJson) writer.WriteRawValue(json, skipInputValidation: true);
            writer.WriteEndArray();
        }
        return new PublishedFile(all.WrittenSpan.ToArray(), "application/json", "figures", "figures", $"Every figure of {result.Year}", Returns(result));
    }

    /// <summary>
    /// The highlights, the key to the services, the report's text (NPPN's narrative with the standing text; appendices 2
    /// and 3: <paramref name="text"/>, or the standing text and the built-in definition's questions when not given) and
    /// the reconciliation with the printed report: the files the manifest lists after the shards.
    /// </summary>
    public static IEnumerable<PublishedFile> AfterServices(NationalResult result, ReportText? text = null)
    {
        var year = result.Year;
        var highlights = result.Highlights.Select(h => new { h.Id, h.Section, h.FigureId, h.Template, h.Values, h.Text, h.Synthetic }).ToList();
        yield return new PublishedFile(JsonSerializer.SerializeToUtf8Bytes(highlights, Json),
            "application/json", "highlights", "highlights", $"Highlights of the {year} report", Returns(result));

        var key = ServiceKey.For(result);
        var keyTable = key.AsTable();
        yield return new PublishedFile(JsonSerializer.SerializeToUtf8Bytes(key, Json), "application/json", "key", keyTable.Id, keyTable.Title, keyTable.Returns);
        yield return new PublishedFile(Csv(keyTable), "text/csv; charset=utf-8", "table", keyTable.Id, keyTable.Title, keyTable.Returns);

        text ??= ReportText.Standing(year);
        yield return new PublishedFile(JsonSerializer.SerializeToUtf8Bytes(text.Narrative, Json), "application/json", NarrativeKind, "narrative",
            $"The words of the {year} report: NPPN's commentary and the standing text", Returns(result));
        yield return new PublishedFile(JsonSerializer.SerializeToUtf8Bytes(text.Appendices, Json), "application/json", AppendicesKind, "appendices",
            $"Appendices 2 and 3 of the {year} report: the exemplifications in full and the return's questions", Returns(result));

        if (PrintedReport.For(result) is { } reconciliation)
        {
            var table = reconciliation.AsTable();
            yield return new PublishedFile(JsonSerializer.SerializeToUtf8Bytes(reconciliation, Json),
                "application/json", "reconciliation", table.Id, table.Title, table.Returns);
            yield return new PublishedFile(Csv(table), "text/csv; charset=utf-8", "table", table.Id, table.Title, table.Returns);
        }
    }

    /// <summary>The manifest's kinds of the report's text: its words (docs/schema/narrative.schema.json) and appendices 2 and 3 (appendices.schema.json).</summary>
    public const string NarrativeKind = "narrative", AppendicesKind = "appendices";

    private static int Returns(NationalResult result) => result.Figures.Count == 0 ? 0 : result.Figures.Max(f => f.Returns);

    /// <summary>
    /// The services' pages (docs/schema/service.schema.json) in shards of consecutive service ids, each as large as
    /// fits in <see cref="MaxShardBytes"/>: <c>{"year", "first", "last", "services": [...]}</c>
    /// (docs/schema/services.schema.json). The manifest lists each shard with its id range, never each service.
    /// </summary>
    public static IEnumerable<PublishedFile> ServiceShards(NationalResult result) => ServiceShards(result.Year, result.Benchmarks);

    /// <inheritdoc cref="ServiceShards(NationalResult)"/>
    public static IEnumerable<PublishedFile> ServiceShards(int year, ServiceBenchmarks pages)
    {
        // Each page is made, written into one reused buffer and copied into the shard's, so that the only arrays made
        // per shard are its own bytes, not a garbage array per page.
        var json = new ServicePageJson();
        var page = new ArrayBufferWriter<byte>(32 * 1024);
        var services = new ArrayBufferWriter<byte>(MaxShardBytes);
        var shard = new ArrayBufferWriter<byte>(MaxShardBytes + 1024);
        var ends = new List<int>();
        int first = 0, last = 0, returns = 0;
        foreach (var benchmark in Enumerable.Range(0, pages.Count).OrderBy(i => pages.ServiceIds[i]).Select(i => pages[i]))
        {
            page.ResetWrittenCount();
            json.Write(page, benchmark);
            if (ends.Count > 0 && services.WrittenCount + ends.Count + page.WrittenCount + 64 > MaxShardBytes)
            {
                yield return Shard(year, first, last, returns, services.WrittenSpan, ends, shard);
                services.ResetWrittenCount();
                ends.Clear();
                returns = 0;
            }
            if (ends.Count == 0) first = benchmark.ServiceId;
            last = benchmark.ServiceId;
            returns = Math.Max(returns, benchmark.Lines.Count == 0 ? 0 : benchmark.Lines.Max(l => l.National.Returns));
            services.Write(page.WrittenSpan);
            ends.Add(services.WrittenCount);
        }
        if (ends.Count > 0) yield return Shard(year, first, last, returns, services.WrittenSpan, ends, shard);
    }

    /// <summary>
    /// A shard of the pages in <paramref name="services"/>, one after another, each ending at its place in
    /// <paramref name="ends"/>; written in <paramref name="buffer"/> (reused from shard to shard), then copied out.
    /// </summary>
    private static PublishedFile Shard(int year, int first, int last, int returns, ReadOnlySpan<byte> services, List<int> ends, ArrayBufferWriter<byte> buffer)
    {
        buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("year", year);
            writer.WriteNumber("first", first);
            writer.WriteNumber("last", last);
            writer.WriteStartArray("services");
            var start = 0;
            foreach (var end in ends)
            {
                writer.WriteRawValue(services[start..end], skipInputValidation: true);
                start = end;
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return new PublishedFile(buffer.WrittenSpan.ToArray(), "application/json", ManifestFile.Services, $"{first}-{last}",
            $"Services {first} to {last}", returns, first, last);
    }

    /// <summary>
    /// The figure as CSV: a header of column labels, then the rows. Text cells that a spreadsheet would run
    /// as a formula (starting with = + - @, tab or CR) are escaped with CsvHelper's injection options. A
    /// minus sign is left alone on numbers, since changes against last year are negative, and escaped on text.
    /// A figure resting on synthetic data ends each row with a "Synthetic data" column saying "yes": a CSV travels
    /// without its page and its notes, and a reader must still know.
    /// </summary>
    public const string SyntheticColumn = "Synthetic data";

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
            if (figure.Synthetic) csv.WriteField(SyntheticColumn);
            csv.NextRecord();
            foreach (var row in figure.Rows)
            {
                foreach (var cell in row) csv.WriteField(FormatCell(cell));
                if (figure.Synthetic) csv.WriteField("yes");
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
