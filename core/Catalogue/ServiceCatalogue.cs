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

/// <summary>
/// The key to services: every service the national report numbers, with its local authority and region, and when
/// a service ended. Data, injected where it is used (<c>AddPpsCatalogue</c>); <see cref="BuiltIn"/> is the key the
/// system ships with (the 2013 report's Appendix 1, <c>Data/service-la.csv</c>).
/// </summary>
public sealed class ServiceCatalogue
{
    private readonly IReadOnlyDictionary<int, Service> _byId;

    public ServiceCatalogue(IEnumerable<Service> services)
    {
        All = services.OrderBy(s => s.Id).ToList();
        _byId = All.ToDictionary(s => s.Id);
    }

    /// <summary>The key that ships with the system.</summary>
    public static ServiceCatalogue BuiltIn => LazyBuiltIn.Value;

    private static readonly Lazy<ServiceCatalogue> LazyBuiltIn = new(() => new ServiceCatalogue(Load()));

    /// <summary>Every service, ended ones too, by id.</summary>
    public IReadOnlyList<Service> All { get; }

    public Service? Find(int id) => _byId.GetValueOrDefault(id);

    public bool IsKnown(int id) => _byId.ContainsKey(id);

    /// <summary>The services that had not ended by <paramref name="collectionYear"/>.</summary>
    public IReadOnlyList<Service> ExistingIn(int collectionYear) => All.Where(s => s.ExistsIn(collectionYear)).ToList();

    /// <summary>The service's name, or "Service {id}" for an id the key does not have.</summary>
    public string NameOf(int id) => Find(id)?.Name ?? $"Service {id}";

    private static IEnumerable<Service> Load() =>
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
        });

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    private static string StripUntil(string name)
    {
        var i = name.IndexOf(" (until", StringComparison.Ordinal);
        return i < 0 ? name : name[..i];
    }
}
