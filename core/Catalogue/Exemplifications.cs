namespace Pps.Core.Catalogue;

/// <summary>One of the 34 exemplifications of the minimum standards (2010 revision).</summary>
public sealed record Exemplification(string Code, int AreaNumber, string Area, string Title);

public sealed record AreaOfWork(int Number, string Title, IReadOnlyList<Exemplification> Exemplifications);

public static class Exemplifications
{
    private static readonly Lazy<IReadOnlyList<Exemplification>> LazyAll = new(() =>
        EmbeddedCsv.Read("exemplifications.csv", row => new Exemplification(
            row.GetField("code")!,
            int.Parse(row.GetField("area_number")!, System.Globalization.CultureInfo.InvariantCulture),
            row.GetField("area")!,
            row.GetField("title")!)));

    /// <summary>All 34, in the order the exemplifications are published (1a..6e).</summary>
    public static IReadOnlyList<Exemplification> All => LazyAll.Value;

    public static IReadOnlyList<AreaOfWork> Areas { get; } = All
        .GroupBy(e => e.AreaNumber)
        .Select(g => new AreaOfWork(g.Key, g.First().Area, g.ToList()))
        .ToList();

    public static Exemplification? Find(string code) => All.FirstOrDefault(e => e.Code == code);

    private static readonly Lazy<Dictionary<string, int>> Indexes = new(() =>
        All.Select((e, i) => (e.Code, i)).ToDictionary(x => x.Code, x => x.i, StringComparer.Ordinal));

    /// <summary>The place of the exemplification in <see cref="All"/>; -1 for a code that is none.</summary>
    public static int IndexOf(string code) => Indexes.Value.TryGetValue(code, out var index) ? index : -1;
}
