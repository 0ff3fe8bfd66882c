using Pps.Core.Aggregation;
using Pps.Core.Catalogue;

namespace Pps.Core.Publishing;

/// <summary>
/// One line of the report's Appendix 1: a service number, its name as every page shows it (the catalogue's, marked when
/// inferred), its local authority, whether it returned, and the catalogue's note (how a name was inferred, why a service
/// has no current local authority).
/// </summary>
public sealed record ServiceKeyEntry(int ServiceId, string Name, string? LocalAuthority, string? OnsCode, string? Region, string Status, string? Note = null);

/// <summary>
/// The key to service numbers (Appendix 1) for a year, from the service catalogue: every service id with its
/// local authority and region; status "returned" when the service has a return in the year, "no return", or
/// "ended in {year}" for a service that no longer existed.
/// </summary>
public sealed record ServiceKey(int Year, IReadOnlyList<ServiceKeyEntry> Services)
{
    public const string Returned = "returned";
    public const string NoReturn = "no return";

    public static ServiceKey For(NationalResult result)
    {
        var returned = result.Benchmarks.ServiceIds.ToHashSet();
        return new ServiceKey(result.Year, result.Services.All.Select(s => new ServiceKeyEntry(
            s.Id, s.PublishedName, s.LocalAuthority, s.OnsCode, s.Region,
            !s.ExistsIn(result.Year) ? $"ended in {s.LastYear}" : returned.Contains(s.Id) ? Returned : NoReturn, s.Note)).ToList());
    }

    public Figure AsTable() => new()
    {
        Id = "key",
        ReportRef = "Appendix 1",
        Title = "Key to service numbers",
        Section = "key",
        Kind = "table",
        Year = Year,
        Years = [Year],
        Returns = Services.Count(s => s.Status == Returned),
        Columns = [new("service_id", "Service", "text"), new("name", "Service name", "text"), new("local_authority", "Local authority", "text"),
            new("ons_code", "ONS code", "text"), new("region", "Region", "text"), new("status", "Status", "text"), new("note", "Note", "text")],
        Rows = Services.Select(s => (IReadOnlyList<object?>)[s.ServiceId, s.Name, s.LocalAuthority, s.OnsCode, s.Region, s.Status, s.Note]).ToList(),
    };
}
