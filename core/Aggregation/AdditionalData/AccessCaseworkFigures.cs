using Pps.Core.Aggregation.Statistics;
using Pps.Core.Definition;
using static Pps.Core.Aggregation.AdditionalData.HighlightList;

namespace Pps.Core.Aggregation.AdditionalData;

/// <summary>Access (Charts 28-30, Tables J-K), casework (Charts 31a-36, Table L, reach) and strategic work (Chart 37).</summary>
internal static class AccessCaseworkFigures
{
    public static void Add(Part2Context c, List<Figure> figures, HighlightList highlights)
    {
        AddAccess(c, figures, highlights);
        AddCasework(c, figures, highlights);

        var chart37 = c.Shares("chart-37", "Chart 37", "Parent Carer Forum involvement", "strategic", "pie", FieldIds.ParentCarerForum);
        figures.Add(chart37);
        var leads = Stat(chart37, "pct_leads");
        var participant = Stat(chart37, "pct_active-participant");
        var none = Stat(chart37, "pct_no-involvement");
        highlights.Add("strategic-parent-carer-forum", "strategic", chart37,
            "{involved}% of participating services have some involvement in Parent Carer Forums: {leads}% lead or organise the forum and {participant}% are active participants",
            ("involved", none is null ? null : 100 - none), ("leads", leads), ("participant", participant));
    }

    private static void AddAccess(Part2Context c, List<Figure> figures, HighlightList highlights)
    {
        var chart28 = c.Shares("chart-28", "Chart 28", "Response times to enquiries", "access", "bar", FieldIds.ResponseDays, cumulative: true);
        figures.Add(chart28);
        highlights.Add("access-response", "access", chart28,
            "{within2}% of participating services respond to at least 90% of enquiries within 2 working days and {within3}% within 3 working days; {over5}% are not able to do so within 5 working days",
            ("within2", Cumulative(chart28, "2")), ("within3", Cumulative(chart28, "3")), ("over5", Stat(chart28, "pct_more-than-5")));

        var chart29 = c.Shares("chart-29", "Chart 29", "Availability of information in community languages", "access", "pie", FieldIds.CommunityLanguages);
        figures.Add(chart29);
        var noLanguages = Stat(chart29, "pct_none");
        var most = Stat(chart29, "pct_most-in-stock");
        var some = Stat(chart29, "pct_some-in-stock");
        highlights.Add("access-languages", "access", chart29,
            "{any}% of participating services are able to offer information in other languages; {request}% can do this on request and {stock}% hold information in at least some community languages in stock",
            ("any", noLanguages is null ? null : 100 - noLanguages), ("request", Stat(chart29, "pct_on-request")),
            ("stock", most is null || some is null ? null : Percent.Rounded(CountOf(chart29, "most-in-stock") + CountOf(chart29, "some-in-stock"), chart29.Returns)));

        figures.Add(TableJ(c));

        var chart30 = c.Shares("chart-30", "Chart 30", "Information published in range of formats", "access", "pie", FieldIds.Formats);
        figures.Add(chart30);
        highlights.Add("access-formats", "access", chart30,
            "{request}% of participating services provide alternative formats on request, {course}% do so as a matter of course and {none}% have no provision for alternative formats",
            ("request", Stat(chart30, "pct_on-request")), ("course", Stat(chart30, "pct_matter-of-course")), ("none", Stat(chart30, "pct_no-provision")));

        figures.Add(c.Ticks("table-k", "Table K", "Formats used for publications", "access", FieldIds.FormatKinds));
    }

    /// <summary>Table J: number of community languages held, among services holding stock (most or some).</summary>
    private static Figure TableJ(Part2Context c)
    {
        var counts = c.Current
            .Where(r => r.Values.Text(FieldIds.CommunityLanguages) is "most-in-stock" or "some-in-stock")
            .Select(r => r.Values.Number(FieldIds.LanguageCount))
            .Where(v => v is not null)
            .Select(v => v!.Value)
            .ToList();
        var n = counts.Count;
        var rows = new List<IReadOnlyList<object?>>();
        for (var k = 1; k <= 12; k++)
        {
            var count = counts.Count(v => v == k);
            rows.Add([k.ToString(System.Globalization.CultureInfo.InvariantCulture), count, Percent.Rounded(count, n)]);
        }
        var more = counts.Count(v => v > 12);
        rows.Add(["more than 12", more, Percent.Rounded(more, n)]);
        var s = Descriptive.Summarise(counts);
        return c.Figure("table-j", "Table J", "Number of community languages provided", "access", "table", n,
            [new("languages", "Number of community languages provided", "text"), new("count", "Number of services", "count"), new("pct", "Percent", "pct")],
            rows,
            new FigureStatistics
            {
                { "mean", "Mean number of languages", "count", Part2Context.Round(s.Mean, 2) },
                { "median", "Median number of languages", "count", s.Median },
                { "min", "Fewest languages", "count", s.Min },
                { "max", "Most languages", "count", s.Max },
            },
            ["Services holding publications in stock (most or some) that gave the number of languages."]);
    }

    private static void AddCasework(Part2Context c, List<Figure> figures, HighlightList highlights)
    {
        var splits = c.Current
            .Where(r => FieldIds.TimeCategories.All(r.Values.Has))
            .Select(r => (r.ServiceId, Values: FieldIds.TimeCategories.Select(id => r.Values.Number(id)!.Value).ToArray()))
            .ToList();
        var n = splits.Count;
        var stats = new FigureStatistics();
        var rows = new List<IReadOnlyList<object?>>();
        for (var i = 0; i < FieldIds.TimeCategories.Count; i++)
        {
            var id = FieldIds.TimeCategories[i];
            var category = id[(id.IndexOf('.') + 1)..];
            var values = splits.Select(s => s.Values[i]).ToList();
            var mean = Descriptive.Mean(values);
            var summary = Descriptive.Summarise(values);
            var label = c.Input.Definitions.FieldFor(c.Year, id).Label;
            stats.Add("pct_" + category, $"National share: {label}", "pct", Part2Context.Round(mean, 0));
            stats.Add("mean_" + category, $"National share to 1 decimal place: {label}", "pct", Part2Context.Round(mean, 1));
            rows.Add([category, label, Part2Context.Round(mean, 1), Part2Context.Round(mean, 0), summary.Min, summary.Max]);
        }
        var direct = n == 0 ? (decimal?)null : Percent.Round(splits.Average(s => s.Values[0] + s.Values[1]), 0);
        stats.Add("pct_direct_work", $"National share of direct work with parents ({Lower(c, FieldIds.TimeCategories[0])} and {Lower(c, FieldIds.TimeCategories[1])})", "pct", direct);
        var methods = c.Giving(FieldIds.TimeMethod);
        stats.Add("pct_time_records", "Share using time-allocation records for these percentages", "pct", Percent.Rounded(methods.Count(r => r.Values.Text(FieldIds.TimeMethod) == "time-records"), methods.Count));
        var chart31a = c.Figure("chart-31a", "Chart 31a", "Percentage of time allocated to each work area by employed PPS staff", "casework", "pie", n,
            [new("category", "Work area", "text"), new("label", "Work area", "text"), new("mean_pct", "National share (1 dp)", "pct"), new("pct", "National share", "pct"),
             new("min", "Lowest service", "pct"), new("max", "Highest service", "pct")],
            rows, stats,
            ["National share = the mean, over the services that gave all six percentages, of each service's own percentage (every service weighs the same, whatever its staff); shares are rounded to whole numbers, so they may add to 99 or 101.",
             "The share using time-allocation records is of the returns that said how the percentages were found."]);
        figures.Add(chart31a);
        highlights.Add("casework-direct-work", "casework", chart31a,
            "Direct work with parents accounts for approximately {direct}% of employed PPS time, with {casework}% on individual casework and {policy}% contributing to policy and strategy groups",
            ("direct", direct), ("casework", Stat(chart31a, "pct_casework")), ("policy", Stat(chart31a, "pct_policy")));
        highlights.Add("casework-time-records", "casework", chart31a,
            "{pct}% of participating services use actual service time allocation records to provide this information",
            ("pct", Stat(chart31a, "pct_time_records")));

        List<Column> splitColumns = [new("service_id", "Service", "text"), .. FieldIds.TimeCategories.Select(id => new Column(id[(id.IndexOf('.') + 1)..], c.Input.Definitions.FieldFor(c.Year, id).Label, "pct"))];
        foreach (var (id, reportRef, from, to) in new[] { ("chart-31b", "Chart 31b", 1, 70), ("chart-31c", "Chart 31c", 71, int.MaxValue) })
        {
            var part = splits.Where(s => s.ServiceId >= from && s.ServiceId <= to).ToList();
            figures.Add(c.Figure(id, reportRef, $"Percentage of time allocated for each area of work by employed PPS staff - services {from} to {(to == int.MaxValue ? "154" : to)}",
                "casework", "stacked-bar", part.Count, splitColumns,
                part.Select(s => (IReadOnlyList<object?>)[s.ServiceId, .. s.Values.Cast<object?>()]).ToList(),
                notes: ["Each service's own split of employed staff time, as given (it adds up to 100)."]));
        }

        var tableL = c.MeasureTable("table-l", "Table L", "Number of parent/carer casework service users", "casework", Measures.CaseworkUsers);
        figures.Add(tableL);
        highlights.Add("casework-users-change", "casework", tableL,
            "The overall number (extrapolated total) of parents and carers receiving a casework service over the last 12 months {change:rose-fell} compared with last year, to {total}",
            ("change", TypeAndBudgetFigures.ExtrapolatedChange(tableL)), ("total", Part2Context.Round(Stat(tableL, "extrapolated_total"), 0)));

        figures.Add(c.Ranked("chart-32", "Chart 32", "Parent/carer casework service users - 1st September to 31st August", "casework", Measures.CaseworkUsers));
        var chart33 = c.Ranked("chart-33", "Chart 33", "Parent/carer casework service users per 1,000 population [0-19]", "casework", Measures.UsersPer1000, null,
            v => [new("pct_2_to_8", "Share with 2 to 8 users per 1,000 population aged 0-19", "pct", Percent.Rounded(v.Count(x => x >= 2 && x <= 8), v.Count))]);
        figures.Add(chart33);
        highlights.Add("casework-users-per-1000", "casework", chart33,
            "The number of parent carer service users per 1,000 0-19 population ranges from {min} to {max}, with a median of {median} and a mean of {mean}; for {pct}% of services it is between 2 and 8 per 1,000",
            ("min", Part2Context.Round(Stat(chart33, "min"), 1)), ("max", Part2Context.Round(Stat(chart33, "max"), 1)),
            ("median", Part2Context.Round(Stat(chart33, "median"), 1)), ("mean", Part2Context.Round(Stat(chart33, "mean"), 1)), ("pct", Stat(chart33, "pct_2_to_8")));

        var chart34 = c.Ranked("chart-34", "Chart 34", "Parent/carer casework service users to total employed FTE staff", "casework", Measures.UsersPerFte);
        figures.Add(chart34);
        highlights.Add("casework-users-per-fte", "casework", chart34,
            "The mean and median ratios of parent carer service users to FTE staff are {mean} and {median}",
            ("mean", Part2Context.Round(Stat(chart34, "mean"), 0)), ("median", Part2Context.Round(Stat(chart34, "median"), 0)));

        figures.Add(c.Ranked("chart-35", "Chart 35", "Parent/carer casework service users to volunteers actively working as IPS", "casework", Measures.UsersPerIps,
            ["Services with at least one volunteer IPS (the report's Chart 35 does not restrict it further)."]));

        var chart36 = c.Shares("chart-36", "Chart 36", "PPS involvement in providing a service to the families of excluded pupils", "casework", "pie", FieldIds.ExcludedPupils);
        figures.Add(chart36);
        var auto = Stat(chart36, "pct_automatically");
        var requested = Stat(chart36, "pct_if-requested");
        highlights.Add("casework-excluded-pupils", "casework", chart36,
            "{pct}% of participating services offer a service to the families of excluded pupils either automatically ({auto}%) or if requested ({requested}%)",
            ("pct", Percent.Rounded(CountOf(chart36, "automatically") + CountOf(chart36, "if-requested"), chart36.Returns)), ("auto", auto), ("requested", requested));

        var reach = Reach(c);
        figures.Add(reach);
        highlights.Add("casework-reach", "casework", reach,
            "The number of parents/carers actively using services represents {population}% of the 0-19 population and approximately {sen}% of the SEN population",
            ("population", Stat(reach, "pct_of_population_0_19")), ("sen", Part2Context.Round(Stat(reach, "pct_of_sen_pupils"), 1)));
    }

    /// <summary>"Reach": casework users as a percentage of the 0-19 population and of pupils with SEN, over the services with both figures.</summary>
    private static Figure Reach(Part2Context c)
    {
        var rows = new List<IReadOnlyList<object?>>();
        var stats = new FigureStatistics();
        var ids = new HashSet<int>();
        var returns = 0;
        foreach (var (key, label, pick) in new (string, string, Func<Reference.ReferenceRow, long?>)[]
        {
            ("population_0_19", "0-19 population", r => r.Population0To19),
            ("sen_pupils", "Pupils with SEN", r => r.SenPupils),
        })
        {
            var pairs = c.Current
                .Select(r => (r.ServiceId, Users: r.Values.Number(FieldIds.CaseworkUsers), Base: c.Input.Reference.For(c.Year, r.ServiceId) is { } row ? pick(row) : null))
                .Where(p => p.Users is not null && p.Base is > 0)
                .ToList();
            var users = pairs.Sum(p => p.Users!.Value);
            var denominator = pairs.Sum(p => p.Base!.Value);
            var pct = denominator == 0 ? (decimal?)null : Percent.Round(100m * users / denominator, 2);
            stats.Add("pct_of_" + key, $"Casework service users as a percentage of {(key == "sen_pupils" ? "pupils with SEN" : "the 0-19 population")}", "pct", pct);
            ids.UnionWith(pairs.Select(p => p.ServiceId));
            // No service with both figures: the users and the population are no data, not 0.
            returns = Math.Max(returns, pairs.Count);
            rows.Add([key, label, pairs.Count == 0 ? null : pairs.Count, pairs.Count == 0 ? null : users, pairs.Count == 0 ? null : denominator, pct]);
        }
        return c.Figure("reach", "Reach", "The proportion of families 'reached' by Parent Partnership Services", "casework", "table", returns,
            [new("base", "Compared with", "text"), new("label", "Compared with", "text"), new("returns", "Returns", "count"), new("users", "Casework service users", "count"),
             new("denominator", "Population", "count"), new("pct", "Users as a percentage", "pct")],
            rows, stats,
            [.. c.SourceNotes("population", ids, c.Year), .. c.SourceNotes("sen", ids, c.Year),
             "Sum of casework users / sum of the population (or SEN pupils) of the same services, as a percentage to 2 decimal places (a whole-number percentage would hide it)."]);
    }

    /// <summary>A field's label as it reads inside a sentence.</summary>
    private static string Lower(Part2Context c, string fieldId)
    {
        var label = c.Input.Definitions.FieldFor(c.Year, fieldId).Label;
        return label.Length > 1 && char.IsLower(label[1]) ? char.ToLowerInvariant(label[0]) + label[1..] : label;
    }

    private static decimal? Cumulative(Figure shares, string option)
    {
        var row = shares.Rows.FirstOrDefault(r => (string?)r[0] == option);
        return row is null ? null : row[4] as int?;
    }

    private static int CountOf(Figure shares, string option) =>
        shares.Rows.Where(r => (string?)r[0] == option).Sum(r => (int)r[2]!);
}
