using System.Globalization;
using CsvHelper;
using Pps.Core.Catalogue;
using Pps.Core.Reference;

namespace Pps.Synthetic;

/// <summary>Synthetic (or demo) reference data and statistical neighbours as the CSV files NPPN imports.</summary>
public static class SyntheticCsv
{
    /// <summary>Reference rows in NPPN's reference-data CSV (with the source column, which labels synthetic rows).</summary>
    public static string Reference(ReferenceData reference)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using var csv = new CsvWriter(text, CultureInfo.InvariantCulture);
        foreach (var column in ReferenceDataCsv.RequiredColumns.Concat(["source", "population_source", "sen_source", "fsm_source"])) csv.WriteField(column);
        csv.NextRecord();
        foreach (var row in reference.Rows)
        {
            csv.WriteField(row.ServiceId);
            csv.WriteField(row.Year);
            csv.WriteField(row.Region);
            csv.WriteField(row.Population0To19);
            csv.WriteField(row.SenPupils);
            csv.WriteField(row.FsmPupils);
            csv.WriteField(row.Source);
            csv.WriteField(row.PopulationSource);
            csv.WriteField(row.SenSource);
            csv.WriteField(row.FsmSource);
            csv.NextRecord();
        }
        csv.Flush();
        return text.ToString();
    }

    /// <summary>
    /// Synthetic statistical neighbours (NPPN's real lists are not public): for each service existing in the year,
    /// the <paramref name="count"/> services whose 0-19 population is nearest (on a log scale), nearest first.
    /// </summary>
    public static IReadOnlyDictionary<int, IReadOnlyList<int>> Neighbours(int year, int count = 10)
    {
        var sized = ServiceCatalogue.BuiltIn.ExistingIn(year)
            .Select(s => (s.Id, Size: SyntheticReturns.Population0To19(s.Id)))
            .Where(s => s.Size is > 0)
            .Select(s => (s.Id, Log: Math.Log(s.Size!.Value)))
            .ToList();
        return sized.ToDictionary(s => s.Id, s => (IReadOnlyList<int>)sized
            .Where(o => o.Id != s.Id).OrderBy(o => Math.Abs(o.Log - s.Log)).ThenBy(o => o.Id).Take(count).Select(o => o.Id).ToList());
    }

    public static string Neighbours(IReadOnlyDictionary<int, IReadOnlyList<int>> neighbours)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        text.WriteLine("service_id,neighbour_id");
        foreach (var (service, list) in neighbours.OrderBy(kv => kv.Key))
        {
            foreach (var neighbour in list) text.WriteLine($"{service},{neighbour}");
        }
        return text.ToString();
    }
}
