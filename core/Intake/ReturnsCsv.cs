using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Pps.Core.Catalogue;
using Pps.Core.Definition;
using Pps.Core.Reference;

namespace Pps.Core.Intake;

/// <summary>One service's row of a returns CSV, as raw text per field for the validator.</summary>
public sealed record ReturnsCsvRow(int Line, int ServiceId, IReadOnlyDictionary<string, string?> Values, IReadOnlyList<string> ConfirmedWarnings);

public sealed record ReturnsCsvResult(IReadOnlyList<ReturnsCsvRow> Rows, IReadOnlyList<ImportProblem> Problems);

/// <summary>
/// Returns as NPPN bulk-loads them: one row per service, a <c>service_id</c> column, one column per field of
/// the year's definition named by its field id (<c>rating.1a</c>, <c>budget.core</c>; any subset, in any
/// order), multi-choice answers joined by ';', and an optional <c>confirmed_warnings</c> column (year-on-year
/// rule ids, separated by spaces or ';'). This reads the layout only; the values go to the one validator.
/// </summary>
public static class ReturnsCsv
{
    public const string ServiceColumn = "service_id";
    public const string ConfirmedColumn = "confirmed_warnings";

    /// <param name="year">The collection year loaded (the definition may serve several years); by default the definition's.</param>
    public static ReturnsCsvResult Read(TextReader text, ReturnDefinition definition, int? year = null)
    {
        var collectionYear = year ?? definition.Year;
        var problems = new List<ImportProblem>();
        var rows = new List<ReturnsCsvRow>();
        using var csv = new CsvReader(text, new CsvConfiguration(CultureInfo.InvariantCulture) { TrimOptions = TrimOptions.Trim, DetectDelimiter = false });
        if (!csv.Read() || !csv.ReadHeader() || csv.HeaderRecord is not { Length: > 0 } header)
        {
            return new([], [new ImportProblem(1, "", $"The file is empty: expected a header row with {ServiceColumn} and field ids.")]);
        }
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
        if (problems.Count > 0) return new([], problems);

        var fields = header.Where(definition.Defines).ToList();
        var seen = new Dictionary<int, int>();
        while (csv.Read())
        {
            var line = csv.Parser.RawRow;
            var serviceText = csv.GetField(ServiceColumn);
            if (!int.TryParse(serviceText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var serviceId) || !ServiceRegistry.IsKnown(serviceId))
            {
                problems.Add(new ImportProblem(line, ServiceColumn, $"\"{serviceText}\" is not a known service id (1-154)."));
                continue;
            }
            if (!ServiceRegistry.Find(serviceId)!.ExistsIn(collectionYear))
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
        if (rows.Count == 0 && problems.Count == 0) problems.Add(new ImportProblem(2, "", "The file has a header but no rows."));
        return new(rows, problems);
    }
}
