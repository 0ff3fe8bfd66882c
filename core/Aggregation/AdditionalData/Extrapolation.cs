using Pps.Core.Catalogue;

namespace Pps.Core.Aggregation.AdditionalData;

/// <param name="Value">The extrapolated total for all services; null when there is no return to extrapolate from.</param>
/// <param name="Method">"population" or "service-count".</param>
/// <param name="Note">How it was computed, in words, for the figure's notes.</param>
public sealed record ExtrapolatedTotal(decimal? Value, string Method, string Note);

/// <summary>
/// National totals scaled up to all services (Tables E-I, L: "Extrapolated total for all services"). The report
/// does not say how it extrapolates; this is the method chosen, stated beside every extrapolated figure:
/// <list type="number">
/// <item><b>By population</b>, when the reference data has a 0-19 population for the year for every service that
/// gave the measure and for every service existing that year (the registry's services for the year, plus any
/// reporting service not in it): total × (0-19 population of all those services) / (0-19 population of the
/// services that gave the measure). A service's figures scale with the size of its area, so this corrects for
/// which services are missing, not only how many.</item>
/// <item><b>By service count</b> otherwise: total × (services existing nationally that year, Table B's
/// denominator) / (returns that gave the measure).</item>
/// </list>
/// </summary>
public static class Extrapolation
{
    public const string PopulationMethod = "population";
    public const string ServiceCountMethod = "service-count";

    public static ExtrapolatedTotal Total(decimal total, IReadOnlyCollection<int> reportingServiceIds, int year, AggregationInput input)
    {
        var returns = reportingServiceIds.Count;
        if (returns == 0) return new ExtrapolatedTotal(null, ServiceCountMethod, $"{year}: no returns, nothing to extrapolate.");

        // One pass over the services, one reference lookup each: this runs for every measure of every year.
        var all = input.Services.ExistingIn(year).Select(s => s.Id).ToHashSet();
        long allPopulation = 0, reportingPopulation = 0;
        var missing = 0;
        foreach (var id in all)
        {
            if (input.Reference.For(year, id)?.Population0To19 is long population and > 0) allPopulation += population; else missing++;
        }
        foreach (var id in reportingServiceIds)
        {
            var population = input.Reference.For(year, id)?.Population0To19;
            if (population is > 0) reportingPopulation += population.Value;
            if (!all.Add(id)) continue;
            if (population is > 0) allPopulation += population.Value; else missing++;
        }
        var national = input.NationalServiceCount(year);
        if (missing == 0)
        {
            // "All" is the one count of services nationally (Table A's); the areas summed are the key's, which number every
            // local authority area with a service that year, so the note gives both rather than a second count of services.
            return new ExtrapolatedTotal(total * allPopulation / reportingPopulation, PopulationMethod,
                $"{year}: extrapolated by population to all {national} services nationally: total × 0-19 population of every local authority area in the key to services that year ({all.Count} areas, {allPopulation:#,0}) / 0-19 population of the areas of the {returns} services that gave it ({reportingPopulation:#,0}).");
        }

        return new ExtrapolatedTotal(total * national / returns, ServiceCountMethod,
            $"{year}: extrapolated by service count: total × {national} services nationally / {returns} returns (the reference data has no 0-19 population for {missing} of the services that year).");
    }
}
