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

    /// <summary>
    /// The last year's self-ratings per service (exemplification code → B, G, x, N; blank for not rated), when they are
    /// real (the demo's 2013 ratings, the report's Table C): the service's ratings in the last year generated are these,
    /// and earlier years walk back from them, so that a year's change against the real one is as plausible as any
    /// other. A service not listed draws its own.
    /// </summary>
    public IReadOnlyDictionary<int, IReadOnlyDictionary<string, string?>> LastYearRatings { get; init; } =
        new Dictionary<int, IReadOnlyDictionary<string, string?>>();

    /// <summary>
    /// Chance that a service rates an exemplification differently from the year before. The 2013 report implies about
    /// 1 in 9: on access to IPS (1a) "7 PPS rated themselves as improving to Best Practice ... and a further 2 to Good
    /// Practice", and 5 of the Non-compliant "down-graded their rating compared to last year": 14 changes of 131; on
    /// seeking parents' views (1h) "11 services gave themselves a lower rating this year than last".
    /// </summary>
    public double RatingChange { get; init; } = 14.0 / 131;
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
/// data. Calibrated to the 2013 report: the last year generated has the distributions the report states
/// (tests/data/report-2013-part2-figures.csv; <c>pps calibration</c> prints how close), earlier years drift from it.
/// <list type="bullet">
/// <item>Every field of the 2013 definition is filled, in range and passing the definition's rules: ratings,
/// completion method, type, ages, budget, other budgets, staff FTE by role, volunteers, access, the six time
/// percentages (whole numbers adding to exactly 100), casework users, excluded pupils, Parent Carer Forum.</item>
/// <item>Each service's profile is its stratified rank per attribute (services in a seeded random order, so
/// across ~150 services the quantiles land where the report puts them) put through the report's distribution:
/// budget per head of 0-19 (real ONS mid-2014 population) from 43p to £4.13 with 42% under £1 and a median of
/// £1.10, within £11,000-£550,000; FTE ranked by budget (with noise) from 0.3 to 13, median 2; casework users
/// 0.4-19.8 per 1,000 aged 0-19, median 4.1, going with the budget per head; volunteer IPS, other volunteers
/// and every choice at the report's shares.</item>
/// <item>Year on year (walking back from the last year): about 4 in 10 budgets and establishments move, by
/// 2.5%-19% (about 1 in 25 by up to 30%), casework users by a few percent; choices rarely change; about 1 in 9
/// self-ratings change (<see cref="SyntheticOptions.RatingChange"/>), keeping each exemplification's shares, and when
/// the last year's ratings are real (<see cref="SyntheticOptions.LastYearRatings"/>) the earlier years walk back from them.</item>
/// <item>Reference data: region (registry), population 0-19 (real ONS mid-2014, used for every year), and
/// <b>synthetic</b> SEN and FSM pupils: no public 2013 counts by local authority exist, so SEN is drawn as
/// 18-24% and FSM as 10-24% of the school-age share of the 0-19 population (taken as 11/20, ages 5-15),
/// drifting by up to 2% a year. Every reference row is labelled with <see cref="ReferenceSource"/>, which starts
/// with "synthetic", and its population with <see cref="PopulationSource"/>, which does not.</item>
/// </list>
/// </summary>
public static class SyntheticReturns
{
    /// <summary>The source of the 0-19 population in every synthetic reference row: ONS's, for every year.</summary>
    public const string PopulationSource = OnsPopulation.Source + ", used for every year";

    /// <summary>The label of every synthetic reference row (ReferenceRow.Source); its population has <see cref="PopulationSource"/>.</summary>
    public const string ReferenceSource = "synthetic: SEN and FSM pupils generated (no public 2013 counts by LA); population aged 0-19 is ONS mid-2014, used for every year";


    /// <summary>The share of the 0-19 population taken as school age (5-15: 11 of 20 years).</summary>
    public const decimal SchoolAgeShare = 11m / 20m;

    /// <summary>The real 0-19 population (ONS mid-2014) of the service's local authority; null when it has none.</summary>
    public static long? Population0To19(int serviceId) =>
        ServiceCatalogue.BuiltIn.Find(serviceId) is { } service ? OnsPopulation.For(service) : null;

    public static SyntheticData Generate(int seed, int firstYear = 2009, int lastYear = 2013, SyntheticOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(firstYear, lastYear);
        options ??= new SyntheticOptions();
        var years = Enumerable.Range(firstYear, lastYear - firstYear + 1).ToList();
        var returns = new List<ReturnRecord>();
        var reference = new List<ReferenceRow>();
        var services = ServiceCatalogue.BuiltIn.All.Where(s => years.Any(s.ExistsIn)).ToList();
        var ranks = new Ranks(seed, services.Select(s => s.Id).ToList());
        // Larger areas tend to get less per head (the report's correlation of budget with SEN pupils is 0.75, not 0.85);
        // staffing follows the budget closely but not exactly (FTE against SEN pupils: 0.74).
        ranks.ByScore("budget_per_head", id => ranks.Normal("budget_per_head_noise", id) + 0.1 * Math.Log((Population0To19(id) ?? 60_000) / 60_000.0));
        ranks.ByScore("fte", id => Math.Log(ProfileBudget(id, ranks.Of("budget_per_head", id))) + 0.15 * ranks.Normal("fte_noise", id));
        // Casework users per head go with the budget per head (users per FTE: mean 181, median 154).
        ranks.ByScore("users_per_1000", id => ranks.Normal("users_noise", id) + 0.7 * ranks.Normal("budget_per_head_noise", id));
        var ratingShares = RatingShares(options);
        foreach (var service in services)
        {
            var yearsOfService = years.Where(service.ExistsIn).ToList();
            var generator = new ServiceGenerator(service, seed, options, attribute => ranks.Of(attribute, service.Id), ratingShares);
            // The profile describes the service in the last year; the state walks back from there, so the last year
            // (the one the report describes) has the calibrated distribution and earlier years drift away from it.
            var emitted = new List<ReturnRecord>();
            Dictionary<string, string>? later = null;
            string? laterType = null;
            foreach (var year in yearsOfService.OrderDescending())
            {
                reference.Add(generator.Reference(year));
                var values = generator.Next(year);
                // Table D: the change of type in the 12 months before the later return, known now that this year's type is.
                if (later is not null && later.ContainsKey(ServiceTypeChange) && laterType != generator.Type) later[ServiceTypeChange] = $"{generator.Type}>{laterType}";
                (later, laterType) = (values, generator.Type);
                if (values is not null) emitted.Add(new ReturnRecord(service.Id, year, new ReturnValues(values)));
            }
            emitted.Reverse();
            returns.AddRange(emitted);
        }
        return new SyntheticData(seed, years, returns, new ReferenceData(reference));
    }

    /// <summary>The rating levels, in the order of <see cref="RatingShares"/>.</summary>
    private static readonly string[] Levels = ["B", "G", "x", "N"];

    /// <summary>
    /// Per exemplification, the share of services at each level (<see cref="Levels"/>) that the ratings keep from year to
    /// year: the last year's real ratings' shares when given, else the profile's draw (30% Best, 60% Good, 6% not
    /// completed, 4% Non-compliant).
    /// </summary>
    private static double[][] RatingShares(SyntheticOptions options) =>
        Exemplifications.All.Select(e =>
        {
            var counts = Levels.Select(l => (double)options.LastYearRatings.Values.Count(r => r.GetValueOrDefault(e.Code) == l)).ToArray();
            var total = counts.Sum();
            return total == 0 ? [0.3, 0.6, 0.06, 0.04] : counts.Select(c => c / total).ToArray();
        }).ToArray();

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
        private readonly double _budgetFloor;
        private readonly List<string> _formatKinds;
        private readonly bool _timeRecords;

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
        private readonly string?[] _ratings;
        private readonly string[] _drawnRatings;
        private readonly Random _ratingRandom;

        private readonly double[][] _ratingShares;

        public ServiceGenerator(Service service, int seed, SyntheticOptions options, Func<string, double> rank, double[][] ratingShares)
        {
            _ratingShares = ratingShares;
            _service = service;
            _options = options;
            _random = new Random(Mix(seed, service.Id, 1));
            _referenceRandom = new Random(Mix(seed, service.Id, 2));
            _population = Population0To19(service.Id);
            _senRate = Uniform(_referenceRandom, 0.18, 0.24);
            _fsmRate = Uniform(_referenceRandom, 0.10, 0.24);

            // Each profile value is the service's stratified rank (see Ranks) put through the distribution the 2013 report
            // describes, so that across ~150 services the quantiles land where the report's stated figures are.
            var population = _population ?? 60_000;
            _budgetFloor = BudgetFloor(population);
            _budget = ProfileBudget(service.Id, rank("budget_per_head"));
            // Chart 19: median 2.0, two thirds between 1 and 3, 22% at 1 or fewer, 0.3 to 13.
            _fte = Quantile(rank("fte"), log: false, (0, 0.3), (0.22, 1.0), (0.5, 2.0), (0.89, 3.0), (1, 13));
            _adminShare = Uniform(_random, 0.1, 0.3);
            var ips = rank("volunteer_ips");
            // Chart 22: 52% none, 9% one, 9% ten or more, up to 40.
            _ips = ips < 0.53 ? 0 : ips < 0.62 ? 1 : (int)Quantile((ips - 0.62) / 0.38, log: false, (0, 2), (0.75, 8), (0.95, 14), (1, 40));
            // Chart 25: 36% have other volunteers, a third of them just one, up to 24.
            var others = rank("other_volunteers");
            _otherVolunteers = others < 0.64 ? 0 : (int)Quantile((others - 0.64) / 0.36, log: false, (0, 1), (0.33, 1.99), (0.8, 5), (0.97, 12), (1, 24));
            _users = Math.Max(5, population * Quantile(rank("users_per_1000"), log: true, (0, 0.4), (0.08, 2.0), (0.5, 4.1), (0.92, 8.0), (1, 19.8)) / 1000);
            _type = Pick(rank("type"), ("in-house", 0.69), ("out-sourced", 0.28), ("mixed", 0.03));
            _upperAge = Pick(rank("upper_age"), (19, 0.77), (25, 0.23));
            _otherBudgets = Pick(rank("other_budgets"), (0, 0.81), (1, 0.106), (2, 0.053), (3, 0.031));
            _responseDays = Pick(rank("response_days"), ("1", 0.3), ("2", 0.38), ("3", 0.24), ("5", 0.06), ("more-than-5", 0.02));
            _languages = Pick(rank("languages"), ("most-in-stock", 0.05), ("some-in-stock", 0.23), ("on-request", 0.67), ("none", 0.05));
            _languageCount = _random.Next(1, 13);
            _formats = Pick(rank("formats"), ("matter-of-course", 0.25), ("on-request", 0.63), ("no-provision", 0.12));
            _formatKinds = FormatOptions.Where(f => rank("format_" + f.Kind) < f.P).Select(f => f.Kind).DefaultIfEmpty("large-print").ToList();
            _excluded = Pick(rank("excluded"), ("automatically", 0.13), ("if-requested", 0.45), ("sen-only", 0.37), ("statement-only", 0.05));
            _forum = Pick(rank("forum"), ("leads", 0.17), ("active-participant", 0.7), ("no-involvement", 0.13));
            _managesOtherStaff = rank("manages_other_staff") < 0.21;
            _timeRecords = rank("time_records") < 0.06;
            _completedBy = Pick(("PPO", 0.58), ("PPO+MG", 0.3), ("PPO+LA", 0.12));
            // Casework, other direct work, policy, training, supervision, other: about 3/4 direct work, 8% policy.
            _timeWeights = [Uniform(_random, 25, 95), Uniform(_random, 8, 30), _random.NextDouble() < 0.9 ? Uniform(_random, 2, 13) : Uniform(_random, 12, 40),
                Uniform(_random, 0, 14), Uniform(_random, 0, 8), Uniform(_random, 0, 10)];
            _drawnRatings = Exemplifications.All.Select(_ => Pick(("B", 0.3), ("G", 0.6), ("x", 0.06), ("N", 0.04))).ToArray();
            // A service with real ratings for the last year starts from them (a blank one is not rated that year).
            _ratings = options.LastYearRatings.TryGetValue(service.Id, out var real)
                ? Exemplifications.All.Select(e => real.GetValueOrDefault(e.Code) is { Length: > 0 } r ? r : null).ToArray()
                : [.. _drawnRatings];
            // Ratings move on a stream of their own, so that calibrating how often they change leaves every other figure as it was drawn.
            _ratingRandom = new Random(Mix(seed, service.Id, 3));
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
                // The population is ONS's, not generated: a figure using only it is not synthetic for that.
                PopulationSource = _population is null ? null : PopulationSource,
            };
        }

        /// <summary>This year's return, or null when the service does not return this year. State moves on either way.</summary>
        public string Type => _type;

        /// <summary>
        /// This year's return, or null when the service does not return this year. Years come latest first: the state
        /// moves back a year (from the profile, for the first call) either way.
        /// </summary>
        public Dictionary<string, string>? Next(int year)
        {
            if (_started) Drift();
            _started = true;
            var chance = _returnedLastYear switch { null => _options.ReturnInFirstYear, true => _options.ReturnAgain, false => _options.ReturnAfterGap };
            var drawn = _random.NextDouble() < chance;
            var returns = _options.Returners.TryGetValue(year, out var returners) ? returners.Contains(_service.Id) : drawn;
            _returnedLastYear = returns;
            if (!returns) return null;

            var v = new Dictionary<string, string>(StringComparer.Ordinal) { [CompletedBy] = _completedBy };
            for (var i = 0; i < _ratings.Length; i++)
            {
                if (_ratings[i] is { } rating) v[Rating(Exemplifications.All[i].Code)] = rating;
            }
            if (_random.NextDouble() < _options.SelfAssessmentOnly) return v;

            v[ServiceType] = _type;
            v[ServiceTypeChange] = "none";
            v[LowerAge] = "0";
            v[UpperAge] = Text(_upperAge);

            // Each figure is left out about as often as the report's returns show (Table E 126, F 131, G 128, H 124, I 126, L 127 of 131).
            Maybe(v, CoreBudget, Math.Round(_budget / 100) * 100, weight: 1.3);
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
            Maybe(v, ManagerFte, manager, weight: 0.2);
            Maybe(v, OtherPaidFte, other, weight: 0.2);
            Maybe(v, AdminFte, admin, weight: 0.2);
            v[ManagesOtherStaff] = _managesOtherStaff ? "true" : "false";
            Maybe(v, VolunteerIps, _ips, weight: 0.8);
            // About 3 in 10 services train new IPS in a year (most of them services that have IPS), 1-5 mostly, rarely 10 or more.
            Maybe(v, IpsNewlyTrained, _random.NextDouble() >= (_ips > 0 ? 0.5 : 0.05) ? 0
                : _random.NextDouble() < 0.9 ? Math.Min(25, 1 + (int)(-Math.Log(1 - _random.NextDouble()) * 2.5)) : _random.Next(8, 26), weight: 1.7);
            Maybe(v, OtherVolunteers, _otherVolunteers, weight: 1.3);

            v[ResponseDays] = _responseDays;
            v[CommunityLanguages] = _languages;
            if (_languages is "most-in-stock" or "some-in-stock") v[LanguageCount] = Text(_languageCount);
            v[Formats] = _formats;
            if (_formats != "no-provision") v[FormatKinds] = string.Join(ReturnValues.ChoiceSeparator, _formatKinds);

            var time = WholePercentages(_timeWeights);
            for (var i = 0; i < TimeCategories.Count; i++) v[TimeCategories[i]] = Text(time[i]);
            v[TimeMethod] = _timeRecords ? "time-records" : "best-approximation";
            Maybe(v, CaseworkUsers, Math.Round(_users));
            v[ExcludedPupils] = _excluded;
            v[ParentCarerForum] = _forum;
            if (_random.NextDouble() < 0.1) v[Comments] = "Synthetic return: generated figures, not a real service's data.";
            return v;
        }

        private bool _started;

        /// <summary>
        /// The rating a year earlier, given this year's. It changes with a chance proportional to how uncommon this year's
        /// level is (1 - its share), scaled so that on average a rating changes with the chance <paramref name="change"/>;
        /// a changed rating is drawn from the other levels by their shares. Each level then gains as many ratings as it
        /// loses (detailed balance), so every year keeps the shares: the synthetic years look like the real one
        /// (1a stays about a fifth Non-compliant) instead of drifting to the profile's.
        /// </summary>
        private static string EarlierRating(string later, double[] shares, double change, Random random)
        {
            var at = Array.IndexOf(Levels, later);
            var spread = shares.Sum(p => p * (1 - p));
            if (at < 0 || spread <= 0 || random.NextDouble() >= change / spread * (1 - shares[at])) return later;
            var u = random.NextDouble() * (1 - shares[at]);
            var earlier = later;
            for (var j = 0; j < Levels.Length; j++)
            {
                if (j == at || shares[j] <= 0) continue;
                earlier = Levels[j];
                if ((u -= shares[j]) < 0) break;
            }
            return earlier;
        }

        /// <summary>The state a year earlier (the generator walks back in time, so each change is the reverse of the year's change).</summary>
        private void Drift()
        {
            // Most budgets and establishments stay flat in cash terms from one year to the next.
            // Chart 9: about 4 in 10 budgets move by more than 2% (more up than down, half of them by more than 10%);
            // Chart 20: about 4 in 10 establishments move, as often down as up.
            if (_random.NextDouble() < 0.39) _budget = Math.Clamp(_budget * Step(0.36, 0.025, 0.19), _budgetFloor, BudgetCap);
            if (_random.NextDouble() < 0.44) _fte = Math.Clamp(_fte * Step(0.42, 0.025, 0.22), 0.3, 13);
            _users = Math.Max(5, _users * Factor(-0.035, 0.07));
            _ips = NextCount(_ips, 40);
            _otherVolunteers = NextCount(_otherVolunteers, 24);
            for (var i = 0; i < _timeWeights.Length; i++) _timeWeights[i] *= 1 + Uniform(_random, -0.1, 0.1);
            if (_random.NextDouble() < 0.01) _type = Types.Where(t => t != _type).ElementAt(_random.Next(2));
            if (_random.NextDouble() < 0.02) _responseDays = Pick(("1", 0.3), ("2", 0.38), ("3", 0.24), ("5", 0.06), ("more-than-5", 0.02));
            if (_random.NextDouble() < 0.02) _otherBudgets = Pick((0, 0.81), (1, 0.106), (2, 0.053), (3, 0.031));
            if (_random.NextDouble() < 0.02) _forum = Pick(("leads", 0.17), ("active-participant", 0.7), ("no-involvement", 0.13));
            for (var i = 0; i < _ratings.Length; i++)
            {
                if (_ratings[i] is not { } rating) _ratings[i] = _drawnRatings[i];
                else _ratings[i] = EarlierRating(rating, _ratingShares[i], _options.RatingChange, _ratingRandom);
            }
        }

        /// <summary>Volunteer counts: a service without volunteers rarely starts; one with them gains or loses a few.</summary>
        private int NextCount(int count, int max) =>
            count == 0
                ? _random.NextDouble() < 0.02 ? 1 : 0
                : _random.NextDouble() < 0.3 ? Math.Clamp(count + _random.Next(-2, 3), 0, max) : count;

        /// <summary>A year-on-year factor: lognormal, within ±19% but for about 1 year in 25 (up to ±30%).</summary>
        private double Factor(double mean, double sd)
        {
            var limit = _random.NextDouble() < 0.04 ? 0.3 : 0.19;
            return Math.Clamp(Math.Exp(Normal(mean, sd)), 1 - limit, 1 + limit);
        }

        /// <summary>A step of 2.5%-19% (up to 30% about 1 year in 25), up with the given chance, down otherwise.</summary>
        private double Step(double up, double low, double high)
        {
            var size = Uniform(_random, low, _random.NextDouble() < 0.04 ? 0.3 : high);
            return _random.NextDouble() < up ? 1 + size : 1 - size;
        }

        private void Maybe(Dictionary<string, string> v, string id, double value, double weight = 1)
        {
            if (_random.NextDouble() >= _options.OmitFigure * weight) v[id] = Text(value);
        }

        private double Normal(double mean, double sd)
        {
            var u1 = 1.0 - _random.NextDouble();
            var u2 = _random.NextDouble();
            return mean + sd * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
        }

        private T Pick<T>(params (T Value, double P)[] options) => Pick(_random.NextDouble(), options);

        /// <summary>The option whose share of the cumulative probabilities holds <paramref name="u"/> (0-1).</summary>
        private static T Pick<T>(double u, params (T Value, double P)[] options)
        {
            var r = u * options.Sum(o => o.P);
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

    private const double BudgetCap = 550_000;

    /// <summary>Table E: no budget below £11,000 (less only where £4 a head is less).</summary>
    private static double BudgetFloor(double population) => Math.Min(11_000, population * 4.0);

    /// <summary>
    /// The budget a service's profile starts from: its 0-19 population times a budget per head at its rank on the
    /// report's Chart 10 (43p to £4.13, 42% under £1, median £1.10, 8.7% over £2), within Table E's range.
    /// </summary>
    private static double ProfileBudget(int serviceId, double perHeadRank)
    {
        var population = Population0To19(serviceId) ?? 60_000;
        var perHead = Quantile(perHeadRank, log: true, (0, 0.43), (0.42, 1.0), (0.5, 1.10), (0.913, 2.0), (1, 4.13));
        return Math.Clamp(population * perHead, BudgetFloor(population), BudgetCap);
    }

    /// <summary>
    /// The value at quantile <paramref name="u"/> of a distribution given by knots (quantile, value), straight lines
    /// between them (on a log scale when <paramref name="log"/>).
    /// </summary>
    internal static double Quantile(double u, bool log, params (double P, double Value)[] knots)
    {
        var i = 1;
        while (i < knots.Length - 1 && u > knots[i].P) i++;
        var (p0, v0) = knots[i - 1];
        var (p1, v1) = knots[i];
        var t = Math.Clamp((u - p0) / (p1 - p0), 0, 1);
        return log ? Math.Exp(Math.Log(v0) + t * (Math.Log(v1) - Math.Log(v0))) : v0 + t * (v1 - v0);
    }

    /// <summary>
    /// Stratified ranks: for each attribute, the services in a seeded random order, service k of n at rank (k + 0.5) / n.
    /// Putting ranks rather than independent draws through a distribution makes the ~150 services' quantiles match
    /// it closely, while each service's place in it stays random (and independent between attributes).
    /// </summary>
    private sealed class Ranks(int seed, IReadOnlyList<int> serviceIds)
    {
        private readonly Dictionary<string, Dictionary<int, double>> _byAttribute = new(StringComparer.Ordinal);

        /// <summary>Ranks the services by a score instead (ties by id), for attributes tied to others.</summary>
        public void ByScore(string attribute, Func<int, double> score)
        {
            var order = serviceIds.OrderBy(score).ThenBy(id => id).ToList();
            _byAttribute[attribute] = order.Select((id, k) => (id, k)).ToDictionary(x => x.id, x => (x.k + 0.5) / order.Count);
        }

        /// <summary>A standard normal draw for the service, from a stream of its own for the attribute.</summary>
        public double Normal(string attribute, int serviceId)
        {
            var random = new Random(Mix(seed, serviceId, Fnv(attribute)));
            var u1 = 1.0 - random.NextDouble();
            return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * random.NextDouble());
        }

        public double Of(string attribute, int serviceId)
        {
            if (!_byAttribute.TryGetValue(attribute, out var ranks))
            {
                var stream = Fnv(attribute);
                var order = serviceIds.OrderBy(id => Mix(seed, id, stream)).ThenBy(id => id).ToList();
                _byAttribute[attribute] = ranks = order.Select((id, k) => (id, k)).ToDictionary(x => x.id, x => (x.k + 0.5) / order.Count);
            }
            return ranks[serviceId];
        }

        private static int Fnv(string text)
        {
            unchecked
            {
                var h = 2166136261u;
                foreach (var c in text) h = (h ^ c) * 16777619u;
                return (int)(h & 0x7FFFFFFF);
            }
        }
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
