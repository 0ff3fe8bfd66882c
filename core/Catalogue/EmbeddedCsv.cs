using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

namespace Pps.Core.Catalogue;

/// <summary>Reads the reference CSV files that ship inside this assembly (copied from shared/data).</summary>
internal static class EmbeddedCsv
{
    public static List<T> Read<T>(string fileName, Func<IReaderRow, T> map)
    {
        var name = "Pps.Core.Catalogue." + fileName;
        using var stream = typeof(EmbeddedCsv).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded resource {name} is missing from the build.");
        using var reader = new StreamReader(stream);
        using var csv = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture));
        csv.Read();
        csv.ReadHeader();
        var rows = new List<T>();
        while (csv.Read())
        {
            rows.Add(map(csv));
        }
        return rows;
    }
}
