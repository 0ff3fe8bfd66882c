namespace Pps.Core.Returns;

/// <summary>Who is acting: one service (through its credential) or NPPN (the admin credential).</summary>
public sealed record Actor
{
    private Actor(string id, int? serviceId) => (Id, ServiceId) = (id, serviceId);

    public static Actor Nppn { get; } = new("nppn", null);

    public static Actor ForService(int serviceId) => new($"service:{serviceId}", serviceId);

    /// <summary>"nppn" or "service:42": what the audit trail records.</summary>
    public string Id { get; }

    public int? ServiceId { get; }

    public bool IsNppn => ServiceId is null;

    public bool MayAccess(int serviceId) => IsNppn || ServiceId == serviceId;
}
