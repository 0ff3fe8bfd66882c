using System.Globalization;
using Pps.Core.Catalogue;

namespace Pps.Core.Aggregation.Part1;

/// <summary>
/// The statements Part 1 opens with and the per-exemplification statements, each filled from a cell of a
/// computed figure, so the words cannot drift from the data. A statement whose value is missing (no
/// returns) is left out.
/// </summary>
internal static class Part1Highlights
{
    /// <param name="FigureId">The figure the statement is about.</param>
    /// <param name="SourceId">The figure its values are read from, when not <paramref name="FigureId"/>.</param>
    /// <param name="LowerBoundUnless">A cell that, when above 0, makes the value a lower bound: the statement then says "at least".</param>
    private sealed record Spec(string Id, string Section, string FigureId, string Template, IReadOnlyList<(string Name, string Row, string Column)> Cells, string? SourceId = null,
        (string Name, string Row, string Column)? LowerBoundUnless = null);

    public static IReadOnlyList<Highlight> Build(AggregationInput input, IReadOnlyList<Figure> figures, SelfAssessments data)
    {
        var byId = figures.ToDictionary(f => f.Id);
        var highlights = Specs(input.Year).Select(s => Fill(s, byId[s.SourceId ?? s.FigureId])).OfType<Highlight>().ToList();
        if (IpsWithoutSupervision(input.Year, data) is { } ips) highlights.Add(ips);
        return highlights;
    }

    private static IEnumerable<Spec> Specs(int year)
    {
        var y = year.ToString(CultureInfo.InvariantCulture);
        const string ex = Part1Cells.Exemplifications;
        yield return new("returned-self-assessment", Part1Cells.Participation, ExemplificationFigures.TableA,
            "{returns} services ({pct}% of services nationally) take part in the self-assessment",
            [("returns", y, "returns"), ("pct", y, "pct_national")]);
        // Where a return's method is not stated (blank, or cut off in the source) it may have been completed with
        // the group or the officer too: the share is then a lower bound and the statement says "at least".
        yield return new("method-with-mg-or-la", ex, ExemplificationFigures.Chart1,
            "{pct}% of participating services complete the self-assessment with the management or steering group or the local authority officer",
            [("pct", "", "stat:pct_with_mg_or_la")], LowerBoundUnless: ("not_stated", MethodFigure.NotStated, "returns"));
        yield return Headline("comply-with-all", "{pct}% of participating services rate themselves as complying with all the exemplifications");
        yield return Headline("best-or-good-on-all", "{pct}% of participating services rate themselves as achieving Best or Good Practice standards on every exemplification");
        yield return Headline("minimum-on-32-of-34", "{pct}% of participating services rate themselves as meeting at least the minimum standard on at least 32 of the 34 exemplifications");
        yield return new("non-compliant-on-exactly-1", ex, ExemplificationFigures.Chart2,
            "{pct}% of participating services rate themselves as Non-compliant on exactly 1 exemplification", [("pct", "1", "pct_" + y)]);
        yield return new("non-compliant-on-5-or-more", ex, ExemplificationFigures.Chart2,
            "{pct}% of participating services rate themselves as Non-compliant on 5 or more of the exemplifications", [("pct", "5+", "pct_" + y)]);
        foreach (var area in Exemplifications.Areas)
        {
            yield return new($"area-{area.Number}-non-compliant-on-2-or-more", ex, ExemplificationFigures.Chart3,
                "{pct}% of participating services rate themselves as Non-compliant on at least two of the exemplifications concerning " + area.Title,
                [("pct", area.Number.ToString(CultureInfo.InvariantCulture), "pct_" + y)]);
        }
        foreach (var e in Exemplifications.All)
        {
            yield return new($"ex-{e.Code}", ex, LevelFigures.SingleId(e.Code),
                $"{{pct_best_or_good}}% of participating services rate themselves as achieving Best or Good Practice on {e.Code} {e.Title}; {{count_non_compliant|participating service rates itself|participating services rate themselves}} as Non-compliant ({{pct_non_compliant}}%)",
                [("pct_best_or_good", e.Code, "pct_best_or_good"), ("count_non_compliant", e.Code, "count_non_compliant"), ("pct_non_compliant", e.Code, "pct_non_compliant")],
                ExemplificationFigures.Chart4);
        }
    }

    private static Spec Headline(string key, string template) =>
        new(key, Part1Cells.Exemplifications, ExemplificationFigures.Headlines, template, [("pct", key, "pct")]);

    private static Highlight? Fill(Spec spec, Figure source)
    {
        var values = new Dictionary<string, decimal>();
        foreach (var (name, row, column) in spec.Cells)
        {
            if (FigureCells.Read(source, row, column) is not { } cell) return null;
            values[name] = Convert.ToDecimal(cell, CultureInfo.InvariantCulture);
        }
        var template = spec.Template;
        if (spec.LowerBoundUnless is { } bound && FigureCells.Read(source, bound.Row, bound.Column) is { } unknown
            && Convert.ToDecimal(unknown, CultureInfo.InvariantCulture) > 0)
        {
            values[bound.Name] = Convert.ToDecimal(unknown, CultureInfo.InvariantCulture);
            template = "At least " + template + " ({" + bound.Name + "|return does|returns do} not say who completed it)";
        }
        return new Highlight(spec.Id, spec.Section, spec.FigureId, template, values);
    }

    private static Highlight? IpsWithoutSupervision(int year, SelfAssessments data)
    {
        var returns = data.In(year);
        if (returns.Count == 0) return null;
        var count = returns.Count(a => a.Rating("1a") is { } access && RatingLevels.IsBestOrGood(access) && a.Rating("1b") == RatingLevel.NonCompliant);
        return new Highlight("ex-1a-1b-ips-without-supervision", Part1Cells.Exemplifications, ExemplificationFigures.TableC,
            "{count|participating service rates|participating services rate} access to IPS at Best or Good Practice but the monitoring and supervision of IPS as Non-compliant",
            new Dictionary<string, decimal> { ["count"] = count });
    }
}
