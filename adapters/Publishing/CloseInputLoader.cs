using Pps.Core.Aggregation;
using Pps.Core.Catalogue;
using Pps.Core.Definition;
using Pps.Core.Returns;
using Pps.Core.Storage;
using Pps.Core.Telemetry;

namespace Pps.Core.Publishing;

/// <summary>
/// What a close has read for a year: the input of the services' pages (<see cref="Recent"/>, read first), the input of
/// every figure (<see cref="Whole"/>, ready once the earlier years are read), and how many returns the year has stored
/// (drafts too).
/// </summary>
public sealed record LoadedInput(AggregationInput Recent, Task<AggregationInput> Whole, int StoredThisYear)
{
    /// <summary>The report's text for the year: NPPN's narrative as stored, the standing text, and appendices 2 and 3 from the year's definition.</summary>
    public ReportText? Text { get; init; }
}

/// <summary>
/// The load step of a close: reads from storage what the computation reads (<see cref="NationalAggregator.YearsReadFor"/>)
/// and turns it into the aggregation's plain input, applying the one rule of which stored returns count.
/// </summary>
public sealed class CloseInputLoader(
    ReturnStore returns,
    CollectionYearStore years,
    ReferenceDataStore reference,
    IDefinitionCatalog definitions,
    ServicesNationally servicesNationally,
    ServiceCatalogue catalogue,
    NarrativeStore narratives)
{
    /// <summary>
    /// Reads the years the services' pages need, and what NPPN loaded about the services' areas; the earlier years are
    /// read on while the pages are made and written (storage, which answers one call at a time, never waits for the
    /// pages to be computed), and <see cref="LoadedInput.Whole"/> is ready when they are.
    /// </summary>
    public async Task<LoadedInput> LoadAsync(int year, CancellationToken ct = default)
    {
        var reads = NationalAggregator.YearsReadFor(year);
        YearOfReturns[] recent;
        AreaFacts areas;
        YearNarrative? narrative;
        using (PpsTelemetry.Phase("load"))
        {
            var loadingAreas = LoadAreaFactsAsync(year, ct);
            var loadingNarrative = narratives.ReadAsync(year, ct);
            recent = await Task.WhenAll(reads.ForPages.Select(y => returns.ListForAggregationAsync(y, ct)));
            areas = await loadingAreas;
            narrative = (await loadingNarrative)?.Narrative;
        }
        var earlier = Task.WhenAll(reads.OnlyForFigures.Select(y => returns.ListForAggregationAsync(y, ct)));
        _ = PpsTelemetry.PhaseAsync("load-earlier", earlier);
        return new LoadedInput(Input(year, Returned(recent), areas), WholeInputAsync(year, earlier, recent, areas), recent.Single(y => y.Year == year).Stored)
        {
            Text = new ReportText(PublishedNarrative.For(year, narrative), ReportAppendices.For(year, areas.Definitions.Find(year))),
        };
    }

    /// <summary>
    /// The aggregation's input for <paramref name="year"/> from returns already in memory: the submitted ones among
    /// <paramref name="stored"/> (drafts never count), read with <paramref name="definitions"/> (the built-in ones when null).
    /// </summary>
    public static AggregationInput InputFrom(
        int year, IEnumerable<ServiceReturn> stored, Reference.ReferenceData referenceData, IReadOnlyDictionary<int, IReadOnlyList<int>>? neighbours = null,
        IReadOnlyDictionary<int, IReadOnlyList<string>>? syntheticParts = null, DefinitionSet? definitions = null) =>
        Input(year, stored.Where(r => r.IsReturned).Select(r => new ReturnRecord(r.ServiceId, r.Year, r.Values)).ToList(),
            referenceData, neighbours, syntheticParts, definitions ?? BuiltInDefinitions.All, ServicesNationally.BuiltIn.InYear, ServiceCatalogue.BuiltIn);

    private static async Task<AggregationInput> WholeInputAsync(int year, Task<YearOfReturns[]> earlier, YearOfReturns[] recent, AreaFacts areas) =>
        Input(year, Returned([.. await earlier, .. recent]), areas);

    private static List<ReturnRecord> Returned(IEnumerable<YearOfReturns> years) => years.SelectMany(y => y.Returned).ToList();

    private static AggregationInput Input(int year, IReadOnlyList<ReturnRecord> returned, AreaFacts areas) =>
        Input(year, returned, areas.Reference, areas.Neighbours, areas.SyntheticParts, areas.Definitions, areas.NationalServiceCount, areas.Services);

    private static AggregationInput Input(
        int year, IReadOnlyList<ReturnRecord> returned, Reference.ReferenceData referenceData, IReadOnlyDictionary<int, IReadOnlyList<int>>? neighbours,
        IReadOnlyDictionary<int, IReadOnlyList<string>>? syntheticParts, DefinitionSet definitions, Func<int, int> nationalServiceCount, ServiceCatalogue services) => new()
        {
            Year = year,
            // A submitted return counts only when it holds every answer its year's definition requires (the rule a submit
            // is held to, and the completeness view counts by), so one stored without them before the rule counts nowhere.
            Returns = returned.Where(r => definitions.Find(r.Year)?.CountsAsSubmitted(r.Values) ?? true).ToList(),
            Reference = referenceData,
            Definitions = definitions,
            StatisticalNeighbours = neighbours ?? new Dictionary<int, IReadOnlyList<int>>(),
            NationalServiceCount = nationalServiceCount,
            Services = services,
            SyntheticParts = syntheticParts ?? new Dictionary<int, IReadOnlyList<string>>(),
        };

    /// <summary>
    /// What NPPN has loaded about the services' areas (reference data and statistical neighbours), which parts of which
    /// years it marked synthetic, and the definitions of the year and those before it (fixed for the whole close).
    /// </summary>
    private sealed record AreaFacts(
        Reference.ReferenceData Reference, IReadOnlyDictionary<int, IReadOnlyList<int>> Neighbours, IReadOnlyDictionary<int, IReadOnlyList<string>> SyntheticParts,
        DefinitionSet Definitions, Func<int, int> NationalServiceCount, ServiceCatalogue Services);

    private async Task<AreaFacts> LoadAreaFactsAsync(int year, CancellationToken ct)
    {
        var data = reference.LoadAsync(ct);
        var neighbours = reference.LoadNeighboursAsync(ct);
        var forms = definitions.UpToAsync(year, ct);
        var all = years.ListAsync(ct);
        var synthetic = (await all).Where(y => y.SyntheticParts.Count > 0).ToDictionary(y => y.Year, y => y.SyntheticParts);
        return new AreaFacts(await data, await neighbours, synthetic, await forms, servicesNationally.For(await all), catalogue);
    }
}
