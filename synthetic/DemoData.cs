using Pps.Core.Catalogue;
using Pps.Core.Aggregation;
using Pps.Core.Definition;

namespace Pps.Synthetic;

/// <summary>
/// The demo's data: the real 2013 self-ratings (the report's Table C) with synthetic Part 2 figures for the same
/// services, and synthetic returns for 2009-2012. Which parts are synthetic is stated in <see cref="SyntheticParts"/>,
/// which NPPN sets on each collection year so that every figure resting on them is published labelled synthetic.
/// </summary>
public static class DemoData
{
    public const int Year = 2013;
    public const int FirstYear = 2009;
    public const int DefaultSeed = 2013;

    /// <summary>Per year, the parts of its returns that are synthetic: everything before 2013; Part 2 in 2013.</summary>
    public static IReadOnlyDictionary<int, IReadOnlyList<string>> SyntheticParts { get; } =
        Enumerable.Range(FirstYear, Year - FirstYear + 1).ToDictionary(
            y => y, y => (IReadOnlyList<string>)(y == Year ? [SyntheticLabel.AdditionalData] : SyntheticLabel.Parts));

    /// <param name="ratings">The real 2013 self-ratings, as <see cref="Core.Intake.SelfRatingsCsv"/> reads them.</param>
    public static SyntheticData Build(IEnumerable<(int ServiceId, Dictionary<string, string?> Values)> ratings, int seed = DefaultSeed)
    {
        var real = ratings.ToDictionary(r => r.ServiceId, r => r.Values);
        var data = SyntheticReturns.Generate(seed, FirstYear, Year, new SyntheticOptions
        {
            Returners = new Dictionary<int, IReadOnlySet<int>> { [Year] = real.Keys.ToHashSet() },
            // The synthetic 2009-2012 ratings walk back from the real 2013 ones, at the year-on-year change the report implies.
            LastYearRatings = real.ToDictionary(r => r.Key, r => (IReadOnlyDictionary<string, string?>)Exemplifications.All
                .ToDictionary(e => e.Code, e => r.Value.GetValueOrDefault(FieldIds.Rating(e.Code)))),
        });
        var sectionA = BuiltInDefinitions.For(Year).Sections.First(s => s.Id == "A").Fields.Select(f => f.Id).ToHashSet(StringComparer.Ordinal);
        var returns = data.Returns
            .Select(r => r.Year != Year ? r : new ReturnRecord(r.ServiceId, r.Year, new ReturnValues(
                r.Values.AsDictionary().Where(kv => !sectionA.Contains(kv.Key))
                    .Concat(real[r.ServiceId].Where(kv => !string.IsNullOrWhiteSpace(kv.Value)).Select(kv => KeyValuePair.Create(kv.Key, kv.Value!))))))
            .ToList();
        return data with { Returns = returns };
    }

    /// <summary>What the aggregation sees of the demo data for <paramref name="year"/>, labelled as the demo labels it.</summary>
    public static AggregationInput Input(SyntheticData data, int year = Year) => data.Input(year) with { SyntheticParts = SyntheticParts };
}
