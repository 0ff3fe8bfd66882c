using System.Globalization;
using Pps.Core.Catalogue;
using Pps.Core.Definition;
using Pps.Core.Storage;
using Pps.Core.Validation;

namespace Pps.Core.Returns;

/// <summary>A change to a return as an intake path (form, workbook, CSV) hands it in.</summary>
/// <param name="Values">Field id to raw text; every field of the return, as the writer wants it now.</param>
/// <param name="ConfirmedWarnings">Ids of year-on-year warnings the writer confirms as correct.</param>
/// <param name="IfMatch">The ETag the writer read; null only when it found no return.</param>
/// <param name="Reason">Why NPPN changes a locked or submitted return; required then.</param>
public sealed record ReturnChange(
    int Year,
    int ServiceId,
    IReadOnlyDictionary<string, string?> Values,
    IReadOnlyCollection<string> ConfirmedWarnings,
    string? IfMatch,
    string? Reason = null);

/// <summary>
/// The rules of saving a return, shared by every intake path: who may write, when, what is valid, and
/// that no write is silently lost.
/// </summary>
public sealed class ReturnService(ReturnStore returns, CollectionYearStore years, TimeProvider clock)
{
    public async Task<ReturnOutcome> GetAsync(Actor actor, int year, int serviceId, CancellationToken ct = default)
    {
        if (!actor.MayAccess(serviceId)) return ForbiddenOtherService(actor);
        var stored = await returns.GetAsync(year, serviceId, ct);
        if (stored is null) return new ReturnOutcome.NotFound($"Service {serviceId} has no return for {year} yet.");
        return new ReturnOutcome.Done(stored, await UnconfirmedWarningsAsync(stored, ct));
    }

    public Task<ReturnOutcome> SaveDraftAsync(Actor actor, ReturnChange change, CancellationToken ct = default) =>
        WriteAsync(actor, change, submit: false, ct);

    public Task<ReturnOutcome> SubmitAsync(Actor actor, ReturnChange change, CancellationToken ct = default) =>
        WriteAsync(actor, change, submit: true, ct);

    private async Task<ReturnOutcome> WriteAsync(Actor actor, ReturnChange change, bool submit, CancellationToken ct)
    {
        if (!actor.MayAccess(change.ServiceId)) return ForbiddenOtherService(actor);
        if (!ServiceRegistry.IsKnown(change.ServiceId)) return new ReturnOutcome.NotFound($"There is no service {change.ServiceId}.");
        var found = await years.GetAsync(change.Year, ct);
        if (found is null) return new ReturnOutcome.NotFound($"The {change.Year} collection has not been set up.");
        var year = found.Value.Year;
        var now = clock.GetUtcNow();

        var current = await returns.GetAsync(change.Year, change.ServiceId, ct);
        if (current?.ETag != change.IfMatch)
        {
            return new ReturnOutcome.Conflict(current, current is null
                ? "There is no stored return to update: it may have been removed. Reload the page."
                : $"The return was changed since you read it (now revision {current.Revision}, by {current.UpdatedBy} at {current.UpdatedAt:u}). Reload it and apply your change again.");
        }

        var refusal = WindowRefusal(actor, year, current, change, now);
        if (refusal is not null) return refusal;

        var previousYear = await returns.GetAsync(change.Year - 1, change.ServiceId, ct);
        var result = ReturnValidator.Validate(ReturnDefinitions.For(change.Year), change.Values, previousYear?.Values);
        if (!result.IsValid)
        {
            return new ReturnOutcome.Invalid(result.Errors, $"{result.Errors.Count} field(s) need correcting; nothing was saved.");
        }
        var confirmed = change.ConfirmedWarnings.Intersect(result.Warnings.Select(w => w.Code)).ToHashSet();
        var unconfirmed = result.Warnings.Where(w => !confirmed.Contains(w.Code)).ToList();
        if (submit && unconfirmed.Count > 0)
        {
            return new ReturnOutcome.Invalid(unconfirmed,
                $"{unconfirmed.Count} change(s) against last year must be checked and confirmed before the return can be submitted; nothing was saved.");
        }

        var status = current?.Status == ReturnStatus.Locked || year.StateAt(now) >= CollectionState.Closed && actor.IsNppn
            ? ReturnStatus.Locked
            : submit ? ReturnStatus.Submitted : current?.Status == ReturnStatus.Submitted && actor.IsNppn ? ReturnStatus.Submitted : ReturnStatus.Draft;
        var updated = new ServiceReturn
        {
            ServiceId = change.ServiceId,
            Year = change.Year,
            Status = status,
            Values = result.Values,
            ConfirmedWarnings = confirmed,
            UpdatedAt = now,
            SubmittedAt = submit ? now : current?.SubmittedAt,
        };
        try
        {
            var action = submit ? "submit" : actor.IsNppn && current is not null && current.Status != ReturnStatus.Draft ? "amend" : "save-draft";
            var stored = await returns.SaveAsync(updated, current, actor.Id, action, change.Reason, ct);
            return new ReturnOutcome.Done(stored, unconfirmed);
        }
        catch (ConcurrencyConflictException e)
        {
            return new ReturnOutcome.Conflict(e.Current as ServiceReturn, e.Message);
        }
    }

    private static ReturnOutcome? WindowRefusal(Actor actor, CollectionYear year, ServiceReturn? current, ReturnChange change, DateTimeOffset now)
    {
        if (actor.IsNppn)
        {
            var needsReason = current is not null && current.Status != ReturnStatus.Draft || year.StateAt(now) >= CollectionState.Closed;
            return needsReason && string.IsNullOrWhiteSpace(change.Reason)
                ? new ReturnOutcome.Refused("This return is submitted or locked: NPPN must give a reason for changing it.")
                : null;
        }
        if (year.PublishedAt is not null || !year.AcceptsServiceWritesAt(change.ServiceId, now))
        {
            return now < year.Opens
                ? new ReturnOutcome.Refused($"The {year.Year} collection opens on {Day(year.Opens)}; returns cannot be saved before then.")
                : new ReturnOutcome.Refused($"The {year.Year} collection closed on {Day(year.ClosesFor(change.ServiceId))}; the return is locked. Contact NPPN to change it.");
        }
        if (current is { Status: not ReturnStatus.Draft })
        {
            return new ReturnOutcome.Refused($"The return was submitted on {Day(current.SubmittedAt ?? current.UpdatedAt)}; ask NPPN to reopen it to make changes.");
        }
        return null;
    }

    private async Task<IReadOnlyList<ValidationIssue>> UnconfirmedWarningsAsync(ServiceReturn stored, CancellationToken ct)
    {
        var previousYear = await returns.GetAsync(stored.Year - 1, stored.ServiceId, ct);
        if (previousYear is null) return [];
        return ReturnValidator.YearOnYearWarnings(ReturnDefinitions.For(stored.Year), stored.Values, previousYear.Values)
            .Where(w => !stored.ConfirmedWarnings.Contains(w.Code)).ToList();
    }

    private static ReturnOutcome.Forbidden ForbiddenOtherService(Actor actor) =>
        new($"This credential belongs to service {actor.ServiceId}; it cannot reach another service's return.");

    private static string Day(DateTimeOffset at) => at.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);
}
