using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Pps.Core.Catalogue;
using Pps.Core.Definition;
using Pps.Core.Storage;
using Pps.Functions.Http;

namespace Pps.Functions.Admin;

public sealed class IssueCredentialRequest
{
    public int? ServiceId { get; set; }
    public int? Year { get; set; }
    /// <summary>Who or what it is for ("PPS officer's form"), for NPPN's records.</summary>
    public string? Label { get; set; }
}

public sealed record CredentialDocument(string Id, int ServiceId, int Year, DateTimeOffset IssuedAt, string IssuedBy, DateTimeOffset? RevokedAt, string? Label, string? Token)
{
    public static CredentialDocument From(Credential c, string? token = null) =>
        new(c.Id, c.ServiceId, c.Year, c.IssuedAt, c.IssuedBy, c.RevokedAt, c.Label, token);
}

/// <summary>Who a token belongs to: "nppn", or a service and the collection year of its credential.</summary>
public sealed record CallerDocument(string Id, bool Nppn, int? ServiceId, string? ServiceName, int? Year)
{
    /// <summary>The member of NPPN's staff signed in with their own credential; null for the configured admin token and services.</summary>
    public string? StaffName { get; init; }

    /// <summary>That member of staff's credential id (the console does not offer to revoke one's own).</summary>
    public string? StaffCredentialId { get; init; }
}

/// <summary>NPPN issues a service an access token for one collection year, and revokes it.</summary>
public sealed class CredentialFunctions(CredentialStore credentials, ServiceCatalogue services, PpsAuthenticator auth, TimeProvider clock)
{
    /// <summary>201 with the token: it is shown this once (only its hash is stored).</summary>
    [Function("IssueCredential")]
    public async Task<IActionResult> Issue(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "credentials")] HttpRequest request, CancellationToken ct)
    {
        var access = await auth.ForNppnAsync(request, ct);
        if (access.Caller is not { } caller) return access.Denied!;
        var body = await RequestBody.ReadJsonAsync<IssueCredentialRequest>(request, ct: ct);
        if (body.Value is not { } issue) return body.Failure!;
        var problems = new List<ValidationIssue>();
        if (issue.ServiceId is not { } serviceId || !services.IsKnown(serviceId))
        {
            problems.Add(ValidationIssue.Error("serviceId", "unknown", $"Give the id of a service in the register ({issue.ServiceId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"} given)."));
        }
        if (issue.Year is not (>= 2000 and <= 2100))
        {
            problems.Add(ValidationIssue.Error("year", "range", "Give the collection year the token is for, such as 2013."));
        }
        if (issue.Label?.Length > 200) problems.Add(ValidationIssue.Error("label", "length", "The label may be at most 200 characters."));
        if (problems.Count > 0) return Problems.Invalid("Nothing was issued.", problems);

        var issued = await credentials.IssueAsync(issue.ServiceId!.Value, issue.Year!.Value, caller.Actor.Id, clock.GetUtcNow(), issue.Label, ct);
        return new JsonResponse(StatusCodes.Status201Created, CredentialDocument.From(issued.Credential, issued.Token))
            .WithHeader("Location", $"/api/credentials/{issued.Credential.Id}")
            .WithHeader("Cache-Control", "no-store");
    }

    /// <summary>
    /// Who the token belongs to: NPPN, or one service and the year its credential is for. The form signs in
    /// with a token alone and learns from this which return to open.
    /// </summary>
    [Function("WhoAmI")]
    public async Task<IActionResult> Me(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me")] HttpRequest request, CancellationToken ct)
    {
        var access = await auth.AuthenticateAsync(request, ct);
        if (access.Caller is not { } caller) return access.Denied!;
        var service = caller.Actor.ServiceId is { } id ? services.Find(id) : null;
        return new JsonResponse(StatusCodes.Status200OK, new CallerDocument(caller.Actor.Id, caller.Actor.IsNppn, caller.Actor.ServiceId, service?.Name, caller.Year) { StaffName = caller.Actor.StaffName, StaffCredentialId = caller.Actor.StaffName is null ? null : caller.CredentialId })
            .WithHeader("Cache-Control", "no-store");
    }

    /// <summary>The credentials issued (never their tokens), newest first; "?year=2013&amp;serviceId=42" narrows the list.</summary>
    [Function("ListCredentials")]
    public async Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "credentials")] HttpRequest request, CancellationToken ct)
    {
        var access = await auth.ForNppnAsync(request, ct);
        if (access.Caller is null) return access.Denied!;
        var problems = new List<ValidationIssue>();
        int? Number(string name)
        {
            var text = request.Query[name].ToString();
            if (text.Length == 0) return null;
            if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)) return n;
            problems.Add(ValidationIssue.Error(name, "type", $"{name} must be a whole number (\"{text}\" given)."));
            return null;
        }
        var year = Number("year");
        var serviceId = Number("serviceId");
        if (problems.Count > 0) return Problems.Invalid("The filter needs correcting.", problems);
        var list = await credentials.ListAsync(year, serviceId, ct);
        return new JsonResponse(StatusCodes.Status200OK, list.Select(c => CredentialDocument.From(c)).ToList()).WithHeader("Cache-Control", "no-store");
    }

    [Function("RevokeCredential")]
    public async Task<IActionResult> Revoke(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "credentials/{id}")] HttpRequest request, string id, CancellationToken ct)
    {
        var access = await auth.ForNppnAsync(request, ct);
        if (access.Caller is null) return access.Denied!;
        var revoked = await credentials.RevokeAsync(id, clock.GetUtcNow(), ct);
        return revoked is null
            ? Problems.NotFound($"There is no credential {id}.")
            : new JsonResponse(StatusCodes.Status200OK, CredentialDocument.From(revoked));
    }
}
