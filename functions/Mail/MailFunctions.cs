using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Pps.Core.Catalogue;
using Pps.Core.Definition;
using Pps.Core.Mail;
using Pps.Functions.Http;

namespace Pps.Functions.Mail;

public sealed class ContactRequest
{
    public string? Name { get; set; }
    public string? Email { get; set; }
}

public sealed class MailBatchRequest
{
    /// <summary>The services to mail; every service of the year when left out.</summary>
    public IReadOnlyList<int>? ServiceIds { get; set; }
    /// <summary>NPPN's own words in a chase.</summary>
    public string? Note { get; set; }
    /// <summary>NPPN's label for the credentials a sign-in request issues.</summary>
    public string? Label { get; set; }
}

public sealed class ReminderScheduleRequest
{
    public IReadOnlyList<int>? DaysBefore { get; set; }
}

public sealed record ReminderScheduleDocument(int Year, IReadOnlyList<int> DaysBefore);

/// <summary>
/// NPPN's mail: each service's contacts (the only place their addresses are kept), chase emails from the chase list,
/// sign-in links, each year's reminder schedule, what was sent, and the poison queue put back after the mail server is
/// mended. Everything here is NPPN-only; mail itself leaves through the outbox (SendMail), never from a request.
/// </summary>
public sealed class MailFunctions(ContactStore contacts, MailRequests requests, MailLedger ledger, MailOutbox outbox, ServiceCatalogue services, PpsAuthenticator auth, TimeProvider clock)
{
    [Function("ListContacts")]
    public async Task<IActionResult> ListContacts(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "services/{serviceId:int}/contacts")] HttpRequest request, int serviceId, CancellationToken ct)
    {
        var access = await auth.ForNppnAsync(request, ct);
        if (access.Caller is null) return access.Denied!;
        if (!services.IsKnown(serviceId)) return Problems.NotFound($"There is no service {serviceId}.");
        return NoStore(StatusCodes.Status200OK, await contacts.ListAsync(serviceId, ct));
    }

    [Function("AddContact")]
    public Task<IActionResult> AddContact(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "services/{serviceId:int}/contacts")] HttpRequest request, int serviceId, CancellationToken ct) =>
        SaveContactAsync(request, serviceId, null, ct);

    [Function("UpdateContact")]
    public Task<IActionResult> UpdateContact(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "services/{serviceId:int}/contacts/{id}")] HttpRequest request, int serviceId, string id, CancellationToken ct) =>
        SaveContactAsync(request, serviceId, id, ct);

    [Function("DeleteContact")]
    public async Task<IActionResult> DeleteContact(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "services/{serviceId:int}/contacts/{id}")] HttpRequest request, int serviceId, string id, CancellationToken ct)
    {
        var access = await auth.ForNppnAsync(request, ct);
        if (access.Caller is null) return access.Denied!;
        return await contacts.GetAsync(serviceId, id, ct) is null
            ? Problems.NotFound($"Service {serviceId} has no contact {id}.")
            : await contacts.DeleteAsync(serviceId, id, ct) ? new JsonResponse(StatusCodes.Status204NoContent, null) : Problems.NotFound($"Service {serviceId} has no contact {id}.");
    }

    private async Task<IActionResult> SaveContactAsync(HttpRequest request, int serviceId, string? id, CancellationToken ct)
    {
        var access = await auth.ForNppnAsync(request, ct);
        if (access.Caller is not { } caller) return access.Denied!;
        if (!services.IsKnown(serviceId)) return Problems.NotFound($"There is no service {serviceId}.");
        if (id is not null && await contacts.GetAsync(serviceId, id, ct) is null) return Problems.NotFound($"Service {serviceId} has no contact {id}.");
        var body = await RequestBody.ReadJsonAsync<ContactRequest>(request, ct: ct);
        if (body.Value is not { } contact) return body.Failure!;
        var problems = ContactStore.Problems(contact.Name, contact.Email);
        if (problems.Count > 0) return Problems.Invalid("The contact was not saved.", problems);
        if (id is null && (await contacts.ListAsync(serviceId, ct)).Count >= ContactStore.MaxPerService)
        {
            return Problems.Conflict($"Service {serviceId} has {ContactStore.MaxPerService} contacts already, the most it may have; remove one first.");
        }
        var saved = await contacts.SaveAsync(serviceId, id, contact.Name!, contact.Email!, caller.Actor.Id, clock.GetUtcNow(), ct);
        return saved is null
            ? Problems.NotFound($"Service {serviceId} has no contact {id}.")
            : NoStore(id is null ? StatusCodes.Status201Created : StatusCodes.Status200OK, saved)
                .WithHeader("Location", id is null ? $"/api/services/{serviceId}/contacts/{saved.Id}" : null);
    }

    /// <summary>202: a chase email is queued for each service named (each with a contact); the response lists the ones without.</summary>
    [Function("ChaseServices")]
    public async Task<IActionResult> Chase(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "years/{year:int}/chase")] HttpRequest request, int year, CancellationToken ct)
    {
        var access = await auth.ForNppnAsync(request, ct);
        if (access.Caller is null) return access.Denied!;
        var body = await RequestBody.ReadJsonAsync<MailBatchRequest>(request, ct: ct);
        if (body.Value is not { } batch) return body.Failure!;
        if (batch.Label is not null) return Problems.Invalid("Nothing was sent.", [ValidationIssue.Error("label", "not-allowed", "A chase has no label; give a note instead.")]);
        return Result(await requests.ChaseAsync(year, batch.ServiceIds, batch.Note, ct));
    }

    /// <summary>
    /// 202: for each service named (every service of the year when none is), a new credential is issued when its mail is
    /// sent and mailed to the service's contacts as a link to the form. The token is never in the response.
    /// </summary>
    [Function("SendSignInLinks")]
    public async Task<IActionResult> SignInLinks(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "years/{year:int}/sign-in-links")] HttpRequest request, int year, CancellationToken ct)
    {
        var access = await auth.ForNppnAsync(request, ct);
        if (access.Caller is null) return access.Denied!;
        var body = await RequestBody.ReadJsonAsync<MailBatchRequest>(request, ct: ct);
        if (body.Value is not { } batch) return body.Failure!;
        if (batch.Note is not null) return Problems.Invalid("Nothing was sent.", [ValidationIssue.Error("note", "not-allowed", "A sign-in link carries no note; give a label for the credentials instead.")]);
        return Result(await requests.SignInLinksAsync(year, batch.ServiceIds, batch.Label, access.Caller.Actor, ct));
    }

    [Function("GetReminderSchedule")]
    public async Task<IActionResult> GetReminders(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "years/{year:int}/reminders")] HttpRequest request, int year, CancellationToken ct)
    {
        var access = await auth.ForNppnAsync(request, ct);
        if (access.Caller is null) return access.Denied!;
        return NoStore(StatusCodes.Status200OK, new ReminderScheduleDocument(year, await requests.ReminderScheduleAsync(year, ct)));
    }

    /// <summary>The year's reminder schedule: days before the closing date, e.g. {"daysBefore": [14, 7, 1]}.</summary>
    [Function("SetReminderSchedule")]
    public async Task<IActionResult> SetReminders(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "years/{year:int}/reminders")] HttpRequest request, int year, CancellationToken ct)
    {
        var access = await auth.ForNppnAsync(request, ct);
        if (access.Caller is null) return access.Denied!;
        var body = await RequestBody.ReadJsonAsync<ReminderScheduleRequest>(request, ct: ct);
        if (body.Value is not { } schedule) return body.Failure!;
        return await requests.SetReminderScheduleAsync(year, schedule.DaysBefore, ct) is { } refused
            ? Result(refused)
            : NoStore(StatusCodes.Status200OK, new ReminderScheduleDocument(year, await requests.ReminderScheduleAsync(year, ct)));
    }

    /// <summary>What the outbox did for a year: each mail's key, kind, service, state and deliveries (never an address or a text).</summary>
    [Function("ListMail")]
    public async Task<IActionResult> ListMail(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "years/{year:int}/mail")] HttpRequest request, int year, CancellationToken ct)
    {
        var access = await auth.ForNppnAsync(request, ct);
        if (access.Caller is null) return access.Denied!;
        var rows = await ledger.ListAsync(year, ct);
        return NoStore(StatusCodes.Status200OK, rows.Select(r => new { r.Key, r.Kind, r.Year, r.ServiceId, State = r.State.ToString(), r.At, r.Deliveries, r.Recipients, r.Error }).ToList());
    }

    /// <summary>Puts every message of the poison queue back on the outbox (once the mail server works again); the ledger keeps each to one mail.</summary>
    [Function("RequeueDeadMail")]
    public async Task<IActionResult> Requeue(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "mail/dead-letters/requeue")] HttpRequest request, CancellationToken ct)
    {
        var access = await auth.ForNppnAsync(request, ct);
        if (access.Caller is null) return access.Denied!;
        return NoStore(StatusCodes.Status200OK, new { requeued = await outbox.RequeueDeadLettersAsync(ct) });
    }

    private static IActionResult Result(MailRequestOutcome outcome) => outcome switch
    {
        MailRequestOutcome.Queued q => NoStore(StatusCodes.Status202Accepted, q.Result),
        MailRequestOutcome.Invalid i => Problems.Invalid(i.Summary, i.Problems),
        MailRequestOutcome.NotFound n => Problems.NotFound(n.Message),
        MailRequestOutcome.Refused r => Problems.Conflict(r.Message),
        _ => throw new InvalidOperationException(outcome.GetType().Name),
    };

    private static JsonResponse NoStore(int status, object body) => new JsonResponse(status, body).WithHeader("Cache-Control", "no-store");
}
