using System.Globalization;
using CsvHelper;
using Pps.Core.Aggregation;
using Pps.Core.Catalogue;
using Pps.Core.Definition;

namespace Pps.Tests.Aggregation.Part1;

/// <summary>The report's Table C (131 services, 2013) as returns, and the Part 1 figures computed from it once.</summary>
public static class Table2013
{
    public const int Year = 2013;

    private static readonly Lazy<IReadOnlyList<ReturnRecord>> LazyReturns = new(() => Load("nppn-2013-exemplification-ratings.csv"));
    private static readonly Lazy<PartResult> LazyResult = new(() => ExemplificationFigures.Compute(Input(Returns)));

    public static IReadOnlyList<ReturnRecord> Returns => LazyReturns.Value;

    public static PartResult Result => LazyResult.Value;

    public static AggregationInput Input(IReadOnlyList<ReturnRecord> returns) => new() { Year = Year, Returns = returns };

    public static string DataPath(string fileName) => Path.Combine(AppContext.BaseDirectory, "data", fileName);

    /// <summary>One return per row: the 34 ratings as given (blank = absent) and the method; `unknown` (cut off in the report) and blank are absent.</summary>
    private static List<ReturnRecord> Load(string fileName)
    {
        using var reader = new StreamReader(DataPath(fileName));
        using var csv = new CsvReader(reader, CultureInfo.InvariantCulture);
        csv.Read();
        csv.ReadHeader();
        var records = new List<ReturnRecord>();
        while (csv.Read())
        {
            var values = new Dictionary<string, string>();
            foreach (var e in Exemplifications.All)
            {
                var rating = csv.GetField(e.Code);
                if (!string.IsNullOrEmpty(rating)) values[FieldIds.Rating(e.Code)] = rating;
            }
            var method = csv.GetField("method");
            if (!string.IsNullOrEmpty(method) && method != "unknown") values[FieldIds.CompletedBy] = method;
            records.Add(new ReturnRecord(int.Parse(csv.GetField("service_id")!, CultureInfo.InvariantCulture), Year, new ReturnValues(values)));
        }
        return records;
    }
}
