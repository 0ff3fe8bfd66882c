using System.Globalization;

namespace Pps.Core.Catalogue;

/// <summary>
/// A Parent Partnership Service as the national report's Appendix 1 numbers it, with its local authority.
/// Services that ended (Bedfordshire and Cheshire in 2009) keep their id so that history stays readable.
/// </summary>
public sealed record Service(
    int Id,
    string Name,
    string? LocalAuthority,
    string? OnsCode,
    string? DfeLaCode,
    string? Region,
    int? LastYear)
{
    public bool ExistsIn(int collectionYear) => LastYear is null || collectionYear <= LastYear;

    /// <summary>What the catalogue says of the service beyond its names ("ended in 2009; no current local authority"); null when nothing.</summary>
    public string? Note { get; init; }

    /// <summary>The name was not legible in the printed report's key and was inferred (<see cref="Note"/> says how).</summary>
    public bool NameInferred { get; init; }

    /// <summary>The name as published for readers: an inferred name says so, wherever it is shown.</summary>
    public string PublishedName => NameInferred ? $"{Name} (name inferred)" : Name;
}

public static class ServiceRegistry
{
    private static readonly Lazy<IReadOnlyDictionary<int, Service>> LazyById = new(Load);

    public static IReadOnlyCollection<Service> All => LazyById.Value.Values.OrderBy(s => s.Id).ToList();

    public static Service? Find(int id) => LazyById.Value.GetValueOrDefault(id);

    public static bool IsKnown(int id) => LazyById.Value.ContainsKey(id);

    public static IReadOnlyList<Service> ExistingIn(int collectionYear) =>
        All.Where(s => s.ExistsIn(collectionYear)).ToList();

    private static IReadOnlyDictionary<int, Service> Load() =>
        EmbeddedCsv.Read("service-la.csv", row =>
        {
            var note = row.GetField("note") ?? "";
            var name = row.GetField("service_name");
            var la = Blank(row.GetField("la_name"));
            return new Service(
                int.Parse(row.GetField("service_id")!, CultureInfo.InvariantCulture),
                string.IsNullOrWhiteSpace(name) ? la ?? "" : StripUntil(name),
                la,
                Blank(row.GetField("ons_code")),
                Blank(row.GetField("dfe_la_code")),
                Blank(row.GetField("region")),
                note.StartsWith("ended in ", StringComparison.Ordinal)
                    ? int.Parse(note.AsSpan(9, 4), CultureInfo.InvariantCulture)
                    : null)
            {
                Note = Blank(note),
                NameInferred = string.IsNullOrWhiteSpace(name) && note.StartsWith("name illegible", StringComparison.Ordinal),
            };
        }).ToDictionary(s => s.Id);

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    private static string StripUntil(string name)
    {
        var i = name.IndexOf(" (until", StringComparison.Ordinal);
        return i < 0 ? name : name[..i];
    }
}
