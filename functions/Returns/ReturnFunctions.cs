using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Pps.Core.Definition;
using Pps.Core.Returns;
using Pps.Functions.Http;
using Pps.Core.Catalogue;

namespace Pps.Functions.Returns;

/// <summary>
/// A service's return over HTTP: read it (with last year's beside it), save a draft, submit it; NPPN may also
/// reopen it. Anonymous at the host: <see cref="PpsAuthenticator"/> checks the bearer token (see there why).
/// </summary>
public sealed class ReturnFunctions(ReturnService returns, IDefinitionCatalog definitions, ServiceCatalogue services, PpsAuthenticator auth)
{
    private const string ReturnRoute = "returns/{year:int}/{serviceId:int}";

    [Function("GetReturn")]
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ReturnRoute)] HttpRequest request, int year, int serviceId, CancellationToken ct)
    {
        var access = await auth.ForServiceAsync(request, year, serviceId, ct);
        if (access.Caller is not { } caller) return access.Denied!;
        return await ReturnResults.FromAsync(await returns.ReadAsync(caller.Actor, year, serviceId, ct), null, definitions, services, ct);
    }

    /// <summary>Saves a draft: the whole set of answers as they should be now; a partial return is fine.</summary>
    [Function("SaveReturnDraft")]
    public async Task<IActionResult> SaveDraft(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = ReturnRoute)] HttpRequest request, int year, int serviceId, CancellationToken ct)
    {
        var access = await auth.ForServiceAsync(request, year, serviceId, ct);
        if (access.Caller is not { } caller) return access.Denied!;
        var body = await RequestBody.ReadJsonAsync<SaveReturnRequest>(request, ct: ct);
        if (body.Value is not { } save) return body.Failure!;
        if (save.Values is null) return Problems.BadRequest("The body needs \"values\": an object of field id to answer.");
        var (raw, problems) = ReturnJson.ToRaw(await definitions.FindAsync(year, ct), save.Values);
        if (problems.Count > 0) return Problems.Invalid($"{problems.Count} field(s) need correcting; nothing was saved.", problems);
        var ifMatch = ReturnResults.IfMatch(request);
        var change = new ReturnChange(year, serviceId, raw, save.ConfirmedWarnings ?? [], ifMatch, save.Reason, save.SourceOf(caller.Actor));
        return await ReturnResults.FromAsync(await returns.SaveDraftAsync(caller.Actor, change, ct), ifMatch, definitions, services, ct);
    }

    /// <summary>Submits the return as final: with a body, those answers; without one, the stored draft as it is.</summary>
    [Function("SubmitReturn")]
    public async Task<IActionResult> Submit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ReturnRoute + "/submit")] HttpRequest request, int year, int serviceId, CancellationToken ct)
    {
        var access = await auth.ForServiceAsync(request, year, serviceId, ct);
        if (access.Caller is not { } caller) return access.Denied!;
        var body = await RequestBody.ReadJsonAsync<SaveReturnRequest>(request, optional: true, ct);
        if (body.Failure is not null) return body.Failure;
        var ifMatch = ReturnResults.IfMatch(request);
        var submit = body.Value ?? new SaveReturnRequest();
        if (submit.Values is null)
        {
            return await ReturnResults.FromAsync(
                await returns.SubmitStoredAsync(caller.Actor, year, serviceId, ifMatch, submit.ConfirmedWarnings ?? [], submit.Reason, submit.SourceOf(caller.Actor), ct),
                ifMatch, definitions, services, ct);
        }
        var (raw, problems) = ReturnJson.ToRaw(await definitions.FindAsync(year, ct), submit.Values);
        if (problems.Count > 0) return Problems.Invalid($"{problems.Count} field(s) need correcting; nothing was saved.", problems);
        var change = new ReturnChange(year, serviceId, raw, submit.ConfirmedWarnings ?? [], ifMatch, submit.Reason, submit.SourceOf(caller.Actor));
        return await ReturnResults.FromAsync(await returns.SubmitAsync(caller.Actor, change, ct), ifMatch, definitions, services, ct);
    }

    /// <summary>NPPN turns a submitted or locked return back into a draft, giving a reason.</summary>
    [Function("ReopenReturn")]
    public async Task<IActionResult> Reopen(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ReturnRoute + "/reopen")] HttpRequest request, int year, int serviceId, CancellationToken ct)
    {
        var access = await auth.ForNppnAsync(request, ct);
        if (access.Caller is not { } caller) return access.Denied!;
        var body = await RequestBody.ReadJsonAsync<ReasonRequest>(request, optional: true, ct);
        if (body.Failure is not null) return body.Failure;
        var ifMatch = ReturnResults.IfMatch(request);
        return await ReturnResults.FromAsync(await returns.ReopenAsync(caller.Actor, year, serviceId, ifMatch, body.Value?.Reason, ct), ifMatch, definitions, services, ct);
    }
}
