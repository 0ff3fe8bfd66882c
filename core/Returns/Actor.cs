namespace Pps.Core.Returns;

/// <summary>Who is acting: one service (through its credential) or NPPN (the admin credential).</summary>
public sealed record Actor
{
    private Actor(string id, int? serviceId) => (Id, ServiceId) = (id, serviceId);

    public static Actor Nppn { get; } = new("nppn", null);

    public static Actor ForService(int serviceId) => new($"service:{serviceId}", serviceId);

    /// <summary>A member of NPPN's staff signed in with their own credential: the audit names the person ("nppn:Jane Smith").</summary>
    public static Actor ForStaff(string name) => new($"nppn:{name}", null) { StaffName = name };

    /// <summary>The person, when a member of NPPN's staff acts with their own credential; null for the configured admin token and for services.</summary>
    public string? StaffName { get; private init; }

    /// <summary>"nppn" (the configured admin token), "nppn:Jane Smith" (a member of staff) or "service:42": what the audit trail records.</summary>
    public string Id { get; }

    public int? ServiceId { get; }

    public bool IsNppn => ServiceId is null;

    public bool MayAccess(int serviceId) => IsNppn || ServiceId == serviceId;
}
