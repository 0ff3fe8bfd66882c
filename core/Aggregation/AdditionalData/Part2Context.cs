using Pps.Core.Aggregation.Statistics;
using Pps.Core.Definition;
using Pps.Core.Reference;

namespace Pps.Core.Aggregation.AdditionalData;

/// <summary>A service's value of a measure in a year; in order, smallest value first, equal values by service id.</summary>
public readonly record struct ServiceValue(int ServiceId, decimal Value) : IComparable<ServiceValue>
{
    public int CompareTo(ServiceValue other) => Value != other.Value ? Value.CompareTo(other.Value) : ServiceId.CompareTo(other.ServiceId);
}

/// <summary>
/// The returns of Part 2 and the small builders every table and chart shares. One return per service and year
/// (<see cref="AggregationInput"/> refuses two); years after <see cref="AggregationInput.Year"/> are ignored.
/// </summary>
internal sealed class Part2Context
{
    private readonly Shared _shared;

    public Part2Context(AggregationInput input)
    {
        Input = input;
        _shared = input.Derived(static i => new Shared(i));
        Current = ReturnsIn(input.Year);
    }

    public AggregationInput Input { get; }
    public int Year => Input.Year;
    public IReadOnlyList<ReturnRecord> Current { get; }
    public IReadOnlyList<int> FiveYears => Input.LastYears(5);
    public IReadOnlyList<int> ThisYear => [Year];

    public IReadOnlyList<ReturnRecord> ReturnsIn(int year) => _shared.ByYear.GetValueOrDefault(year) ?? [];

    /// <summary>The services that gave the measure in the year, with their values, by service id.</summary>
    public IReadOnlyList<ServiceValue> Values(Measure measure, int year) => _shared.Values(measure, year);

    public IReadOnlyList<ServiceValue> Values(Measure measure) => Values(measure, Year);

    /// <summary>
    /// <see cref="Values(Measure, int)"/> smallest first, equal values in service id order: the order a stable sort
    /// of the values gives, so statistics of these agree with <see cref="Descriptive.Summarise"/> of the values.
    /// </summary>
    public IReadOnlyList<ServiceValue> Ascending(Measure measure, int year) => _shared.Of(measure, year).Ascending;

    /// <summary>The numbers of <see cref="Ascending"/>.</summary>
    public IReadOnlyList<decimal> SortedNumbers(Measure measure, int year) => _shared.Of(measure, year).SortedNumbers;

    /// <summary>
    /// What Part 2 and the services' pages both read, made once per input (they run side by side): the returns by
    /// year in service id order, and each measure's values in each year (a figure asks for the same measure and
    /// year several times over, and every value is parsed from text).
    /// </summary>
    private sealed class Shared(AggregationInput input)
    {
        public Dictionary<int, IReadOnlyList<ReturnRecord>> ByYear { get; } = input.Returns
            .Where(r => r.Year <= input.Year)
            .GroupBy(r => r.Year)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<ReturnRecord>)g.OrderBy(r => r.ServiceId).ToList());

        // Measures are singletons (Measures.*): compared by reference, not by the record's value equality.
        private readonly System.Collections.Concurrent.ConcurrentDictionary<(Measure, int), Lazy<MeasureValues>> _values =
            new(new MeasureYearComparer());

        public IReadOnlyList<ServiceValue> Values(Measure measure, int year) => Of(measure, year).ByService;

        public MeasureValues Of(Measure measure, int year) =>
            _values.GetOrAdd((measure, year), key => new Lazy<MeasureValues>(() => Compute(key.Item1, key.Item2))).Value;

        private MeasureValues Compute(Measure measure, int year)
        {
            var values = new List<ServiceValue>();
            foreach (var r in ByYear.GetValueOrDefault(year) ?? [])
            {
                if (measure.Of(r, input.Reference) is { } value) values.Add(new ServiceValue(r.ServiceId, value));
            }
            return new MeasureValues([.. values]);
        }

        private sealed class MeasureYearComparer : IEqualityComparer<(Measure Measure, int Year)>
        {
            public bool Equals((Measure Measure, int Year) x, (Measure Measure, int Year) y) => ReferenceEquals(x.Measure, y.Measure) && x.Year == y.Year;

            public int GetHashCode((Measure Measure, int Year) key) => HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(key.Measure), key.Year);
        }
    }

    /// <summary>One measure's values in one year, by service and sorted (each sorted once, when first asked for).</summary>
    private sealed class MeasureValues(ServiceValue[] byService)
    {
        private ServiceValue[]? _ascending;
        private decimal[]? _sortedNumbers;

        public ServiceValue[] ByService => byService;

        // Two threads may both sort: they get equal arrays, and the values never change.
        public ServiceValue[] Ascending => _ascending ??= Sort(byService);

        public decimal[] SortedNumbers => _sortedNumbers ??= Array.ConvertAll(Ascending, v => v.Value);

        private static ServiceValue[] Sort(ServiceValue[] values)
        {
            var sorted = values.ToArray();
            Array.Sort(sorted); // ServiceValue's own order, compared without a delegate
            return sorted;
        }
    }

    /// <summary>Returns of this year that gave the field.</summary>
    public IReadOnlyList<ReturnRecord> Giving(string fieldId) => Current.Where(r => r.Values.Has(fieldId)).ToList();

    public static decimal? Round(decimal? value, int decimals) => value is null ? null : Percent.Round(value.Value, decimals);

    /// <summary>
    /// The note naming where the reference figures a measure divides by come from (ReferenceRow.Source): the
    /// sources of the rows the figure used, or, when it used none (no service gave the measure), of every row
    /// loaded for the year that holds that reference figure. "No reference data" only when none is loaded: a
    /// figure with no returns must not claim the reference data is missing.
    /// </summary>
    public IReadOnlyList<string> SourceNotes(string? uses, IEnumerable<int> serviceIds, int year)
    {
        if (uses is null) return [];
        var (what, figure) = uses switch
        {
            "population" => ("Population aged 0-19", (Func<ReferenceRow, long?>)(r => r.Population0To19)),
            "sen" => ("Pupils with SEN (School Action, School Action Plus and Statements)", r => r.SenPupils),
            "fsm" => ("Pupils eligible for and claiming free school meals", r => r.FsmPupils),
            _ => throw new ArgumentOutOfRangeException(nameof(uses), uses, "A measure divides by population, sen or fsm."),
        };
        const string NoSource = "reference data loaded by NPPN (no source given)";
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in serviceIds)
        {
            if (Input.Reference.For(year, id) is { } row && figure(row) is not null) used.Add(row.SourceOf(uses) ?? NoSource);
        }
        var loaded = 0;
        var loadedSources = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in Input.Reference.ForYear(year))
        {
            if (figure(row) is null) continue;
            loaded++;
            if (used.Count == 0) loadedSources.Add(row.SourceOf(uses) ?? NoSource);
        }
        var sources = (used.Count > 0 ? used : loadedSources).Order(StringComparer.Ordinal).ToList();
        var list = loaded == 0
            ? $"no reference data loaded for {year}"
            // Counted as the key's areas, not services: 152 areas have a service in 2013, and "services" is the year's one count (150).
            : $"{string.Join("; ", sources)}, for {year} (loaded for {loaded} local authority areas in the key to services)";
        return [$"{what}: {list}. Services without that reference figure for the year are left out (N drops)."];
    }

    /// <summary><see cref="Aggregation.Figure.Create"/> for this year.</summary>
    public Figure Figure(string id, string reportRef, string title, string section, string kind, int returns,
        IReadOnlyList<Column> columns, IReadOnlyList<IReadOnlyList<object?>> rows,
        FigureStatistics? statistics = null, IReadOnlyList<string>? notes = null,
        IReadOnlyList<int>? years = null, IReadOnlyDictionary<int, int>? returnsByYear = null) =>
        Aggregation.Figure.Create(Year, id, reportRef, title, section, kind, returns, columns, rows, statistics, notes, years ?? ThisYear, returnsByYear);

    /// <summary>
    /// Tables E-I and L: per year for the last five years, the returns that gave the measure, their total, the
    /// total extrapolated to all services, the range, the national mean and the national median.
    /// </summary>
    public Figure MeasureTable(string id, string reportRef, string title, string section, Measure measure)
    {
        var rows = new List<IReadOnlyList<object?>>();
        var byYear = new Dictionary<int, int>();
        var notes = new List<string>();
        var stats = new FigureStatistics();
        var u = measure.Unit;
        foreach (var year in FiveYears)
        {
            var s = Descriptive.SummariseSorted(SortedNumbers(measure, year));
            var extrapolated = Extrapolation.Total(s.Total, Values(measure, year).Select(v => v.ServiceId).ToList(), year, Input);
            byYear[year] = s.Count;
            if (s.Count > 0) notes.Add(extrapolated.Note);
            // One rule with Tables A and B: a year in which no return gave the figure shows no data, never 0 returns.
            rows.Add([year, s.Count == 0 ? null : s.Count, Round(s.Count == 0 ? null : s.Total, measure.Decimals), Round(extrapolated.Value, measure.Decimals),
                Round(s.Min, measure.Decimals), Round(s.Max, measure.Decimals), Round(s.Mean, measure.Decimals), Round(s.Median, measure.Decimals)]);
            if (year == Year)
            {
                stats.Add("total", $"Total of the {year} returns", u, Round(s.Count == 0 ? null : s.Total, measure.Decimals));
                stats.Add("extrapolated_total", $"Extrapolated total for all services, {year}", u, Round(extrapolated.Value, measure.Decimals));
                stats.Add("min", $"Lowest service, {year}", u, Round(s.Min, measure.Decimals));
                stats.Add("max", $"Highest service, {year}", u, Round(s.Max, measure.Decimals));
                stats.Add("mean", $"National mean, {year}", u, Round(s.Mean, measure.Decimals));
                stats.Add("median", $"National median, {year}", u, Round(s.Median, measure.Decimals));
            }
        }
        notes.Add("Each year counts only the returns that gave this figure; the total and range are of those returns, so years are not directly comparable as the sample is not identical.");
        notes.Add("Extrapolated total: by population where the reference data has the 0-19 population of every service that year (total × population of all services / population of the services that gave it), otherwise by service count (total × services nationally / returns).");
        if (measure == Measures.Fte) notes.Add("FTE per service is the sum of the roles the service gave (manager, other paid staff, administrative support).");
        return Figure(id, reportRef, title, section, "table", byYear[Year],
            [new("year", "Year", "year"), new("returns", "Returns", "count"), new("total", "Total", u), new("extrapolated_total", "Extrapolated total for all services", u),
             new("min", "Range: lowest", u), new("max", "Range: highest", u), new("mean", "National mean", u), new("median", "National median", u)],
            rows, stats, notes, FiveYears, byYear);
    }

    /// <summary>
    /// A sorted bar chart of each service's value (Charts 8, 10, 11, 13, 15, 19, 21-26, 32-35), smallest first,
    /// with the mean, median, range and the band of the middle 75% of services.
    /// </summary>
    public Figure Ranked(string id, string reportRef, string title, string section, Measure measure, IEnumerable<string>? extraNotes = null,
        Func<IReadOnlyList<decimal>, IEnumerable<Statistic>>? extraStatistics = null)
    {
        var values = Ascending(measure, Year);
        var numbers = SortedNumbers(measure, Year);
        var s = Descriptive.SummariseSorted(numbers);
        var (low, high) = Descriptive.MiddleBandOfSorted(numbers);
        var d = measure.Decimals;
        var u = measure.Unit;
        var stats = new FigureStatistics
        {
            { "mean", "National mean", u, Round(s.Mean, d) },
            { "median", "National median", u, Round(s.Median, d) },
            { "min", "Lowest service", u, Round(s.Min, d) },
            { "max", "Highest service", u, Round(s.Max, d) },
            { "middle_75_low", "Middle 75% of services: from", u, Round(low, d) },
            { "middle_75_high", "Middle 75% of services: to", u, Round(high, d) },
        };
        if (extraStatistics is not null) stats.AddRange(extraStatistics(numbers));
        var notes = new List<string>(SourceNotes(measure.Uses, values.Select(v => v.ServiceId), Year))
        {
            "Median: the middle value, or the mean of the two middle values. The middle 75% band runs from the 12.5th to the 87.5th percentile (Excel PERCENTILE.INC).",
        };
        if (extraNotes is not null) notes.AddRange(extraNotes);
        return Figure(id, reportRef, title, section, "ranked", s.Count,
            [new("service_id", "Service", "text"), new("value", measure.Title, measure.Unit)],
            values.Select(v => (IReadOnlyList<object?>)[v.ServiceId, Round(v.Value, d)]).ToList(), stats, notes);
    }

    /// <summary>How many returns chose each option of a choice field, and the whole-number percentage of those that answered.</summary>
    public Figure Shares(string id, string reportRef, string title, string section, string kind, string fieldId, bool cumulative = false)
    {
        var field = Input.Definitions.FieldFor(Year, fieldId);
        var given = Giving(fieldId);
        var n = given.Count;
        var rows = new List<IReadOnlyList<object?>>();
        var stats = new FigureStatistics();
        var running = 0;
        var chosen = given.CountBy(r => r.Values.Text(fieldId)).ToDictionary(c => c.Key ?? "", c => c.Value);
        foreach (var option in field.Options)
        {
            var count = chosen.GetValueOrDefault(option.Value);
            running += count;
            stats.Add("pct_" + option.Value, $"Share answering \u201c{option.Label}\u201d", "pct", Percent.Rounded(count, n));
            rows.Add(cumulative
                ? [option.Value, option.Label, count, Percent.Rounded(count, n), Percent.Rounded(running, n)]
                : [option.Value, option.Label, count, Percent.Rounded(count, n)]);
        }
        List<Column> columns = [new("option", "Option", "text"), new("label", "Answer", "text"), new("count", "Services", "count"), new("pct", "Percent", "pct")];
        if (cumulative) columns.Add(new("cumulative_pct", "Cumulative percent", "pct"));
        return Figure(id, reportRef, title, section, kind, n, columns, rows, stats,
            ["Percentages are of the returns that answered this question, rounded to the nearest whole number (halves away from zero)."]);
    }

    /// <summary>How many returns ticked each option of a multi-choice field, of the returns that ticked any.</summary>
    public Figure Ticks(string id, string reportRef, string title, string section, string fieldId, IEnumerable<ReturnRecord>? among = null)
    {
        var field = Input.Definitions.FieldFor(Year, fieldId);
        var given = (among ?? Current).Select(r => r.Values.Choices(fieldId)).Where(choices => choices.Count > 0).ToList();
        var n = given.Count;
        var rows = new List<IReadOnlyList<object?>>();
        var stats = new FigureStatistics();
        var ticked = given.SelectMany(choices => choices.Distinct()).CountBy(choice => choice).ToDictionary();
        foreach (var option in field.Options)
        {
            var count = ticked.GetValueOrDefault(option.Value);
            stats.Add("count_" + option.Value, $"Services ticking \u201c{option.Label}\u201d", "count", count);
            rows.Add([option.Value, option.Label, count, Percent.Rounded(count, n)]);
        }
        return Figure(id, reportRef, title, section, "bar", n,
            [new("option", "Option", "text"), new("label", "Answer", "text"), new("count", "Services", "count"), new("pct", "Percent", "pct")],
            rows, stats, ["A service may tick several; percentages are of the returns that ticked at least one, so they need not add up to 100."]);
    }

    /// <summary>
    /// Charts 9 and 20: each service's change against its own value the year before, for services that gave the
    /// measure in both years (and a positive value last year). Rows only for changes over 2% either way; the
    /// statistics count changes over 2% and over 10% each way (strictly greater).
    /// </summary>
    public Figure Change(string id, string reportRef, string title, string section, Measure measure)
    {
        var before = Values(measure, Year - 1).Where(v => v.Value > 0).ToDictionary(v => v.ServiceId, v => v.Value);
        var changes = Values(measure)
            .Where(v => before.ContainsKey(v.ServiceId))
            .Select(v => (v.ServiceId, Previous: before[v.ServiceId], Current: v.Value, Pct: 100m * (v.Value - before[v.ServiceId]) / before[v.ServiceId]))
            .ToList();
        var shown = changes.Where(c => Math.Abs(c.Pct) > 2m).OrderBy(c => c.Pct).ThenBy(c => c.ServiceId).ToList();
        var stats = new FigureStatistics
        {
            { "services_compared", $"Services that gave the figure in {Year - 1} and {Year}", "count", changes.Count },
            { "increase_over_2", "Services with an increase of more than 2%", "count", changes.Count(c => c.Pct > 2m) },
            { "increase_over_10", "Services with an increase of more than 10%", "count", changes.Count(c => c.Pct > 10m) },
            { "decrease_over_2", "Services with a decrease of more than 2%", "count", changes.Count(c => c.Pct < -2m) },
            { "decrease_over_10", "Services with a decrease of more than 10%", "count", changes.Count(c => c.Pct < -10m) },
        };
        var d = measure.Decimals;
        return Figure(id, reportRef, title, section, "ranked", changes.Count,
            [new("service_id", "Service", "text"), new("previous", $"{Year - 1}", measure.Unit), new("current", $"{Year}", measure.Unit), new("change_pct", "Change", "pct")],
            shown.Select(c => (IReadOnlyList<object?>)[c.ServiceId, Round(c.Previous, d), Round(c.Current, d), Percent.Round(c.Pct, 1)]).ToList(),
            stats,
            [$"Services that gave the figure in both {Year - 1} and {Year}; only changes of more than 2% either way are shown. Change = (this year - last year) / last year, shown to 1 decimal place."],
            [Year - 1, Year], new Dictionary<int, int> { [Year - 1] = before.Count, [Year] = Values(measure).Count });
    }

    /// <summary>Charts 12, 14, 27: each service's reference figure against its measure, with Pearson's r.</summary>
    public Figure Scatter(string id, string reportRef, string title, string section, string uses, Func<ReferenceRow, long?> x, string xLabel, Measure y)
    {
        var points = Current
            .Select(r => (r.ServiceId, X: Input.Reference.For(Year, r.ServiceId) is { } row ? x(row) : null, Y: y.Of(r, Input.Reference)))
            .Where(p => p.X is not null && p.Y is not null)
            .Select(p => (p.ServiceId, X: (decimal)p.X!.Value, Y: p.Y!.Value))
            .ToList();
        var r = Descriptive.Pearson(points.Select(p => (p.X, p.Y)).ToList());
        return Figure(id, reportRef, title, section, "scatter", points.Count,
            [new("service_id", "Service", "text"), new("x", xLabel, "count"), new("y", y.Title, y.Unit)],
            points.Select(p => (IReadOnlyList<object?>)[p.ServiceId, (long)p.X, Round(p.Y, y.Decimals)]).ToList(),
            new FigureStatistics { { "correlation", "Correlation (Pearson's r)", "coefficient", Round(r, 4) } },
            [.. SourceNotes(uses, points.Select(p => p.ServiceId), Year), "Correlation: Pearson's r over the services with both values, to 4 decimal places."]);
    }
}
