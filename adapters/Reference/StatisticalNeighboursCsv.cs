using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Pps.Core.Catalogue;

namespace Pps.Core.Reference;

public sealed record NeighboursImportResult(IReadOnlyDictionary<int, IReadOnlyList<int>>? Neighbours, IReadOnlyList<ImportProblem> Problems)
{
    public bool Succeeded => Problems.Count == 0;
}

/// <summary>
/// NPPN's list of statistical neighbours: one row per pair, service_id and neighbour_id (the DfE publishes
/// ten neighbours per local authority). All or nothing: any bad row means no list, with every problem named.
/// </summary>
public static class StatisticalNeighboursCsv
{
    public static readonly IReadOnlyList<string> RequiredColumns = ["service_id", "neighbour_id"];

    /// <summary>Every bad row, or the rows; a file CsvHelper cannot read (a stray quote) is one problem naming its line, never an exception.</summary>
    public static NeighboursImportResult Read(TextReader text, ServiceCatalogue catalogue)
    {
        try
        {
            return ReadRows(text, catalogue);
        }
        catch (CsvHelperException e)
        {
            return new NeighboursImportResult(null, [ReferenceDataCsv.Unreadable(e)]);
        }
    }

    private static NeighboursImportResult ReadRows(TextReader text, ServiceCatalogue catalogue)
    {
        var problems = new List<ImportProblem>();
        var pairs = new Dictionary<(int, int), int>();
        using var csv = new CsvReader(text, new CsvConfiguration(CultureInfo.InvariantCulture) { TrimOptions = TrimOptions.Trim });
        if (!csv.Read() || !csv.ReadHeader())
        {
            return new NeighboursImportResult(null, [new ImportProblem(1, "", "The file is empty: expected a header row with service_id, neighbour_id.")]);
        }
        var missing = RequiredColumns.Where(c => !csv.HeaderRecord!.Contains(c, StringComparer.OrdinalIgnoreCase)).ToList();
        if (missing.Count > 0) return new NeighboursImportResult(null, [new ImportProblem(1, string.Join(", ", missing), "The header lacks these columns.")]);

        while (csv.Read())
        {
            var line = csv.Parser.RawRow;
            var service = ReadServiceId(csv, "service_id", line, problems, catalogue);
            var neighbour = ReadServiceId(csv, "neighbour_id", line, problems, catalogue);
            if (service is null || neighbour is null) continue;
            if (service == neighbour)
            {
                problems.Add(new ImportProblem(line, "neighbour_id", $"Service {service} cannot be its own neighbour."));
            }
            else if (pairs.TryGetValue((service.Value, neighbour.Value), out var first))
            {
                problems.Add(new ImportProblem(line, "neighbour_id", $"Service {service} already has {neighbour} as a neighbour (line {first})."));
            }
            else
            {
                pairs[(service.Value, neighbour.Value)] = line;
            }
        }
        if (problems.Count == 0 && pairs.Count == 0) problems.Add(new ImportProblem(2, "", "The file has a header but no rows."));
        if (problems.Count > 0) return new NeighboursImportResult(null, problems);
        return new NeighboursImportResult(
            pairs.Keys.GroupBy(p => p.Item1).ToDictionary(g => g.Key, g => (IReadOnlyList<int>)g.Select(p => p.Item2).Order().ToList()), []);
    }

    private static int? ReadServiceId(CsvReader csv, string column, int line, List<ImportProblem> problems, ServiceCatalogue catalogue)
    {
        var text = csv.GetField(column)?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            problems.Add(new ImportProblem(line, column, "is empty; a service id is required."));
            return null;
        }
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id))
        {
            problems.Add(new ImportProblem(line, column, $"\"{text}\" is not a whole number."));
            return null;
        }
        if (!catalogue.IsKnown(id))
        {
            problems.Add(new ImportProblem(line, column, $"{id} is not a known service id (1-154)."));
            return null;
        }
        return id;
    }
}
