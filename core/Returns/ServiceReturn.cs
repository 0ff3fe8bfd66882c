using Pps.Core.Definition;

namespace Pps.Core.Returns;

public enum ReturnStatus
{
    Draft,
    Submitted,
    /// <summary>Locked when the collection window closed; only NPPN may change it, giving a reason.</summary>
    Locked,
}

/// <summary>One service's return for one collection year, as stored.</summary>
public sealed record ServiceReturn
{
    public required int ServiceId { get; init; }
    public required int Year { get; init; }
    public required ReturnStatus Status { get; init; }
    public required ReturnValues Values { get; init; }

    /// <summary>Year-on-year warnings (rule ids) the service has confirmed as correct.</summary>
    public IReadOnlySet<string> ConfirmedWarnings { get; init; } = new HashSet<string>();

    /// <summary>Increases by one with every stored change; the audit trail keeps each revision.</summary>
    public int Revision { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Who made the last change: "service:42" or "nppn".</summary>
    public string UpdatedBy { get; init; } = "";

    public DateTimeOffset? SubmittedAt { get; init; }

    /// <summary>The storage version this was read at (an opaque ETag); null for a return not yet stored.</summary>
    public string? ETag { get; init; }
}
