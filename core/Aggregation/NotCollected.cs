using System.Text.RegularExpressions;
using Pps.Core.Definition;

namespace Pps.Core.Aggregation;

/// <summary>
/// A figure that rests on a field a year's definition does not ask for shows N = 0 for that year, with a note
/// saying so, instead of failing or reading another year's form. Which fields a figure rests on comes from the
/// definitions themselves: each field names the report figures that use it (<see cref="FieldDefinition.ReportRef"/>).
/// </summary>
public static partial class NotCollected
{
    /// <summary>The figure ids a report reference names: "Table F, Charts 16, 19-21" is table-f, chart-16, chart-19, chart-20, chart-21.</summary>
    public static IReadOnlyList<string> FigureIds(string? reportRef)
    {
        var ids = new List<string>();
        if (string.IsNullOrWhiteSpace(reportRef)) return ids;
        string? kind = null;
        foreach (var raw in reportRef.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var token = raw;
            var named = KindPattern().Match(token);
            if (named.Success)
            {
                kind = named.Groups["kind"].Value.ToLowerInvariant();
                token = token[named.Length..].Trim();
            }
            if (kind is null) continue;
            var range = RangePattern().Match(token);
            if (!range.Success) continue;
            var (from, to) = (range.Groups["from"].Value, range.Groups["to"].Success ? range.Groups["to"].Value : range.Groups["from"].Value);
            ids.AddRange(Expand(from, to).Select(x => $"{kind}-{x.ToLowerInvariant()}"));
        }
        return ids;
    }

    private static IEnumerable<string> Expand(string from, string to)
    {
        if (from == to) return [from];
        if (int.TryParse(from, out var a) && int.TryParse(to, out var b)) return Enumerable.Range(a, b - a + 1).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // 31a-31c, or C-E: the same stem, the last character running.
        if (from.Length == to.Length && from[..^1] == to[..^1] && from[^1] <= to[^1])
        {
            return Enumerable.Range(from[^1], to[^1] - from[^1] + 1).Select(c => from[..^1] + (char)c);
        }
        return [from, to];
    }

    [GeneratedRegex(@"^(?<kind>Table|Chart)s?\b", RegexOptions.IgnoreCase)]
    private static partial Regex KindPattern();

    [GeneratedRegex(@"^(?<from>[0-9]*[A-Za-z]?|[A-Za-z])(?:-(?<to>[0-9]*[A-Za-z]?))?$")]
    private static partial Regex RangePattern();

    /// <summary>
    /// Adds to each figure a note for every year it shows whose definition lacks a field the figure rests on
    /// (a field some known definition links to the figure). Those years have no values for it, so their N is 0.
    /// </summary>
    public static IReadOnlyList<Figure> Annotate(IReadOnlyList<Figure> figures, DefinitionSet definitions)
    {
        var fieldsOf = definitions.All.SelectMany(d => d.Fields)
            .SelectMany(f => FigureIds(f.ReportRef).Select(id => (Figure: id, Field: f)))
            .GroupBy(x => x.Figure)
            .ToDictionary(g => g.Key, g => g.Select(x => x.Field).DistinctBy(f => f.Id).ToList());
        return figures.Select(figure =>
        {
            if (!fieldsOf.TryGetValue(figure.Id, out var fields)) return figure;
            var notes = new List<string>();
            foreach (var year in figure.Years)
            {
                if (definitions.Find(year) is not { } definition) continue;
                var missing = fields.Where(f => !definition.Defines(f.Id)).ToList();
                if (missing.Count == 0) continue;
                notes.Add($"Not collected in {year}: the {year} return does not ask for {string.Join(", ", missing.Select(f => $"\"{f.Label}\""))}, so N = 0 for {year}.");
            }
            return notes.Count == 0 ? figure : figure with { Notes = [.. figure.Notes, .. notes] };
        }).ToList();
    }
}
