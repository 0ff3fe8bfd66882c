using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Pps.Core.Catalogue;
using Pps.Core.Definition;
using Pps.Core.Reference;

namespace Pps.Core.Intake;

/// <summary>One service's row of a returns CSV, as raw text per field for the validator.</summary>
public sealed record ReturnsCsvRow(int Line, int ServiceId, IReadOnlyDictionary<string, string?> Values, IReadOnlyList<string> ConfirmedWarnings);

/// <summary>
/// What a returns CSV holds. <paramref name="Unreadable"/>: the problems are with the file's layout (a missing or
/// unknown column, a quote, a row of the wrong length), not with the answers, so none of its rows was looked at.
/// <paramref name="Fields"/> are the field ids the file carries, in its order.
/// </summary>
public sealed record ReturnsCsvResult(IReadOnlyList<ReturnsCsvRow> Rows, IReadOnlyList<ImportProblem> Problems, bool Unreadable = false, IReadOnlyList<string>? Fields = null);

/// <summary>How a row changes a stored return.</summary>
public enum ReturnsCsvMode
{
    /// <summary>The row is the whole return: the file must carry every field of the definition (an empty cell is no answer).</summary>
    Replace,

    /// <summary>Only the columns the file carries change; every other stored answer is kept.</summary>
    Merge,
}

/// <summary>
/// Returns as NPPN bulk-loads them: one row per service, a <c>service_id</c> column, one column per field of
/// the year's definition named by its field id (<c>rating.1a</c>, <c>budget.core</c>; in any order), multi-choice
/// answers joined by ';', and an optional <c>confirmed_warnings</c> column (year-on-year rule ids, separated by
/// spaces or ';'). A file that replaces returns carries every field; a merge carries any subset. This reads the
/// layout only; the values go to the one validator.
/// </summary>
public static class ReturnsCsv
{
    public const string ServiceColumn = "service_id";
    public const string ConfirmedColumn = "confirmed_warnings";

    /// <param name="year">The collection year loaded (the definition may serve several years); by default the definition's.</param>
    public static ReturnsCsvResult Read(TextReader text, ReturnDefinition definition, ServiceCatalogue catalogue, int? year = null, ReturnsCsvMode mode = ReturnsCsvMode.Replace)
    {
        var collectionYear = year ?? definition.Year;
        var problems = new List<ImportProblem>();
        var rows = new List<ReturnsCsvRow>();
        ImportProblem? badQuote = null;
        var rowStart = 1;
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            TrimOptions = TrimOptions.Trim,
            DetectDelimiter = false,
            // Row lengths are checked against the header below; a quote out of place is reported, never guessed round.
            MissingFieldFound = null,
            BadDataFound = args => badQuote ??= QuoteProblem(rowStart, args.Field, args.RawRecord),
        };
        using var csv = new CsvReader(text, config);
        if (!csv.Read() || !csv.ReadHeader() || csv.HeaderRecord is not { Length: > 0 } header)
        {
            return new([], [new ImportProblem(1, "", $"The file is empty: expected a header row with {ServiceColumn} and field ids.")], Unreadable: true);
        }
        if (badQuote is not null) return new([], [badQuote], Unreadable: true);
        if (!header.Contains(ServiceColumn, StringComparer.Ordinal))
        {
            problems.Add(new ImportProblem(1, ServiceColumn, "The header has no service_id column."));
        }
        foreach (var column in header.Where(c => c != ServiceColumn && c != ConfirmedColumn && !definition.Defines(c)))
        {
            problems.Add(new ImportProblem(1, column, $"\"{column}\" is not a field of the {definition.Year} return (columns are field ids, such as {FieldIds.CoreBudget})."));
        }
        foreach (var duplicate in header.GroupBy(c => c, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            problems.Add(new ImportProblem(1, duplicate.Key, "This column appears twice."));
        }
        if (mode == ReturnsCsvMode.Replace)
        {
            // A row replaces the whole return, so a field the file does not mention would lose its stored answer.
            foreach (var missing in definition.Fields.Select(f => f.Id).Where(id => !header.Contains(id, StringComparer.Ordinal)))
            {
                problems.Add(new ImportProblem(1, missing, $"The column {missing} is missing (a file that replaces returns carries every field of the {definition.Year} return)."));
            }
        }
        if (problems.Count > 0) return new([], problems, Unreadable: true);

        var fields = header.Where(definition.Defines).ToList();
        var seen = new Dictionary<int, int>();
        while (true)
        {
            rowStart = csv.Parser.RawRow + 1;
            if (!csv.Read()) break;
            var line = rowStart;
            _ = csv.Parser.Record; // the parser finds a stray quote only when it makes the fields
            if (badQuote is not null) return new([], [Named(badQuote, header)], Unreadable: true, fields);
            if (csv.Parser.Count != header.Length)
            {
                return new([], [RowLengthProblem(line, csv.Parser.Count, header)], Unreadable: true, fields);
            }
            var serviceText = csv.GetField(ServiceColumn);
            if (!int.TryParse(serviceText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var serviceId) || !catalogue.IsKnown(serviceId))
            {
                problems.Add(new ImportProblem(line, ServiceColumn, $"\"{serviceText}\" is not a known service id (1-154)."));
                continue;
            }
            if (!catalogue.Find(serviceId)!.ExistsIn(collectionYear))
            {
                problems.Add(new ImportProblem(line, ServiceColumn, $"Service {serviceId} did not exist in {collectionYear}."));
                continue;
            }
            if (seen.TryGetValue(serviceId, out var first))
            {
                problems.Add(new ImportProblem(line, ServiceColumn, $"Service {serviceId} has a row already (line {first})."));
                continue;
            }
            seen[serviceId] = line;
            var values = fields.ToDictionary(f => f, f => (string?)csv.GetField(f), StringComparer.Ordinal);
            var confirmed = header.Contains(ConfirmedColumn)
                ? (csv.GetField(ConfirmedColumn) ?? "").Split([' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                : [];
            var unknown = confirmed.Where(id => definition.YearOnYear.All(r => r.Id != id)).ToList();
            if (unknown.Count > 0)
            {
                problems.Add(new ImportProblem(line, ConfirmedColumn,
                    $"{string.Join(", ", unknown)} is not a year-on-year check of the {definition.Year} return ({string.Join(", ", definition.YearOnYear.Select(r => r.Id))})."));
                continue;
            }
            rows.Add(new ReturnsCsvRow(line, serviceId, values, confirmed));
        }
        if (badQuote is not null) return new([], [Named(badQuote, header)], Unreadable: true, fields);
        if (rows.Count == 0 && problems.Count == 0) problems.Add(new ImportProblem(2, "", "The file has a header but no rows."));
        return new(rows, problems, Fields: fields);
    }

    /// <summary>The quote problem with its column's name from the header, where the column has one.</summary>
    private static ImportProblem Named(ImportProblem problem, string[] header) =>
        int.TryParse(problem.Column.AsSpan("column ".Length), CultureInfo.InvariantCulture, out var column) && column <= header.Length
            ? problem with { Column = header[column - 1] }
            : problem;

    private static ImportProblem RowLengthProblem(int line, int count, string[] header) => count < header.Length
        ? new ImportProblem(line, header[count],
            $"Line {line} has {count} value(s) but the header has {header.Length} columns: column {count + 1} ({header[count]}) and any after it are missing. Every row needs a cell for every column, empty for no answer.")
        : new ImportProblem(line, "",
            $"Line {line} has {count} values but the header has {header.Length} columns: column {header.Length + 1} onwards has no header, so those values would be lost. Remove them, or quote a value that holds a comma.");

    /// <summary>A quote where CSV allows none: the value's line and column (counted from 1), in words.</summary>
    private static ImportProblem QuoteProblem(int line, string field, string rawRecord)
    {
        var column = ColumnOf(rawRecord, field);
        var trimmed = field.Trim();
        var message = trimmed.StartsWith('"') && (trimmed.Length == 1 || !trimmed.EndsWith('"'))
            ? $"Line {line}, column {column}: a quoted value is never closed, so the rest of the file would be read into it. Close the quote, or double a quote inside a value (\"\")."
            : $"Line {line}, column {column}: the value has a quote that is not allowed there. Put the whole value in quotes and double each quote inside it (\"say \"\"no\"\"\").";
        return new ImportProblem(line, $"column {column}", message);
    }

    /// <summary>The 1-based column at which <paramref name="field"/> starts in its raw record (commas inside quotes do not count).</summary>
    private static int ColumnOf(string rawRecord, string field)
    {
        var at = rawRecord.IndexOf(field, StringComparison.Ordinal);
        if (at < 0) at = rawRecord.Length;
        var column = 1;
        var quoted = false;
        for (var i = 0; i < at; i++)
        {
            if (rawRecord[i] == '"') quoted = !quoted;
            else if (rawRecord[i] == ',' && !quoted) column++;
        }
        return column;
    }
}
