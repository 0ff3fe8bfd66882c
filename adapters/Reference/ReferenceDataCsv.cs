using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Pps.Core.Catalogue;

namespace Pps.Core.Reference;

/// <summary>A problem with one cell (or row) of an imported file; line numbers count the header as line 1.</summary>
public sealed record ImportProblem(int Line, string Column, string Message)
{
    public override string ToString() => $"line {Line}, column {Column}: {Message}";
}

public sealed record ImportResult(ReferenceData? Data, IReadOnlyList<ImportProblem> Problems)
{
    public bool Succeeded => Problems.Count == 0;
}

/// <summary>
/// Reads NPPN's reference-data CSV: service_id, year, region, population_0_19, sen_pupils, fsm_pupils
/// (and an optional source, with optional population_source, sen_source and fsm_source for a figure whose source
/// differs from the row's). All or nothing: any bad row means no data, with every problem listed.
/// </summary>
public static class ReferenceDataCsv
{
    public static readonly IReadOnlyList<string> RequiredColumns = ["service_id", "year", "region", "population_0_19", "sen_pupils", "fsm_pupils"];

    /// <summary>The problem of a file that cannot be read as CSV from some line on: a quote that never closes, or one inside a bare value.</summary>
    internal static ImportProblem Unreadable(CsvHelperException e)
    {
        var line = e.Context?.Parser?.RawRow ?? 0;
        return new ImportProblem(line, "", $"The file cannot be read as CSV from line {line} on: a value holds a quote that is never closed, or a quote outside quotes. " +
            "Put a value with a comma or a quote inside quotes, and double each quote inside it (\"say \"\"no\"\"\"); nothing was stored.");
    }

    /// <summary>Every bad row, or the rows; a file CsvHelper cannot read (a stray quote) is one problem naming its line, never an exception.</summary>
    public static ImportResult Read(TextReader text, ServiceCatalogue catalogue)
    {
        try
        {
            return ReadRows(text, catalogue);
        }
        catch (CsvHelperException e)
        {
            return new ImportResult(null, [ReferenceDataCsv.Unreadable(e)]);
        }
    }

    private static ImportResult ReadRows(TextReader text, ServiceCatalogue catalogue)
    {
        var problems = new List<ImportProblem>();
        var rows = new List<ReferenceRow>();
        var seen = new Dictionary<(int, int), int>();
        using var csv = new CsvReader(text, new CsvConfiguration(CultureInfo.InvariantCulture) { TrimOptions = TrimOptions.Trim });
        if (!csv.Read() || !csv.ReadHeader())
        {
            return new ImportResult(null, [new ImportProblem(1, "", "The file is empty: expected a header row with " + string.Join(", ", RequiredColumns) + ".")]);
        }
        var header = csv.HeaderRecord!;
        var missing = RequiredColumns.Where(c => !header.Contains(c, StringComparer.OrdinalIgnoreCase)).ToList();
        if (missing.Count > 0)
        {
            return new ImportResult(null, [new ImportProblem(1, string.Join(", ", missing), "The header lacks these columns.")]);
        }
        var hasSource = header.Contains("source", StringComparer.OrdinalIgnoreCase);
        string? Optional(string column) => header.Contains(column, StringComparer.OrdinalIgnoreCase) ? Blank(csv.GetField(column)) : null;

        while (csv.Read())
        {
            var line = csv.Parser.RawRow;
            var before = problems.Count;
            var serviceId = ReadInt(csv, "service_id", line, problems, required: true);
            var year = ReadInt(csv, "year", line, problems, required: true);
            var region = Blank(csv.GetField("region"));
            if (region is not null && !Regions.IsRegion(region))
            {
                problems.Add(new ImportProblem(line, "region", $"\"{region}\" is not one of the 9 English regions ({string.Join(", ", Regions.All)})."));
            }
            var population = ReadCount(csv, "population_0_19", line, problems);
            var sen = ReadCount(csv, "sen_pupils", line, problems);
            var fsm = ReadCount(csv, "fsm_pupils", line, problems);
            if (serviceId is not null && !catalogue.IsKnown(serviceId.Value))
            {
                problems.Add(new ImportProblem(line, "service_id", $"{serviceId} is not a known service id (1-154)."));
            }
            if (serviceId is not null && year is not null)
            {
                if (seen.TryGetValue((serviceId.Value, year.Value), out var firstLine))
                {
                    problems.Add(new ImportProblem(line, "service_id", $"Service {serviceId} already has a row for {year} (line {firstLine})."));
                }
                else
                {
                    seen[(serviceId.Value, year.Value)] = line;
                }
            }
            if (problems.Count == before)
            {
                rows.Add(new ReferenceRow(serviceId!.Value, year!.Value, region, population, sen, fsm)
                {
                    Source = hasSource ? Blank(csv.GetField("source")) : null,
                    PopulationSource = Optional("population_source"),
                    SenSource = Optional("sen_source"),
                    FsmSource = Optional("fsm_source"),
                });
            }
        }
        if (problems.Count == 0 && rows.Count == 0)
        {
            problems.Add(new ImportProblem(2, "", "The file has a header but no rows."));
        }
        return problems.Count == 0 ? new ImportResult(new ReferenceData(rows), []) : new ImportResult(null, problems);
    }

    private static int? ReadInt(CsvReader csv, string column, int line, List<ImportProblem> problems, bool required)
    {
        var text = Blank(csv.GetField(column));
        if (text is null)
        {
            if (required) problems.Add(new ImportProblem(line, column, "is empty; a value is required."));
            return null;
        }
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)) return value;
        problems.Add(new ImportProblem(line, column, $"\"{text}\" is not a whole number."));
        return null;
    }

    private static long? ReadCount(CsvReader csv, string column, int line, List<ImportProblem> problems)
    {
        var text = Blank(csv.GetField(column));
        if (text is null) return null;
        if (!long.TryParse(text.Replace(",", "", StringComparison.Ordinal), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            problems.Add(new ImportProblem(line, column, $"\"{text}\" is not a whole number."));
            return null;
        }
        if (value < 0)
        {
            problems.Add(new ImportProblem(line, column, $"{value} is negative; a count cannot be."));
            return null;
        }
        return value;
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
