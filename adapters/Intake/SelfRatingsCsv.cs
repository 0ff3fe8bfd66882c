using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Pps.Core.Catalogue;
using Pps.Core.Definition;

namespace Pps.Core.Intake;

/// <summary>
/// Self-ratings laid out as the report's Table C: service_id, method, then one column per exemplification.
/// Yields raw values per service for the validator, as every intake path does.
/// </summary>
public static class SelfRatingsCsv
{
    public static IEnumerable<(int ServiceId, Dictionary<string, string?> Values)> Read(TextReader text)
    {
        using var csv = new CsvReader(text, new CsvConfiguration(CultureInfo.InvariantCulture));
        csv.Read();
        csv.ReadHeader();
        while (csv.Read())
        {
            var values = Exemplifications.All.ToDictionary(e => FieldIds.Rating(e.Code), e => csv.GetField(e.Code));
            var method = csv.GetField("method");
            // "unknown" marks a cell the report's text cuts off: a method was given but cannot be read.
            if (!string.IsNullOrWhiteSpace(method) && method != "unknown") values[FieldIds.CompletedBy] = method;
            yield return (int.Parse(csv.GetField("service_id")!, CultureInfo.InvariantCulture), values);
        }
    }
}
