using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Pps.Core.Definition;
using Pps.Core.Returns;
using Pps.Core.Storage;
using Pps.Functions.Http;

namespace Pps.Functions.Returns;

public sealed record ChangeDocument(string Field, string? From, string? To);

/// <summary>One revision in the audit trail: who, when, why, and which fields went from what to what.</summary>
public sealed record RevisionDocument(
    int Revision, DateTimeOffset At, string By, string Action, string? Reason, ReturnState Status, IReadOnlyList<ChangeDocument> Changes,
    IReadOnlyDictionary<string, object>? Values)
{
    /// <summary>What made the change (a workbook upload, a CSV batch), as the intake path named it; NPPN's reason is <see cref="Reason"/>.</summary>
    public string? Source { get; init; }

    /// <param name="form">The year's definition, which types the values (<paramref name="withValues"/>).</param>
    public static RevisionDocument From(AuditEntry e, ReturnDefinition? form = null, bool withValues = false) => new(
        e.Revision, e.At, e.By, e.Action, e.Reason, Completeness.StateOf(e.Status),
        e.Changes.Select(c => new ChangeDocument(c.FieldId, c.From, c.To)).ToList(),
        withValues ? ReturnJson.ToJson(form, e.Values) : null)
    {
        Source = e.Source,
    };
}

/// <summary>
/// Something done to the service's return that made no revision of it, recorded on the year: "extension-ended", an
/// extension NPPN ended when it closed and published the year (<see cref="Until"/>: what the service had been given).
/// </summary>
public sealed record HistoryEventDocument(DateTimeOffset At, string By, string Action, DateTimeOffset? Until);

/// <summary>The revisions of a return, oldest first, and the events of its year that concern it (<see cref="HistoryEventDocument"/>), oldest first.</summary>
public sealed record HistoryDocument(int Year, int ServiceId, IReadOnlyList<RevisionDocument> Revisions, IReadOnlyList<HistoryEventDocument> Events);

/// <summary>The audit trail of a return, and any earlier version of it. The service itself or NPPN.</summary>
public sealed class ReturnHistoryFunctions(ReturnStore store, CollectionYearStore years, IDefinitionCatalog definitions, PpsAuthenticator auth)
{
    private const string HistoryRoute = "returns/{year:int}/{serviceId:int}/history";

    [Function("GetReturnHistory")]
    public async Task<IActionResult> History(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = HistoryRoute)] HttpRequest request, int year, int serviceId, CancellationToken ct)
    {
        var access = await auth.ForServiceAsync(request, year, serviceId, ct);
        if (access.Caller is null) return access.Denied!;
        var readYear = years.GetAsync(year, ct);
        var history = await store.HistoryAsync(year, serviceId, ct);
        // An extension ended by a close is stored on the year (the return did not change), but it is part of what
        // happened to this return: the service and NPPN see it where they read the return's history.
        var events = ((await readYear)?.Year.EndedExtensions ?? [])
            .Where(e => e.ServiceId == serviceId)
            .Select(e => new HistoryEventDocument(e.EndedAt, e.EndedBy, "extension-ended", e.Until))
            .OrderBy(e => e.At).ToList();
        return new JsonResponse(StatusCodes.Status200OK,
            new HistoryDocument(year, serviceId, history.Select(e => RevisionDocument.From(e)).ToList(), events));
    }

    [Function("GetReturnRevision")]
    public async Task<IActionResult> Revision(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = HistoryRoute + "/{revision:int}")] HttpRequest request,
        int year, int serviceId, int revision, CancellationToken ct)
    {
        var access = await auth.ForServiceAsync(request, year, serviceId, ct);
        if (access.Caller is null) return access.Denied!;
        var entry = (await store.HistoryAsync(year, serviceId, ct)).FirstOrDefault(e => e.Revision == revision);
        return entry is null
            ? Problems.NotFound($"Service {serviceId}'s {year} return has no revision {revision}.")
            : new JsonResponse(StatusCodes.Status200OK, RevisionDocument.From(entry, await definitions.FindAsync(year, ct), withValues: true));
    }
}
