using Pps.Core.Definition;
using static Pps.Core.Aggregation.AdditionalData.HighlightList;

namespace Pps.Core.Aggregation.AdditionalData;

/// <summary>Staffing: Tables F-I and Charts 16-27.</summary>
internal static class StaffingFigures
{
    public static void Add(Part2Context c, List<Figure> figures, HighlightList highlights)
    {
        var tableF = c.MeasureTable("table-f", "Table F", "Number of staff employed by Parent Partnership Services (FTE)", "staffing", Measures.Fte);
        var tableG = c.MeasureTable("table-g", "Table G", "Number of active volunteer Independent Parental Supporters", "staffing", Measures.VolunteerIps);
        var tableH = c.MeasureTable("table-h", "Table H", "Number of Independent Parental Supporters trained", "staffing", Measures.IpsTrained);
        var tableI = c.MeasureTable("table-i", "Table I", "Number of other active volunteers not acting as Independent Parental Supporters", "staffing", Measures.OtherVolunteers);
        figures.AddRange([tableF, tableG, tableH, tableI]);
        highlights.Add("staffing-ips-change", "staffing", tableG,
            "The extrapolated number of volunteers acting as Independent Parental Supporters {change:rose-fell} compared with last year, to {total}",
            ("change", TypeAndBudgetFigures.ExtrapolatedChange(tableG)), ("total", Part2Context.Round(Stat(tableG, "extrapolated_total"), 0)));

        figures.Add(Chart16(c));

        var chart17 = Chart17(c);
        figures.Add(chart17);
        highlights.Add("staffing-capacity", "staffing", chart17,
            "{paid}% of national PPS capacity is provided by paid staff, {ips}% by volunteer IPS and {other}% by other volunteers",
            ("paid", Stat(chart17, "pct_paid")), ("ips", Stat(chart17, "pct_ips")), ("other", Stat(chart17, "pct_other_volunteers")));

        var chart18 = Chart18(c);
        figures.Add(chart18);
        highlights.Add("staffing-manages-other-staff", "staffing", chart18,
            "{pct}% of participating services manage staff who are not funded as part of the core service",
            ("pct", Stat(chart18, "pct_yes")));

        var chart19 = c.Ranked("chart-19", "Chart 19", "Total full time equivalent staff in post at 1st September", "staffing", Measures.Fte,
            ["FTE per service is the sum of the roles the service gave."],
            v =>
            [
                new("count_1_or_less", "Services with 1 FTE or fewer", "count", v.Count(x => x <= 1m)),
                new("pct_1_or_less", "Share with 1 FTE or fewer", "pct", Percent.Rounded(v.Count(x => x <= 1m), v.Count)),
                new("pct_1_to_3", "Share with 1 to 3 FTE", "pct", Percent.Rounded(v.Count(x => x >= 1m && x <= 3m), v.Count)),
            ]);
        figures.Add(chart19);
        highlights.Add("staffing-fte-median", "staffing", chart19,
            "The median number of full-time equivalent staff (including any administrative support) is {median}, with a mean of {mean}; {le1|service has|services have} 1 or fewer FTE staff ({pct_le1}%)",
            ("median", Stat(chart19, "median")), ("mean", Stat(chart19, "mean")), ("le1", Stat(chart19, "count_1_or_less")), ("pct_le1", Stat(chart19, "pct_1_or_less")));

        var chart20 = c.Change("chart-20", "Chart 20", "Changes in numbers of staff in post compared with last year (only changes over 2%)", "staffing", Measures.Fte);
        figures.Add(chart20);
        highlights.Add("staffing-fte-changes", "staffing", chart20,
            "{down2|participating service reports|participating services report} a decrease in staffing of more than 2% (with {down10} a decrease of over 10%); {up2|participating service reports|participating services report} an increase of more than 2% ({up10} of these over 10%)",
            ("down2", Stat(chart20, "decrease_over_2")), ("down10", Stat(chart20, "decrease_over_10")),
            ("up2", Stat(chart20, "increase_over_2")), ("up10", Stat(chart20, "increase_over_10")));

        figures.Add(c.Ranked("chart-21", "Chart 21", "Total employed full time equivalent staff per 1,000 population [0-19]", "staffing", Measures.FtePer1000));

        var chart22 = c.Ranked("chart-22", "Chart 22", "Volunteers acting as IPS actively working with the PPS at 1st September", "staffing", Measures.VolunteerIps, null,
            v =>
            [
                new("total", "Volunteer IPS in all the services that gave the figure", "count", v.Count == 0 ? null : v.Sum()),
                new("pct_none", "Share with no volunteer IPS", "pct", Percent.Rounded(v.Count(x => x == 0), v.Count)),
                new("pct_one", "Share with 1 volunteer IPS", "pct", Percent.Rounded(v.Count(x => x == 1), v.Count)),
                new("pct_10_or_more", "Share with 10 or more volunteer IPS", "pct", Percent.Rounded(v.Count(x => x >= 10), v.Count)),
            ]);
        figures.Add(chart22);
        highlights.Add("staffing-ips", "staffing", chart22,
            "{none}% of participating services have no active volunteer IPS and a further {one}% have only one; {ten}% have 10 or more volunteer IPS",
            ("none", Stat(chart22, "pct_none")), ("one", Stat(chart22, "pct_one")), ("ten", Stat(chart22, "pct_10_or_more")));

        figures.Add(c.Ranked("chart-23", "Chart 23", "Volunteers actively working as IPS per 1,000 population [with minimum of 2 volunteers]", "staffing", Measures.IpsPer1000,
            ["Only services with at least 2 volunteer IPS, as the report does."]));

        var chart24 = c.Ranked("chart-24", "Chart 24", "Independent Parental Supporters newly trained between 1st September and 31st August", "staffing", Measures.IpsTrained, null,
            v =>
            [
                new("total", "IPS newly trained in all the services that gave the figure", "count", v.Count == 0 ? null : v.Sum()),
                new("pct_none", "Share training no new IPS", "pct", Percent.Rounded(v.Count(x => x == 0), v.Count)),
                new("pct_1_to_5", "Share training 1 to 5", "pct", Percent.Rounded(v.Count(x => x >= 1 && x <= 5), v.Count)),
                new("pct_10_or_more", "Share training 10 or more", "pct", Percent.Rounded(v.Count(x => x >= 10), v.Count)),
            ]);
        figures.Add(chart24);
        highlights.Add("staffing-ips-trained", "staffing", chart24,
            "{none}% of the {n} participating services that gave this figure train no new volunteer IPS in the year, {few}% train between 1 and 5 volunteers and {ten}% train 10 or more",
            ("none", Stat(chart24, "pct_none")), ("n", chart24.Returns), ("few", Stat(chart24, "pct_1_to_5")), ("ten", Stat(chart24, "pct_10_or_more")));

        var chart25 = c.Ranked("chart-25", "Chart 25", "Other active volunteers (not acting as IPS) on 1st September", "staffing", Measures.OtherVolunteers, null,
            v =>
            [
                new("total", "Other volunteers in all the services that gave the figure", "count", v.Count == 0 ? null : v.Sum()),
                new("count_any", "Services with any other volunteers", "count", v.Count == 0 ? null : v.Count(x => x > 0)),
                new("pct_any", "Share with any other volunteers", "pct", Percent.Rounded(v.Count(x => x > 0), v.Count)),
                new("count_one", "Services with just 1 other volunteer", "count", v.Count == 0 ? null : v.Count(x => x == 1)),
            ]);
        figures.Add(chart25);
        highlights.Add("staffing-other-volunteers", "staffing", chart25,
            "{total} volunteers carry out duties other than as an IPS; {pct}% of participating services use volunteers for other duties, and {one|participating service uses|participating services use} just 1 such volunteer",
            ("total", Stat(chart25, "total")), ("pct", Stat(chart25, "pct_any")), ("one", Stat(chart25, "count_one")));

        figures.Add(c.Ranked("chart-26", "Chart 26", "Total full time equivalent staff and volunteers per 1,000 population (0-19)", "staffing", Measures.StaffAndVolunteersPer1000,
            ["Staff FTE plus volunteer IPS plus other volunteers (head counts); services that gave all three."]));

        var chart27 = c.Scatter("chart-27", "Chart 27", "The relationship between the number of FTE staff and the numbers of pupils with SEN", "staffing",
            "sen", r => r.SenPupils, "Pupils with SEN", Measures.Fte);
        figures.Add(chart27);
        highlights.Add("staffing-sen-correlation", "staffing", chart27,
            "The correlation between the number of FTE paid PPS staff and the number of pupils with SEN is {r}",
            ("r", Part2Context.Round(Stat(chart27, "correlation"), 2)));
    }

    /// <summary>Chart 16: FTE by role, each role over the returns that gave it, and its share of all FTE given.</summary>
    private static Figure Chart16(Part2Context c)
    {
        var giving = c.Current.Where(r => FieldIds.StaffFte.Any(r.Values.Has)).ToList();
        var totals = FieldIds.StaffFte.Select(id => (Id: id, Values: giving.Select(r => r.Values.Number(id)).Where(v => v is not null).Select(v => v!.Value).ToList())).ToList();
        var all = totals.Sum(t => t.Values.Sum());
        var stats = new FigureStatistics { { "total", "Total FTE given", "fte", giving.Count == 0 ? null : all } };
        var rows = new List<IReadOnlyList<object?>>();
        foreach (var (id, values) in totals)
        {
            var role = id[(id.IndexOf('.') + 1)..];
            var pct = all == 0 ? (decimal?)null : Percent.Round(100m * values.Sum() / all, 0);
            var label = c.Input.Definitions.FieldFor(c.Year, id).Label;
            stats.Add("pct_" + role, $"Share of FTE: {label}", "pct", pct);
            rows.Add([role, label, values.Count, Percent.Round(values.Sum(), 2), pct, Part2Context.Round(Statistics.Descriptive.Mean(values), 2)]);
        }
        return c.Figure("chart-16", "Chart 16", "Analysis of full time equivalent staffing", "staffing", "pie", giving.Count,
            [new("role", "Role", "text"), new("label", "Role", "text"), new("returns", "Returns", "count"), new("total", "Total FTE", "fte"), new("pct", "Share of FTE", "pct"), new("mean", "Mean FTE", "fte")],
            rows, stats, ["Returns that gave at least one role; each role's total is over the returns that gave it. Shares rounded to the nearest whole number."]);
    }

    /// <summary>Chart 17: paid FTE, volunteer IPS and other volunteers per service, and their shares of national capacity.</summary>
    private static Figure Chart17(Part2Context c)
    {
        var rows = c.Current
            .Select(r => (r.ServiceId, Fte: Measures.FteTotal(r.Values), Ips: r.Values.Number(FieldIds.VolunteerIps), Other: r.Values.Number(FieldIds.OtherVolunteers)))
            .Where(x => x.Fte is not null && x.Ips is not null && x.Other is not null)
            .Select(x => (x.ServiceId, Fte: x.Fte!.Value, Ips: x.Ips!.Value, Other: x.Other!.Value))
            .ToList();
        var paid = rows.Sum(x => x.Fte);
        var ips = rows.Sum(x => x.Ips);
        var other = rows.Sum(x => x.Other);
        var all = paid + ips + other;
        decimal? Share(decimal part) => all == 0 ? null : Percent.Round(100m * part / all, 0);
        return c.Figure("chart-17", "Chart 17", "Analysis of paid and volunteer staff", "staffing", "stacked-bar", rows.Count,
            [new("service_id", "Service", "text"), new("paid_fte", "Paid staff (FTE)", "fte"), new("volunteer_ips", "Volunteer IPS", "count"), new("other_volunteers", "Other volunteers", "count")],
            rows.Select(x => (IReadOnlyList<object?>)[x.ServiceId, x.Fte, x.Ips, x.Other]).ToList(),
            new FigureStatistics
            {
                // A total of nothing is no data, as in Tables F-I: null when no service gave all three.
                { "total_paid_fte", "Paid staff, all services (FTE)", "fte", rows.Count == 0 ? null : paid },
                { "total_volunteer_ips", "Volunteer IPS, all services", "count", rows.Count == 0 ? null : ips },
                { "total_other_volunteers", "Other volunteers, all services", "count", rows.Count == 0 ? null : other },
                { "pct_paid", "Share of national capacity: paid staff", "pct", Share(paid) },
                { "pct_ips", "Share of national capacity: volunteer IPS", "pct", Share(ips) },
                { "pct_other_volunteers", "Share of national capacity: other volunteers", "pct", Share(other) },
            },
            ["Services that gave staff FTE, volunteer IPS and other volunteers. National capacity = paid FTE + volunteer IPS + other volunteers (volunteers are head counts, staff are FTE, as the report counts them)."]);
    }

    private static Figure Chart18(Part2Context c)
    {
        var given = c.Current.Select(r => r.Values.Flag(FieldIds.ManagesOtherStaff)).Where(f => f is not null).ToList();
        var n = given.Count;
        var yes = given.Count(f => f == true);
        return c.Figure("chart-18", "Chart 18", "Management responsibility for other staff", "staffing", "pie", n,
            [new("answer", "Manages staff not funded by the core PPS budget", "text"), new("count", "Services", "count"), new("pct", "Percent", "pct")],
            [["yes", yes, Percent.Rounded(yes, n)], ["no", n - yes, Percent.Rounded(n - yes, n)]],
            new FigureStatistics { { "pct_yes", "Share managing staff not funded by the core PPS budget", "pct", Percent.Rounded(yes, n) } },
            ["Percentages of the returns that answered, rounded to the nearest whole number."]);
    }
}
