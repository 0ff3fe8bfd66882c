using System.Globalization;

namespace Pps.Core.Reference;

/// <summary>One figure of a row that an import would change: the field as the CSV names it, from what, to what (null: none).</summary>
public sealed record ReferenceFieldChange(string Field, string? From, string? To);

/// <summary>What an import would do to one row (a service in a year, or a service's neighbours): new, changed or removed.</summary>
public sealed record ReferenceRowChange(int ServiceId, int? Year, string Change, IReadOnlyList<ReferenceFieldChange> Fields);

/// <summary>
/// What loading a file would change, worked out before anything is stored so NPPN can look first: the rows it adds,
/// changes (figure by figure) and removes, and how many it leaves as they are.
/// </summary>
public sealed record ReferenceChanges(IReadOnlyList<int> Years, int New, int Changed, int Removed, int Unchanged, IReadOnlyList<ReferenceRowChange> Rows)
{
    public const string NewRow = "new", ChangedRow = "changed", RemovedRow = "removed";

    /// <summary>
    /// Reference data: an import replaces every year it holds (<see cref="ReferenceData.Merge"/>), so a row of those years
    /// that the file lacks is removed; the other years stay as they are.
    /// </summary>
    public static ReferenceChanges Between(ReferenceData current, ReferenceData imported)
    {
        var years = imported.Rows.Select(r => r.Year).Distinct().Order().ToList();
        var rows = new List<ReferenceRowChange>();
        var unchanged = 0;
        foreach (var year in years)
        {
            var before = current.ForYear(year).ToDictionary(r => r.ServiceId);
            foreach (var row in imported.ForYear(year))
            {
                var fields = before.TryGetValue(row.ServiceId, out var old) ? Fields(old, row) : Fields(null, row);
                if (old is not null && fields.Count == 0) unchanged++;
                else rows.Add(new ReferenceRowChange(row.ServiceId, year, old is null ? NewRow : ChangedRow, fields));
            }
            var kept = imported.ForYear(year).Select(r => r.ServiceId).ToHashSet();
            rows.AddRange(before.Values.Where(r => !kept.Contains(r.ServiceId)).OrderBy(r => r.ServiceId)
                .Select(r => new ReferenceRowChange(r.ServiceId, year, RemovedRow, Fields(r, null))));
        }
        return Count(years, rows, unchanged);
    }

    /// <summary>Statistical neighbours: an import replaces the whole list, so a service the file lacks loses its neighbours.</summary>
    public static ReferenceChanges Between(IReadOnlyDictionary<int, IReadOnlyList<int>> current, IReadOnlyDictionary<int, IReadOnlyList<int>> imported)
    {
        static string? List(IReadOnlyList<int>? ids) => ids is null ? null : string.Join(" ", ids.Order().Select(i => i.ToString(CultureInfo.InvariantCulture)));
        var rows = new List<ReferenceRowChange>();
        var unchanged = 0;
        foreach (var serviceId in current.Keys.Union(imported.Keys).Order())
        {
            var (from, to) = (List(current.GetValueOrDefault(serviceId)), List(imported.GetValueOrDefault(serviceId)));
            if (from == to)
            {
                unchanged++;
                continue;
            }
            var change = from is null ? NewRow : to is null ? RemovedRow : ChangedRow;
            rows.Add(new ReferenceRowChange(serviceId, null, change, [new ReferenceFieldChange("neighbour_id", from, to)]));
        }
        return Count([], rows, unchanged);
    }

    private static ReferenceChanges Count(IReadOnlyList<int> years, List<ReferenceRowChange> rows, int unchanged) => new(years,
        rows.Count(r => r.Change == NewRow), rows.Count(r => r.Change == ChangedRow), rows.Count(r => r.Change == RemovedRow), unchanged, rows);

    /// <summary>The figures that differ between two rows (either may be missing), named as the CSV's columns.</summary>
    private static List<ReferenceFieldChange> Fields(ReferenceRow? from, ReferenceRow? to)
    {
        static string? N(long? v) => v?.ToString(CultureInfo.InvariantCulture);
        var pairs = new (string Field, string? From, string? To)[]
        {
            ("region", from?.Region, to?.Region),
            ("population_0_19", N(from?.Population0To19), N(to?.Population0To19)),
            ("sen_pupils", N(from?.SenPupils), N(to?.SenPupils)),
            ("fsm_pupils", N(from?.FsmPupils), N(to?.FsmPupils)),
            ("source", from?.Source, to?.Source),
            ("population_source", from?.PopulationSource, to?.PopulationSource),
            ("sen_source", from?.SenSource, to?.SenSource),
            ("fsm_source", from?.FsmSource, to?.FsmSource),
        };
        return pairs.Where(p => !string.Equals(p.From, p.To, StringComparison.Ordinal)).Select(p => new ReferenceFieldChange(p.Field, p.From, p.To)).ToList();
    }
}
