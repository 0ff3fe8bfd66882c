using System.Text;

namespace Pps.Core.Catalogue;

/// <summary>Reads the reference CSV files that ship inside this assembly (copied from shared/data).</summary>
/// <remarks>
/// These files are ours and fixed at build time, so a small reader of RFC 4180 (quoted fields, doubled quotes)
/// is enough; the CSV library that reads what users upload stays out of the domain.
/// </remarks>
internal static class EmbeddedCsv
{
    public static List<T> Read<T>(string fileName, Func<Row, T> map)
    {
        var name = "Pps.Core.Catalogue." + fileName;
        using var stream = typeof(EmbeddedCsv).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded resource {name} is missing from the build.");
        using var reader = new StreamReader(stream);
        var records = Records(reader.ReadToEnd()).ToList();
        if (records.Count == 0)
        {
            throw new InvalidOperationException($"Embedded resource {name} has no header.");
        }
        var columns = records[0].Select((header, index) => (header, index)).ToDictionary(c => c.header, c => c.index, StringComparer.Ordinal);
        return records.Skip(1).Where(r => !(r.Count == 1 && r[0].Length == 0)).Select(r => map(new Row(name, columns, r))).ToList();
    }

    /// <summary>One record, read by column name as the files' headers give them.</summary>
    public sealed class Row(string resource, IReadOnlyDictionary<string, int> columns, IReadOnlyList<string> fields)
    {
        public string? GetField(string column) =>
            columns.TryGetValue(column, out var index)
                ? index < fields.Count ? fields[index] : null
                : throw new InvalidOperationException($"Embedded resource {resource} has no column '{column}'.");
    }

    private static IEnumerable<List<string>> Records(string text)
    {
        var record = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') { quoted = false; }
                else { field.Append(c); }
            }
            else if (c == '"') { quoted = true; }
            else if (c == ',') { record.Add(field.ToString()); field.Clear(); }
            else if (c == '\n' || c == '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') { i++; }
                record.Add(field.ToString()); field.Clear();
                yield return record;
                record = [];
            }
            else { field.Append(c); }
        }
        if (field.Length > 0 || record.Count > 0)
        {
            record.Add(field.ToString());
            yield return record;
        }
    }
}
