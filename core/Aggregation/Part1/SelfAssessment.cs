using Pps.Core.Catalogue;
using Pps.Core.Definition;

namespace Pps.Core.Aggregation.Part1;

/// <summary>
/// One service's self-assessment in one year: who completed it and its ratings. A blank rating is absent
/// from <see cref="Ratings"/>: it is no level, and never counts as Non-compliant or as complying.
/// </summary>
internal sealed record SelfAssessment(int ServiceId, int Year, string? Method, RatingLevel?[] Levels)
{
    // Levels: one per exemplification, in Exemplifications.All's order (a close holds five years of these at once).

    /// <summary>The completion methods the year's return offers, in Chart 1's order (the options of its completion field; none if it has none).</summary>
    public static IReadOnlyList<Option> Methods(ReturnDefinition definition) =>
        definition.Defines(FieldIds.CompletedBy) ? definition.Field(FieldIds.CompletedBy).Options : [];

    /// <summary>The self-assessment in a return, or null when the return rates no exemplification (it does not count for Part 1).</summary>
    public static SelfAssessment? From(ReturnDefinition definition, ReturnRecord record)
    {
        if (!definition.RatesAnyExemplification(record.Values)) return null;
        var reader = RatingReader.For(definition);
        var levels = new RatingLevel?[Exemplifications.All.Count];
        var rated = 0;
        for (var i = 0; i < levels.Length; i++)
        {
            if (reader.Level(i, record.Values) is { } level)
            {
                levels[i] = level;
                rated++;
            }
        }
        return rated == 0 ? null : new SelfAssessment(record.ServiceId, record.Year, MethodOf(definition, record.Values), levels);
    }

    /// <summary>
    /// A year's rating fields, in Exemplifications.All's order, each with its options' levels: worked out once per
    /// definition, since the close reads five years of returns, 34 ratings each.
    /// </summary>
    private sealed class RatingReader
    {
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ReturnDefinition, RatingReader> Readers = new();

        private readonly FieldDefinition?[] _fields;
        private readonly Dictionary<string, RatingLevel>[] _levels;

        private RatingReader(ReturnDefinition definition)
        {
            _fields = [.. Exemplifications.All.Select(e => FieldIds.Rating(e.Code) is var id && definition.Defines(id) ? definition.Field(id) : null)];
            _levels = [.. _fields.Select(f => f is null ? [] : f.Options
                .Where(o => o.Level is not null)
                .ToDictionary(o => o.Value, o => RatingLevels.Of(o.Level!.Value), StringComparer.Ordinal))];
        }

        public static RatingReader For(ReturnDefinition definition) => Readers.GetValue(definition, d => new RatingReader(d));

        /// <summary>The level of the <paramref name="index"/>th exemplification's rating; null when blank or not in the year's return.</summary>
        public RatingLevel? Level(int index, ReturnValues values)
        {
            if (_fields[index] is not { } field || values.Text(field.Id) is not { Length: > 0 } value) return null;
            // An option the definition does not offer, or one with no level: the one parser says what is wrong.
            return _levels[index].TryGetValue(value, out var level) ? level : RatingLevels.Parse(field, value);
        }
    }

    /// <summary>The completion method, or null when it is blank or not one of the year's <see cref="Methods"/>.</summary>
    private static string? MethodOf(ReturnDefinition definition, ReturnValues values) =>
        values.Text(FieldIds.CompletedBy) is { } method && Methods(definition).Any(o => o.Value == method) ? method : null;

    public RatingLevel? Rating(string code) => Exemplifications.IndexOf(code) is var i and >= 0 ? Levels[i] : null;

    /// <summary>The rating of the <paramref name="index"/>th exemplification of Exemplifications.All (what Part 1 counts 34 times per assessment).</summary>
    public RatingLevel? Rating(int index) => Levels[index];

    public int NonCompliantCount(IEnumerable<Exemplification> among) =>
        among.Count(e => Rating(e.Code) == RatingLevel.NonCompliant);

    // Chart 2 asks for it 6 bands x 5 years over for every assessment: counted once.
    private readonly int _nonCompliantCount = Levels.Count(level => level == RatingLevel.NonCompliant);

    public int NonCompliantCount() => _nonCompliantCount;

    /// <summary>Rated Best or Good on every exemplification (a blank rating fails this).</summary>
    public bool BestOrGoodOnAll() => Exemplifications.All.All(e => Rating(e.Code) is { } level && RatingLevels.IsBestOrGood(level));
}

/// <summary>The self-assessments of every year up to the chosen one, by year and service.</summary>
internal sealed class SelfAssessments
{
    private readonly Dictionary<int, List<SelfAssessment>> _byYear;
    // Every service's page looks up its own and last year's assessment: by key, not by scanning the year.
    private readonly Dictionary<(int ServiceId, int Year), SelfAssessment> _byService;

    private SelfAssessments(Dictionary<int, List<SelfAssessment>> byYear)
    {
        _byYear = byYear;
        _byService = byYear.Values.SelectMany(list => list).ToDictionary(a => (a.ServiceId, a.Year));
    }

    /// <summary>The self-assessments in the input's returns, made once per input (Part 1 and the service pages both read them).</summary>
    public static SelfAssessments From(AggregationInput input) => input.Derived(Build);

    private static SelfAssessments Build(AggregationInput input)
    {
        var byYear = input.Returns
            .Where(r => r.Year <= input.Year)
            .Select(r => SelfAssessment.From(input.Definitions.For(r.Year), r))
            .OfType<SelfAssessment>()
            .GroupBy(a => a.Year)
            .ToDictionary(g => g.Key, g => g.OrderBy(a => a.ServiceId).ToList());
        return new SelfAssessments(byYear);
    }

    /// <summary>The year's self-assessments in service id order; empty when none are held.</summary>
    public IReadOnlyList<SelfAssessment> In(int year) => _byYear.TryGetValue(year, out var list) ? list : [];

    public bool HasAny(int year) => _byYear.ContainsKey(year);

    public SelfAssessment? Find(int serviceId, int year) => _byService.GetValueOrDefault((serviceId, year));
}
