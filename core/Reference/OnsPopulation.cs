using System.Globalization;
using Pps.Core.Catalogue;

namespace Pps.Core.Reference;

/// <summary>
/// The real ONS population aged 0-19 per local authority that ships with the catalogue. It is the mid-2014
/// estimate, the nearest year that could be found for the 2013 collection: every figure that uses it says so.
/// </summary>
public static class OnsPopulation
{
    public const string Source = "ONS mid-2014 population aged 0-19 (the nearest year found to the 2013 collection)";

    private static readonly Lazy<IReadOnlyDictionary<string, long>> ByOnsCode = new(() =>
        EmbeddedCsv.Read("la-population-0-19.csv", row => (Code: row.GetField("ons_code")!, Population: long.Parse(row.GetField("population_0_19")!, CultureInfo.InvariantCulture)))
            .ToDictionary(r => r.Code, r => r.Population));

    /// <summary>Population aged 0-19 of the service's local authority, or null for a service with none (ended ones).</summary>
    public static long? For(Service service) =>
        service.OnsCode is not null && ByOnsCode.Value.TryGetValue(service.OnsCode, out var population) ? population : null;
}
