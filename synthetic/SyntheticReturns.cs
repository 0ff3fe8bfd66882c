using System.Globalization;
using Pps.Core.Aggregation;
using Pps.Core.Catalogue;
using Pps.Core.Definition;
using Pps.Core.Reference;
using static Pps.Core.Definition.FieldIds;

namespace Pps.Synthetic;

/// <summary>How the synthetic returns are drawn; the defaults look like the 2013 report.</summary>
public sealed record SyntheticOptions
{
    /// <summary>Chance that a service which returned last year returns again (about 88% return in a year).</summary>
    public double ReturnAgain { get; init; } = 0.93;
    /// <summary>Chance that a service which did not return last year returns.</summary>
    public double ReturnAfterGap { get; init; } = 0.6;
    /// <summary>Chance that a service returns in the first year generated (about the steady state of the two above).</summary>
    public double ReturnInFirstYear { get; init; } = 0.89;
    /// <summary>Chance that a return leaves out any one numeric figure (budget, a staff role, a count...).</summary>
    public double OmitFigure { get; init; } = 0.03;
    /// <summary>Chance that a return has the self-assessment only (counts for Table A, not Table B).</summary>
    public double SelfAssessmentOnly { get; init; } = 0.01;
    /// <summary>For the years given, exactly these services return (the draw is still made, so the streams stay the same).</summary>
    public IReadOnlyDictionary<int, IReadOnlySet<int>> Returners { get; init; } = new Dictionary<int, IReadOnlySet<int>>();
}

/// <summary>Synthetic returns and reference data for every service over several years.</summary>
/// <param name="Reference">Region, real ONS population 0-19 and synthetic SEN and FSM pupils, per service and year.</param>
public sealed record SyntheticData(int Seed, IReadOnlyList<int> Years, IReadOnlyList<ReturnRecord> Returns, ReferenceData Reference)
{
    public AggregationInput Input(int year) => new() { Year = year, Returns = Returns, Reference = Reference };
}

/// <summary>
/// A deterministic generator of plausible returns for all services (the registry's services existing in each
/// year) over several years, for the demo, the benchmarks and the tests. The same seed always gives the same
/// data; each service draws from its own seeded stream, so services do not depend on one another.
/// <list type="bullet">
/// <item>Every field of the 2013 definition is filled, in range and passing the definition's rules: ratings,
/// completion method, type, ages, budget, other budgets, staff FTE by role, volunteers, access, the six time
/// percentages (whole numbers adding to exactly 100), casework users, excluded pupils, Parent Carer Forum.</item>
/// <item>Sizes follow the real 0-19 population of the service's local authority (ONS mid-2014): budget per head
/// around £1.10 (lognormal, £0.40-£4.20), at least £11,000 (less only for the smallest areas), FTE from the budget, casework users 2-8 per 1,000.</item>
/// <item>Year on year, figures drift: about half the budgets and establishments stay flat, the others and the
/// casework users change by less than 20% in most years (about 1 in 25 moves by up to 30%); choices rarely change.</item>
/// <item>Reference data: region (registry), population 0-19 (real ONS mid-2014, used for every year), and
/// <b>synthetic</b> SEN and FSM pupils: no public 2013 counts by local authority exist, so SEN is drawn as
/// 17-20% and FSM as 14-18% of the school-age share of the 0-19 population (taken as 11/20, ages 5-15),
/// drifting by up to 2% a year. Every reference row is labelled with <see cref="ReferenceSource"/>, which starts
/// with "synthetic".</item>
/// </list>
/// </summary>
public static class SyntheticReturns
{
    /// <summary>The label of every synthetic reference row (ReferenceRow.Source).</summary>
    public const string ReferenceSource = "synthetic: SEN and FSM pupils generated (no public 2013 counts by LA); population aged 0-19 is ONS mid-2014, used for every year";

    /// <summary>Whether a reference source label marks synthetic figures.</summary>
    public static bool IsSynthetic(string? source) => new ReferenceRow(0, 0, null, null, null, null) { Source = source }.IsSynthetic;

    /// <summary>The share of the 0-19 population taken as school age (5-15: 11 of 20 years).</summary>
    public const decimal SchoolAgeShare = 11m / 20m;

    /// <summary>The real 0-19 population (ONS mid-2014) of the service's local authority; null when it has none.</summary>
    public static long? Population0To19(int serviceId) =>
        ServiceRegistry.Find(serviceId) is { } service ? OnsPopulation.For(service) : null;

    public static SyntheticData Generate(int seed, int firstYear = 2009, int lastYear = 2013, SyntheticOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(firstYear, lastYear);
        options ??= new SyntheticOptions();
        var years = Enumerable.Range(firstYear, lastYear - firstYear + 1).ToList();
        var returns = new List<ReturnRecord>();
        var reference = new List<ReferenceRow>();
        foreach (var service in ServiceRegistry.All)
        {
            var yearsOfService = years.Where(service.ExistsIn).ToList();
            if (yearsOfService.Count == 0) continue;
            var generator = new ServiceGenerator(service, seed, options);
            foreach (var year in yearsOfService)
            {
                reference.Add(generator.Reference(year));
                if (generator.Next(year) is { } values) returns.Add(new ReturnRecord(service.Id, year, values));
            }
        }
        return new SyntheticData(seed, years, returns, new ReferenceData(reference));
    }

    /// <summary>One service's stream: its profile, and its state carried from one year to the next.</summary>
    private sealed class ServiceGenerator
    {
        private static readonly string[] Types = ["in-house", "out-sourced", "mixed"];
        private static readonly string[] BudgetKinds = ["parent-participation", "parent-carer-forum", "choice-advice", "disagreement-resolution", "other"];
        private static readonly (string Kind, double P)[] FormatOptions = [("audio", 0.45), ("large-print", 0.85), ("braille", 0.47), ("video", 0.21), ("other", 0.22)];

        private readonly Service _service;
        private readonly SyntheticOptions _options;
        private readonly Random _random;
        private readonly Random _referenceRandom;
        private readonly long? _population;
        private readonly double _senRate;
        private readonly double _fsmRate;
        private readonly double _costPerFte;
        private readonly double _budgetFloor;

        private bool? _returnedLastYear;
        private double _budget;
        private double _fte;
        private double _adminShare;
        private int _ips;
        private int _otherVolunteers;
        private double _users;
        private string _type;
        private int _upperAge;
        private int _otherBudgets;
        private string _responseDays;
        private string _languages;
        private int _languageCount;
        private string _formats;
        private string _excluded;
        private string _forum;
        private bool _managesOtherStaff;
        private string _completedBy;
        private readonly double[] _timeWeights;
        private readonly string[] _ratings;

        public ServiceGenerator(Service service, int seed, SyntheticOptions options)
        {
            _service = service;
            _options = options;
            _random = new Random(Mix(seed, service.Id, 1));
            _referenceRandom = new Random(Mix(seed, service.Id, 2));
            _population = Population0To19(service.Id);
            _senRate = Uniform(_referenceRandom, 0.17, 0.20);
            _fsmRate = Uniform(_referenceRandom, 0.14, 0.18);

            var population = _population ?? 60_000;
            var perHead = Math.Clamp(Math.Exp(Normal(Math.Log(1.1), 0.4)), 0.4, 4.2);
            _budgetFloor = Math.Min(11_000, population * 4.0);
            _budget = Math.Max(_budgetFloor, population * perHead);
            _costPerFte = 40_000 * Math.Exp(Normal(0, 0.2));
            _fte = Math.Clamp(_budget / _costPerFte, 0.1, 13);
            _adminShare = Uniform(_random, 0.1, 0.3);
            var r = _random.NextDouble();
            _ips = r < 0.5 ? 0 : r < 0.6 ? 1 : Math.Min(40, 2 + (int)(-Math.Log(1 - _random.NextDouble()) * 5));
            _otherVolunteers = _random.NextDouble() < 0.64 ? 0 : Math.Min(24, 1 + (int)(-Math.Log(1 - _random.NextDouble()) * 3));
            _users = Math.Max(5, population * Uniform(_random, 2, 8) / 1000);
            _type = Pick(("in-house", 0.69), ("out-sourced", 0.28), ("mixed", 0.03));
            _upperAge = Pick((19, 0.77), (25, 0.2), (24, 0.03));
            _otherBudgets = Pick((0, 0.8), (1, 0.11), (2, 0.06), (3, 0.03));
            _responseDays = Pick(("1", 0.3), ("2", 0.38), ("3", 0.24), ("5", 0.06), ("more-than-5", 0.02));
            _languages = Pick(("most-in-stock", 0.05), ("some-in-stock", 0.23), ("on-request", 0.67), ("none", 0.05));
            _languageCount = _random.Next(1, 13);
            _formats = Pick(("matter-of-course", 0.25), ("on-request", 0.63), ("no-provision", 0.12));
            _excluded = Pick(("automatically", 0.13), ("if-requested", 0.45), ("sen-only", 0.37), ("statement-only", 0.05));
            _forum = Pick(("leads", 0.17), ("active-participant", 0.7), ("no-involvement", 0.13));
            _managesOtherStaff = _random.NextDouble() < 0.21;
            _completedBy = Pick(("PPO", 0.58), ("PPO+MG", 0.3), ("PPO+LA", 0.12));
            _timeWeights = [Uniform(_random, 35, 75), Uniform(_random, 10, 35), Uniform(_random, 2, 15), Uniform(_random, 0, 8), Uniform(_random, 3, 18), Uniform(_random, 0, 8)];
            _ratings = Exemplifications.All.Select(_ => Pick(("B", 0.3), ("G", 0.6), ("x", 0.06), ("N", 0.04))).ToArray();
        }

        public ReferenceRow Reference(int year)
        {
            // SEN and FSM drift by up to 2% a year around the service's own rates.
            var drift = 1 + Uniform(_referenceRandom, -0.02, 0.02);
            var school = (double)SchoolAgeShare * (_population ?? 0);
            return new ReferenceRow(_service.Id, year, _service.Region, _population,
                _population is null ? null : (long)Math.Round(school * _senRate * drift),
                _population is null ? null : (long)Math.Round(school * _fsmRate * drift))
            {
                Source = ReferenceSource,
            };
        }

        /// <summary>This year's return, or null when the service does not return this year. State moves on either way.</summary>
        public ReturnValues? Next(int year)
        {
            var previousType = _type;
            Drift();
            var chance = _returnedLastYear switch { null => _options.ReturnInFirstYear, true => _options.ReturnAgain, false => _options.ReturnAfterGap };
            var drawn = _random.NextDouble() < chance;
            var returns = _options.Returners.TryGetValue(year, out var returners) ? returners.Contains(_service.Id) : drawn;
            _returnedLastYear = returns;
            if (!returns) return null;

            var v = new Dictionary<string, string>(StringComparer.Ordinal) { [CompletedBy] = _completedBy };
            for (var i = 0; i < _ratings.Length; i++) v[Rating(Exemplifications.All[i].Code)] = _ratings[i];
            if (_random.NextDouble() < _options.SelfAssessmentOnly) return new ReturnValues(v);

            v[ServiceType] = _type;
            v[ServiceTypeChange] = previousType == _type ? "none" : $"{previousType}>{_type}";
            v[LowerAge] = "0";
            v[UpperAge] = Text(_upperAge);

            Maybe(v, CoreBudget, Math.Round(_budget / 100) * 100);
            v[OtherBudgetCount] = Text(_otherBudgets);
            if (_otherBudgets > 0)
            {
                var kinds = BudgetKinds.OrderBy(_ => _random.Next()).Take(Math.Min(_otherBudgets, BudgetKinds.Length)).ToHashSet();
                v[OtherBudgetKinds] = string.Join(ReturnValues.ChoiceSeparator, BudgetKinds.Where(kinds.Contains));
                if (kinds.Contains("other")) v[OtherBudgetName] = "Synthetic local initiative";
            }

            var manager = Math.Min(1.0, Math.Round(_fte * 0.45, 2));
            var admin = Math.Round(_fte * _adminShare, 2);
            var other = Math.Max(0, Math.Round(_fte - manager - admin, 2));
            Maybe(v, ManagerFte, manager);
            Maybe(v, OtherPaidFte, other);
            Maybe(v, AdminFte, admin);
            v[ManagesOtherStaff] = _managesOtherStaff ? "true" : "false";
            Maybe(v, VolunteerIps, _ips);
            Maybe(v, IpsNewlyTrained, _ips > 0 && _random.NextDouble() < 0.45 ? _random.Next(1, Math.Min(_ips, 12) + 1) : 0);
            Maybe(v, OtherVolunteers, _otherVolunteers);

            v[ResponseDays] = _responseDays;
            v[CommunityLanguages] = _languages;
            if (_languages is "most-in-stock" or "some-in-stock") v[LanguageCount] = Text(_languageCount);
            v[Formats] = _formats;
            if (_formats != "no-provision")
            {
                var ticked = FormatOptions.Where(f => _random.NextDouble() < f.P).Select(f => f.Kind).ToList();
                if (ticked.Count == 0) ticked.Add("large-print");
                v[FormatKinds] = string.Join(ReturnValues.ChoiceSeparator, ticked);
            }

            var time = WholePercentages(_timeWeights);
            for (var i = 0; i < TimeCategories.Count; i++) v[TimeCategories[i]] = Text(time[i]);
            v[TimeMethod] = _random.NextDouble() < 0.06 ? "time-records" : "best-approximation";
            Maybe(v, CaseworkUsers, Math.Round(_users));
            v[ExcludedPupils] = _excluded;
            v[ParentCarerForum] = _forum;
            if (_random.NextDouble() < 0.1) v[Comments] = "Synthetic return: generated figures, not a real service's data.";
            return new ReturnValues(v);
        }

        private void Drift()
        {
            // Most budgets and establishments stay flat in cash terms from one year to the next.
            if (_random.NextDouble() < 0.55) _budget = Math.Max(_budgetFloor, _budget * Factor(-0.02, 0.07));
            if (_random.NextDouble() < 0.5) _fte = Math.Clamp(_fte * Factor(0, 0.08), 0.1, 13);
            _users = Math.Max(5, _users * Factor(0.01, 0.07));
            _ips = NextCount(_ips, 40);
            _otherVolunteers = NextCount(_otherVolunteers, 24);
            for (var i = 0; i < _timeWeights.Length; i++) _timeWeights[i] *= 1 + Uniform(_random, -0.1, 0.1);
            if (_random.NextDouble() < 0.01) _type = Types.Where(t => t != _type).ElementAt(_random.Next(2));
            if (_random.NextDouble() < 0.05) _responseDays = Pick(("1", 0.3), ("2", 0.38), ("3", 0.24), ("5", 0.06), ("more-than-5", 0.02));
            if (_random.NextDouble() < 0.05) _otherBudgets = Pick((0, 0.8), (1, 0.11), (2, 0.06), (3, 0.03));
            if (_random.NextDouble() < 0.05) _forum = Pick(("leads", 0.17), ("active-participant", 0.7), ("no-involvement", 0.13));
            for (var i = 0; i < _ratings.Length; i++)
            {
                if (_random.NextDouble() < 0.05) _ratings[i] = Pick(("B", 0.3), ("G", 0.6), ("x", 0.06), ("N", 0.04));
            }
        }

        /// <summary>Volunteer counts: a service without volunteers rarely starts; one with them gains or loses a few.</summary>
        private int NextCount(int count, int max) =>
            count == 0
                ? _random.NextDouble() < 0.04 ? 1 : 0
                : _random.NextDouble() < 0.3 ? Math.Clamp(count + _random.Next(-2, 3), 0, max) : count;

        /// <summary>A year-on-year factor: lognormal, within ±19% but for about 1 year in 25 (up to ±30%).</summary>
        private double Factor(double mean, double sd)
        {
            var limit = _random.NextDouble() < 0.04 ? 0.3 : 0.19;
            return Math.Clamp(Math.Exp(Normal(mean, sd)), 1 - limit, 1 + limit);
        }

        private void Maybe(Dictionary<string, string> v, string id, double value)
        {
            if (_random.NextDouble() >= _options.OmitFigure) v[id] = Text(value);
        }

        private double Normal(double mean, double sd)
        {
            var u1 = 1.0 - _random.NextDouble();
            var u2 = _random.NextDouble();
            return mean + sd * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
        }

        private T Pick<T>(params (T Value, double P)[] options)
        {
            var r = _random.NextDouble() * options.Sum(o => o.P);
            foreach (var (value, p) in options)
            {
                if (r < p) return value;
                r -= p;
            }
            return options[^1].Value;
        }

        private static double Uniform(Random random, double low, double high) => low + (high - low) * random.NextDouble();

        private static string Text(double value) => ReturnValues.FormatNumber((decimal)value);
    }

    /// <summary>Whole-number percentages proportional to the weights that add up to exactly 100 (largest remainder).</summary>
    internal static int[] WholePercentages(IReadOnlyList<double> weights)
    {
        var sum = weights.Sum();
        var exact = weights.Select(w => 100 * w / sum).ToArray();
        var whole = exact.Select(e => (int)Math.Floor(e)).ToArray();
        var left = 100 - whole.Sum();
        foreach (var i in Enumerable.Range(0, exact.Length).OrderByDescending(i => exact[i] - whole[i]).ThenBy(i => i).Take(left)) whole[i]++;
        return whole;
    }

    /// <summary>A stable seed from the generator seed, the service id and a stream number (no randomised hashing).</summary>
    private static int Mix(int seed, int serviceId, int stream)
    {
        unchecked
        {
            var h = (uint)seed * 2654435761u;
            h ^= (uint)serviceId * 2246822519u + 0x9E3779B9u + (h << 6) + (h >> 2);
            h ^= (uint)stream * 3266489917u + 0x9E3779B9u + (h << 6) + (h >> 2);
            return (int)(h & 0x7FFFFFFF);
        }
    }
}
