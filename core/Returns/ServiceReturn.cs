using Pps.Core.Catalogue;
using Pps.Core.Definition;

namespace Pps.Core.Returns;

public enum ReturnStatus
{
    Draft,
    Submitted,
    /// <summary>
    /// Locked: the collection window has closed (see <see cref="ServiceReturn.AsOf"/>), or NPPN changed it after
    /// the close. Only NPPN may change it, giving a reason; an extension reopens it to its service.
    /// </summary>
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

    /// <summary>
    /// The return as it stands at <paramref name="now"/>: once the year's window has closed every return of
    /// the year is locked. The lock is a fact of the year (its closing date, and ClosedAt once the close-of-year
    /// run has passed), so closing a year is one write, not one per return.
    /// </summary>
    public ServiceReturn AsOf(CollectionYear year, DateTimeOffset now) =>
        Status != ReturnStatus.Locked && year.Year == Year && year.StateAt(now) >= CollectionState.Closed
            ? this with { Status = ReturnStatus.Locked }
            : this;
}
