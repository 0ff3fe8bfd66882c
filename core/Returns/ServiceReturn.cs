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
    /// What the change that made this revision was (action, reason, field changes), as stored with the return
    /// itself, so that the revision's audit row can always be written from it (see <c>ReturnStore</c>). Null
    /// for a return not yet stored.
    /// </summary>
    public RevisionAudit? Audit { get; init; }

    /// <summary>
    /// Whether the return counts as returned: submitted, and not a draft since. The one definition the published
    /// figures, the completeness view and the close share. Read it on the stored return: a draft that the close
    /// locks (<see cref="AsOf"/>) was never submitted and does not count.
    /// </summary>
    public bool IsReturned => Returned(Status, SubmittedAt);

    /// <summary><see cref="IsReturned"/> for a return read field by field (the close reads only these two and the answers).</summary>
    public static bool Returned(ReturnStatus status, DateTimeOffset? submittedAt) => submittedAt is not null && status != ReturnStatus.Draft;

    /// <summary>
    /// The return as it stands at <paramref name="now"/>: once the year's window has closed every return of
    /// the year is locked. The lock is a fact of the year (its closing date, and ClosedAt once the close-of-year
    /// run has passed), so closing a year is one write, not one per return.
    /// </summary>
    /// <remarks>
    /// A service whose extension is running is in its own open window, whether it was granted before or after the close:
    /// its return reads as it would in the open window (a draft, or submitted), never locked, so the same rules apply to
    /// it (a submitted return is reopened only by NPPN). A return NPPN changed after the close is stored locked: under an
    /// extension it reads as what it was, submitted or a draft.
    /// </remarks>
    public ServiceReturn AsOf(CollectionYear year, DateTimeOffset now)
    {
        if (year.Year != Year) return this;
        if (year.Extensions.ContainsKey(ServiceId) && year.AcceptsServiceWritesAt(ServiceId, now))
        {
            return Status == ReturnStatus.Locked ? this with { Status = SubmittedAt is null ? ReturnStatus.Draft : ReturnStatus.Submitted } : this;
        }
        return Status != ReturnStatus.Locked && year.StateAt(now) >= CollectionState.Closed ? this with { Status = ReturnStatus.Locked } : this;
    }
}

/// <summary>The change that made a revision: the action ("save-draft", "submit", "amend", "reopen"), NPPN's reason, and the field changes.</summary>
public sealed record RevisionAudit(string Action, string? Reason, IReadOnlyList<FieldChange> Changes)
{
    /// <summary>What made the change (an upload, a batch), as the intake path named it; never NPPN's reason.</summary>
    public string? Source { get; init; }
}
