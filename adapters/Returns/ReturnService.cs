using System.Globalization;
using Pps.Core.Catalogue;
using Pps.Core.Definition;
using Pps.Core.Storage;
using Pps.Core.Telemetry;
using Pps.Core.Validation;

namespace Pps.Core.Returns;

/// <summary>
/// A change to a return as an intake path (form, workbook, CSV) hands it in: its answers, raw
/// (<see cref="ReturnChange"/>, checked by the write) or as the intake check read them (<see cref="CheckedChange"/>).
/// </summary>
public abstract record ReturnWrite
{
    // The two kinds below are the only ones: the write knows how to check each.
    private protected ReturnWrite() { }

    public abstract int Year { get; }

    public abstract int ServiceId { get; }

    /// <summary>Ids of year-on-year warnings the writer confirms as correct.</summary>
    public abstract IReadOnlyCollection<string> ConfirmedWarnings { get; init; }

    /// <summary>The ETag the writer read; null only when it found no return.</summary>
    public abstract string? IfMatch { get; init; }

    /// <summary>Why NPPN changes a locked or submitted return; required then. NPPN's only: a service cannot give one.</summary>
    public abstract string? Reason { get; init; }

    /// <summary>
    /// What made the change, kept in the audit beside (never as) NPPN's reason: the intake path and its batch or upload
    /// ("Workbook upload 7f3c…; confirmed: yoy-core-budget: a second caseworker joined"). Any actor may give one; it is
    /// free text under the same limits as a reason.
    /// </summary>
    public abstract string? Source { get; init; }
}

/// <summary>A change with its answers as the writer gave them (the form, the API, the cli): the write runs the check on them.</summary>
/// <param name="Values">Field id to raw text; every field of the return, as the writer wants it now.</param>
public sealed record ReturnChange(
    int Year,
    int ServiceId,
    IReadOnlyDictionary<string, string?> Values,
    IReadOnlyCollection<string> ConfirmedWarnings,
    string? IfMatch,
    string? Reason = null,
    string? Source = null) : ReturnWrite
{
    public override int Year { get; } = Year;

    public override int ServiceId { get; } = ServiceId;

    /// <summary>
    /// The <see cref="Source"/> of a change made through one intake path, with the writer's own words on each
    /// year-on-year warning it confirms ("Web form; confirmed: yoy-casework-users: a new outreach worker").
    /// </summary>
    public static string SourceOf(string path, IEnumerable<KeyValuePair<string, string>> confirmations)
    {
        var notes = confirmations.Where(c => FreeText.HasVisible(c.Value)).Select(c => $"{c.Key}: {c.Value.Trim()}").ToList();
        return notes.Count == 0 ? path : $"{path}; confirmed: {string.Join("; ", notes)}";
    }
}

/// <summary>
/// A change whose answers the intake path checked already (the workbook and the CSV check every cell or row before
/// anything is stored): the write stores what the check read, and checks nothing again, unless the year's definition
/// changed since (then it refuses).
/// </summary>
public sealed record CheckedChange(
    CheckedReturn Answers,
    IReadOnlyCollection<string> ConfirmedWarnings,
    string? IfMatch,
    string? Reason = null,
    string? Source = null) : ReturnWrite
{
    public override int Year => Answers.Year;

    public override int ServiceId => Answers.ServiceId;
}

/// <summary>
/// The rules of saving a return, shared by every intake path: who may write, when, what is valid, and
/// that no write is silently lost.
/// </summary>
public sealed class ReturnService(
    ReturnStore returns, CollectionYearStore years, TimeProvider clock, IDefinitionCatalog definitions, ServiceCatalogue catalogue, IReturnEvents? events = null)
{
    /// <summary>The year's definition (built in, or published by NPPN); null when the year has none.</summary>
    private ValueTask<ReturnDefinition?> DefinitionAsync(int year, CancellationToken ct) => definitions.FindAsync(year, ct);

    private static ReturnOutcome.NotFound NoDefinition(int year) =>
        new($"There is no return definition for {year}: NPPN publishes it before the year opens.");

    public Task<ReturnOutcome> SaveDraftAsync(Actor actor, ReturnWrite change, CancellationToken ct = default) =>
        TracedWriteAsync(actor, change, submit: false, ct);

    public Task<ReturnOutcome> SubmitAsync(Actor actor, ReturnWrite change, CancellationToken ct = default) =>
        TracedWriteAsync(actor, change, submit: true, ct);

    /// <summary>A write as a span (year, service, who, outcome: never the values) and the counts of returns saved and warnings.</summary>
    private async Task<ReturnOutcome> TracedWriteAsync(Actor actor, ReturnWrite change, bool submit, CancellationToken ct)
    {
        using var activity = PpsTelemetry.Source.StartActivity(submit ? "pps.return.submit" : "pps.return.save");
        activity?.SetTag("pps.year", change.Year);
        activity?.SetTag("pps.service", change.ServiceId);
        activity?.SetTag("pps.actor", actor.IsNppn ? "nppn" : "service");
        try
        {
            var outcome = await WriteAsync(actor, change, submit, ct);
            activity?.SetTag("pps.outcome", outcome.GetType().Name.ToLowerInvariant());
            if (outcome is ReturnOutcome.Done done)
            {
                PpsTelemetry.ReturnsSaved.Add(1, new KeyValuePair<string, object?>("pps.action", submit ? "submit" : actor.IsNppn ? "amend" : "save-draft"));
                if (done.UnconfirmedWarnings.Count > 0) PpsTelemetry.Warnings.Add(done.UnconfirmedWarnings.Count);
                if (submit && events is not null) await events.SubmittedAsync(done.Return, ct);
            }
            return outcome;
        }
        catch (Exception e)
        {
            activity.Fail(e);
            throw;
        }
    }

    /// <summary>Submits the stored draft as it stands, with the warnings it confirmed so far and any confirmed now.</summary>
    public async Task<ReturnOutcome> SubmitStoredAsync(
        Actor actor, int year, int serviceId, string? ifMatch, IReadOnlyCollection<string> confirmedWarnings, string? reason = null,
        string? source = null, CancellationToken ct = default)
    {
        if (!actor.MayAccess(serviceId)) return ForbiddenOtherService(actor);
        var current = await returns.GetAsync(year, serviceId, ct);
        if (current is null) return new ReturnOutcome.NotFound($"Service {serviceId} has no return for {year} to submit: save it first.");
        var values = current.Values.AsDictionary().ToDictionary(kv => kv.Key, kv => (string?)kv.Value, StringComparer.Ordinal);
        return await SubmitAsync(actor, new ReturnChange(year, serviceId, values, current.ConfirmedWarnings.Union(confirmedWarnings).ToList(), ifMatch, reason, source), ct);
    }

    /// <summary>
    /// A write, first with the return this process stored last when the writer's ETag is its (not read again; see
    /// <see cref="ReturnStore.GetForWriteAsync"/>). Anything but success is decided again on the return as read from
    /// storage, so that a refusal never rests on a revision someone else has replaced since.
    /// </summary>
    private async Task<ReturnOutcome> WriteAsync(Actor actor, ReturnWrite change, bool submit, CancellationToken ct)
    {
        var (outcome, remembered) = await WriteOnceAsync(actor, change, submit, mayRemember: true, ct);
        return outcome is ReturnOutcome.Done || !remembered ? outcome : (await WriteOnceAsync(actor, change, submit, mayRemember: false, ct)).Outcome;
    }

    private async Task<(ReturnOutcome Outcome, bool Remembered)> WriteOnceAsync(Actor actor, ReturnWrite change, bool submit, bool mayRemember, CancellationToken ct)
    {
        if (!actor.MayAccess(change.ServiceId)) return (ForbiddenOtherService(actor), false);
        if (NoSuchServiceIn(change.Year, change.ServiceId) is { } noSuchService) return (noSuchService, false);
        // The three reads are independent: make them at once. The year and last year's return change rarely and are
        // read every save: both come from the stores' short-lived caches (see CollectionYearStore.CacheTimeToLive and
        // ReturnStore.CacheTimeToLive for how stale they may be); the window rules below still use this save's clock.
        // The return being written is read from storage, unless this process stored the revision the writer read.
        var readYear = years.GetRecentAsync(change.Year, ct);
        var readCurrent = mayRemember
            ? returns.GetForWriteAsync(change.Year, change.ServiceId, change.IfMatch, ct)
            : ReadAsync(returns.GetAsync(change.Year, change.ServiceId, ct));
        // Last year's answers matter only to the check, which answers checked already have been through.
        var readPreviousYear = change is ReturnChange ? returns.GetRecentAsync(change.Year - 1, change.ServiceId, ct) : Task.FromResult<ServiceReturn?>(null);
        await Task.WhenAll(readYear, readCurrent, readPreviousYear);
        var (stored, remembered) = await readCurrent;
        return (await DecideAsync(actor, change, submit, await readYear, stored, await readPreviousYear, ct), remembered);

        static async Task<(ServiceReturn?, bool)> ReadAsync(Task<ServiceReturn?> read) => (await read, false);
    }

    private async Task<ReturnOutcome> DecideAsync(
        Actor actor, ReturnWrite change, bool submit, CollectionYear? year, ServiceReturn? read, ServiceReturn? previousYear, CancellationToken ct)
    {
        if (year is null) return new ReturnOutcome.NotFound($"The {change.Year} collection has not been set up.");
        var now = clock.GetUtcNow();

        var current = read?.AsOf(year, now);
        if (current?.ETag != change.IfMatch)
        {
            return new ReturnOutcome.Conflict(current, current is null
                ? "There is no stored return to update: it may have been removed. Reload the page."
                : $"The return was changed since you read it (now revision {current.Revision}, by {current.UpdatedBy} at {current.UpdatedAt:u}). Reload it and apply your change again.");
        }

        if (await DefinitionAsync(change.Year, ct) is not { } definition) return NoDefinition(change.Year);
        var reasonProblem = ReasonProblem(actor, change.Reason, definition);
        if (reasonProblem is not null) return reasonProblem;
        if (change.Source is { } source && FreeText.Problem(source, definition.ReasonMaxLength) is { } sourceProblem)
        {
            return new ReturnOutcome.Invalid([ValidationIssue.Error("source", "source-invalid", $"Source of the change: {sourceProblem}.")],
                "The note on where the change comes from needs correcting; nothing was saved.");
        }
        var refusal = WindowRefusal(actor, year, current, change, now);
        if (refusal is not null) return refusal;

        // A service writes only inside its window (an extension may reopen a locked return to it); NPPN's
        // changes after the close keep the return locked, and its changes to a submitted return keep it submitted.
        var status = !actor.IsNppn
            ? submit ? ReturnStatus.Submitted : ReturnStatus.Draft
            : current?.Status == ReturnStatus.Locked || year.StateAt(now) >= CollectionState.Closed
                ? ReturnStatus.Locked
                : submit || current?.Status == ReturnStatus.Submitted ? ReturnStatus.Submitted : ReturnStatus.Draft;
        // A draft is a draft: saved as one (under an extension, say) it was not submitted, whatever it was before.
        var submittedAt = submit ? now : status == ReturnStatus.Draft ? null : current?.SubmittedAt;
        var counts = submittedAt is not null && status != ReturnStatus.Draft;

        // The one check, run here for the form's raw answers; the workbook's and the CSV's ran it before (to report
        // every cell or row at once), and hold good only against the definition this write finds.
        CheckedReturn result;
        switch (change)
        {
            case ReturnChange raw:
                result = CheckedReturn.Check(definition, change.ServiceId, raw.Values, previousYear?.Values);
                break;
            case CheckedChange { Answers: var answers } when answers.CheckedAgainst(definition):
                result = answers;
                break;
            default:
                return DefinitionChanged(definition, ((CheckedChange)change).Answers);
        }
        // What a submitted return must hold and a draft need not yet: the rules across fields and every answer the
        // definition requires. A draft is saved whatever they say (the form shows them); they block only a return
        // that counts as submitted, so that a service never loses a draft to a total that does not add up yet.
        var toSubmit = result.ToSubmit;
        var blocking = counts ? result.AnswerErrors.Concat(toSubmit).ToList() : result.AnswerErrors.ToList();
        if (blocking.Count > 0)
        {
            return new ReturnOutcome.Invalid(blocking, counts && blocking.Count > result.AnswerErrors.Count()
                ? $"{blocking.Count} answer(s) need giving or correcting before the return can be submitted; nothing was saved."
                : $"{blocking.Count} field(s) need correcting; nothing was saved.");
        }
        var confirmed = change.ConfirmedWarnings.Intersect(result.Warnings.Select(w => w.Code)).ToHashSet();
        var unconfirmed = result.Warnings.Where(w => !confirmed.Contains(w.Code)).ToList();
        if (submit && unconfirmed.Count > 0)
        {
            return new ReturnOutcome.Invalid(unconfirmed,
                $"{unconfirmed.Count} change(s) against last year must be checked and confirmed before the return can be submitted; nothing was saved.");
        }

        var updated = new ServiceReturn
        {
            ServiceId = change.ServiceId,
            Year = change.Year,
            Status = status,
            Values = result.Values,
            ConfirmedWarnings = confirmed,
            UpdatedAt = now,
            SubmittedAt = submittedAt,
        };
        try
        {
            var action = submit ? "submit" : actor.IsNppn && current is not null && current.Status != ReturnStatus.Draft ? "amend" : "save-draft";
            var stored = await returns.SaveAsync(updated, current, actor.Id, action, FreeText.HasVisible(change.Reason) ? change.Reason!.Trim() : null,
                FreeText.HasVisible(change.Source) ? change.Source!.Trim() : null, ct);
            return new ReturnOutcome.Done(stored, unconfirmed) { SubmitProblems = toSubmit };
        }
        catch (ConcurrencyConflictException e)
        {
            return new ReturnOutcome.Conflict(e.Current as ServiceReturn, e.Message);
        }
        catch (StorageLimitException e)
        {
            // The definition's limits keep a valid return far inside an entity (ReturnDefinition.MaxTextBytes): this is a
            // return whose every answer is valid yet whose whole would not fit, so it is refused as a whole, nothing written.
            return new ReturnOutcome.Invalid([ValidationIssue.Error("values", "too-large", $"The return is too large to store: {e.Message}")],
                "The return is too large to store; nothing was saved.");
        }
    }

    /// <summary>What stops a stored return being submitted as it stands (<see cref="CheckedReturn.ToSubmit"/>).</summary>
    private static IReadOnlyList<ValidationIssue> SubmitProblems(ReturnDefinition definition, int serviceId, ReturnValues values) =>
        CheckedReturn.Check(definition, serviceId, values.AsDictionary().ToDictionary(kv => kv.Key, kv => (string?)kv.Value, StringComparer.Ordinal), null).ToSubmit;

    /// <summary>
    /// NPPN published another version of the year's definition between the check and the write: what the check said
    /// of the answers may no longer hold, so nothing is stored and the path checks them again.
    /// </summary>
    private static ReturnOutcome.Refused DefinitionChanged(ReturnDefinition definition, CheckedReturn answers) =>
        new($"The {definition.Year} return definition changed (version {answers.Definition.Version} to {definition.Version}) while the answers were being checked; nothing was saved. Send them again to have them checked against the new version.");

    private static ReturnOutcome? WindowRefusal(Actor actor, CollectionYear year, ServiceReturn? current, ReturnWrite change, DateTimeOffset now)
    {
        if (actor.IsNppn)
        {
            var needsReason = current is not null && current.Status != ReturnStatus.Draft || year.StateAt(now) >= CollectionState.Closed;
            return needsReason && !FreeText.HasVisible(change.Reason) ? ReasonRequired("changing it") : null;
        }
        if (year.PublishedAt is not null || !year.AcceptsServiceWritesAt(change.ServiceId, now))
        {
            return now < year.Opens
                ? new ReturnOutcome.Refused($"The {year.Year} collection opens on {Day(year.Opens)}; returns cannot be saved before then.")
                : new ReturnOutcome.Refused($"The {year.Year} collection closed on {Day(year.ClosesFor(change.ServiceId))}; the return is locked. Contact NPPN to change it.");
        }
        // Under an extension the return reads as in the open window (ServiceReturn.AsOf), so one rule for both: a
        // submitted return is changed only after NPPN reopens it.
        if (current is { Status: not ReturnStatus.Draft })
        {
            return new ReturnOutcome.Refused($"The return was submitted on {Day(current.SubmittedAt ?? current.UpdatedAt)}; ask NPPN to reopen it to make changes.");
        }
        return null;
    }

    /// <summary>
    /// The one rule of which services a year can have a return from, whichever path the return comes by (form,
    /// workbook, CSV): a service in the register that had not ended by that year.
    /// </summary>
    private ReturnOutcome.NotFound? NoSuchServiceIn(int year, int serviceId) => catalogue.Find(serviceId) switch
    {
        null => new ReturnOutcome.NotFound($"There is no service {serviceId}."),
        { } ended when !ended.ExistsIn(year) => new ReturnOutcome.NotFound($"Service {serviceId} ({ended.Name}) did not exist in {year}: it ended in {ended.LastYear}."),
        _ => null,
    };

    /// <summary>
    /// A return as the form shows it: the stored version (none before the service starts), last year's values
    /// beside it, the warnings still to confirm, and the year's window for this service.
    /// </summary>
    public Task<ReturnOutcome> ReadAsync(Actor actor, int year, int serviceId, CancellationToken ct = default) =>
        ViewAsync(actor, year, serviceId, checkStored: true, ct);

    /// <summary>
    /// The stored return and last year's for an intake path that brings new answers (the workbook's template and its
    /// check): the refusals of <see cref="ReadAsync"/>, without checking the stored answers for the form (what they
    /// lack for a submit, the warnings left to confirm), since the one check of the new answers says that of them.
    /// </summary>
    internal Task<ReturnOutcome> ReadForIntakeAsync(Actor actor, int year, int serviceId, CancellationToken ct = default) =>
        ViewAsync(actor, year, serviceId, checkStored: false, ct);

    private async Task<ReturnOutcome> ViewAsync(Actor actor, int year, int serviceId, bool checkStored, CancellationToken ct)
    {
        if (!actor.MayAccess(serviceId)) return ForbiddenOtherService(actor);
        if (NoSuchServiceIn(year, serviceId) is { } noSuchService) return noSuchService;
        var found = await years.GetAsync(year, ct);
        if (found is null) return new ReturnOutcome.NotFound($"The {year} collection has not been set up.");
        if (await DefinitionAsync(year, ct) is not { } definition) return NoDefinition(year);
        var current = returns.GetAsync(year, serviceId, ct);
        var previous = returns.GetAsync(year - 1, serviceId, ct);
        var (stored, lastYear) = ((await current)?.AsOf(found.Value.Year, clock.GetUtcNow()), await previous);
        IReadOnlyList<ValidationIssue> unconfirmed = stored is null || lastYear is null || !checkStored
            ? []
            : ReturnValidator.YearOnYearWarnings(definition, stored.Values, lastYear.Values)
                .Where(w => !stored.ConfirmedWarnings.Contains(w.Code)).ToList();
        return new ReturnOutcome.Viewed(new ReturnView(year, serviceId, stored, lastYear, unconfirmed, found.Value.Year)
        {
            SubmitProblems = checkStored ? SubmitProblems(definition, serviceId, stored?.Values ?? new ReturnValues(new Dictionary<string, string>())) : [],
        });
    }

    /// <summary>NPPN turns a submitted or locked return back into a draft, giving a reason; the audit trail keeps it.</summary>
    public async Task<ReturnOutcome> ReopenAsync(Actor actor, int year, int serviceId, string? ifMatch, string? reason, CancellationToken ct = default)
    {
        if (!actor.IsNppn) return new ReturnOutcome.Forbidden("Only NPPN can reopen a return.");
        var found = await years.GetAsync(year, ct);
        if (found is null) return new ReturnOutcome.NotFound($"The {year} collection has not been set up.");
        if (await DefinitionAsync(year, ct) is not { } definition) return NoDefinition(year);
        if (ReasonProblem(actor, reason, definition) is { } reasonProblem) return reasonProblem;
        if (!FreeText.HasVisible(reason)) return ReasonRequired("reopening it");
        var current = await returns.GetAsync(year, serviceId, ct);
        if (current is null) return new ReturnOutcome.NotFound($"Service {serviceId} has no return for {year} to reopen.");
        if (current.ETag != ifMatch)
        {
            return new ReturnOutcome.Conflict(current,
                $"The return was changed since you read it (now revision {current.Revision}, by {current.UpdatedBy} at {current.UpdatedAt:u}). Reload it first.");
        }
        if (found.Value.Year.PublishedAt is not null) return new ReturnOutcome.Refused($"The {year} figures are published; the return can no longer be reopened.");
        if (current.Status == ReturnStatus.Draft) return new ReturnOutcome.Refused("The return is a draft already.");
        try
        {
            var stored = await returns.SaveAsync(current with { Status = ReturnStatus.Draft, SubmittedAt = null, UpdatedAt = clock.GetUtcNow() },
                current, actor.Id, "reopen", reason!.Trim(), ct);
            return new ReturnOutcome.Done(stored, await UnconfirmedWarningsAsync(stored, ct));
        }
        catch (ConcurrencyConflictException e)
        {
            return new ReturnOutcome.Conflict(e.Current as ServiceReturn, e.Message);
        }
    }

    /// <summary>Every service of the year with the state of its return, and the year's participation totals (Tables A and B).</summary>
    public async Task<CompletenessReport?> CompletenessAsync(int year, CancellationToken ct = default)
    {
        var found = await years.GetAsync(year, ct);
        if (found is null) return null;
        var current = returns.ListYearAsync(year, ct);
        var previous = returns.ListYearAsync(year - 1, ct);
        var definition = await definitions.GetAsync(year, ct);
        return Completeness.Build(found.Value.Year, await current, await previous, definition, clock.GetUtcNow(), catalogue);
    }

    private static ReturnOutcome.Invalid ReasonRequired(string doing) =>
        new([ValidationIssue.Error("reason", "reason-required",
                $"This return is submitted or locked: NPPN must give a reason for {doing}, in words (spaces and invisible characters alone are not a reason).")],
            $"NPPN must give a reason for {doing}; nothing was saved.");

    /// <summary>
    /// A reason is NPPN's account of its change, kept in the audit trail: a service cannot write one (its own
    /// changes need none), and it is text of at most the definition's <see cref="ReturnDefinition.ReasonMaxLength"/> characters.
    /// </summary>
    private static ReturnOutcome.Invalid? ReasonProblem(Actor actor, string? reason, ReturnDefinition definition)
    {
        if (string.IsNullOrEmpty(reason)) return null;
        if (!actor.IsNppn)
        {
            return new([ValidationIssue.Error("reason", "reason-nppn-only",
                    "Only NPPN gives a reason for a change (it is kept in the audit trail); a service's own changes need none. Leave \"reason\" out.")],
                "A service cannot give a reason; nothing was saved.");
        }
        var problem = FreeText.Problem(reason, definition.ReasonMaxLength);
        return problem is null
            ? null
            : new([ValidationIssue.Error("reason", "reason-invalid", $"Reason: {problem}.")], "The reason needs correcting; nothing was saved.");
    }

    private async Task<IReadOnlyList<ValidationIssue>> UnconfirmedWarningsAsync(ServiceReturn stored, CancellationToken ct)
    {
        var previousYear = await returns.GetAsync(stored.Year - 1, stored.ServiceId, ct);
        if (previousYear is null) return [];
        return ReturnValidator.YearOnYearWarnings(await definitions.GetAsync(stored.Year, ct), stored.Values, previousYear.Values)
            .Where(w => !stored.ConfirmedWarnings.Contains(w.Code)).ToList();
    }

    private static ReturnOutcome.Forbidden ForbiddenOtherService(Actor actor) =>
        new($"This credential belongs to service {actor.ServiceId}; it cannot reach another service's return.");

    private static string Day(DateTimeOffset at) => at.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);
}
