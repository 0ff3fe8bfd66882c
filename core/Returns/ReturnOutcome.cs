using Pps.Core.Catalogue;
using Pps.Core.Definition;

namespace Pps.Core.Returns;

/// <summary>What became of a request about a return; the HTTP layer maps each case to a status code.</summary>
public abstract record ReturnOutcome
{
    /// <summary>Stored (or read). Warnings are the year-on-year checks the service has not confirmed yet.</summary>
    public sealed record Done(ServiceReturn Return, IReadOnlyList<ValidationIssue> UnconfirmedWarnings) : ReturnOutcome
    {
        /// <summary>What still stops the stored return being submitted: rules across fields it breaks, answers it lacks.</summary>
        public IReadOnlyList<ValidationIssue> SubmitProblems { get; init; } = [];
    }

    /// <summary>Nothing stored: the values break the definition's rules, or warnings are unconfirmed at submission.</summary>
    public sealed record Invalid(IReadOnlyList<ValidationIssue> Issues, string Summary) : ReturnOutcome;

    /// <summary>Nothing stored: the write was based on a version that is no longer current.</summary>
    public sealed record Conflict(ServiceReturn? Current, string Message) : ReturnOutcome;

    /// <summary>Nothing stored: the actor may not do this (another service's return, an NPPN-only action).</summary>
    public sealed record Forbidden(string Message) : ReturnOutcome;

    /// <summary>Nothing stored: the collection window does not allow it (not open, closed, submitted already).</summary>
    public sealed record Refused(string Message) : ReturnOutcome;

    public sealed record NotFound(string Message) : ReturnOutcome;

    /// <summary>Read for the form: the return (null before the service starts it) with last year's beside it.</summary>
    public sealed record Viewed(ReturnView View) : ReturnOutcome;
}

/// <summary>What the form shows of one service's return for one year.</summary>
public sealed record ReturnView(
    int Year,
    int ServiceId,
    ServiceReturn? Current,
    ServiceReturn? LastYear,
    IReadOnlyList<ValidationIssue> UnconfirmedWarnings,
    CollectionYear CollectionYear)
{
    /// <summary>What still stops the return being submitted (all the required answers before it is started).</summary>
    public IReadOnlyList<ValidationIssue> SubmitProblems { get; init; } = [];
}
