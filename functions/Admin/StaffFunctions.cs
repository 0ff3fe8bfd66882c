using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Pps.Core.Definition;
using Pps.Core.Storage;
using Pps.Functions.Http;

namespace Pps.Functions.Admin;

public sealed class IssueStaffRequest
{
    /// <summary>The person's name, as the audit will record each change they make.</summary>
    public string? Name { get; set; }
}

public sealed record StaffDocument(string Id, string Name, DateTimeOffset IssuedAt, string IssuedBy, DateTimeOffset? RevokedAt, string? RevokedBy, string? Token)
{
    public static StaffDocument From(StaffCredential c, string? token = null) => new(c.Id, c.Name, c.IssuedAt, c.IssuedBy, c.RevokedAt, c.RevokedBy, token);
}

/// <summary>
/// NPPN's staff, each with an own credential: issued and revoked by another member of staff (the first by the configured
/// admin token, which then no longer signs in), so that the audit names the person behind every change.
/// </summary>
public sealed class StaffFunctions(StaffCredentialStore staff, PpsAuthenticator auth, TimeProvider clock)
{
    /// <summary>201 with the token: shown this once (only its hash is stored).</summary>
    [Function("IssueStaffCredential")]
    public async Task<IActionResult> Issue(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "staff")] HttpRequest request, CancellationToken ct)
    {
        var access = await auth.ForNppnAsync(request, ct);
        if (access.Caller is not { } caller) return access.Denied!;
        var body = await RequestBody.ReadJsonAsync<IssueStaffRequest>(request, ct: ct);
        if (body.Value is not { } issue) return body.Failure!;
        var name = issue.Name?.Trim() ?? "";
        var problem = !FreeText.HasVisible(name) ? "Give the person's name: the audit records it beside every change they make."
            : name.Length > StaffCredentialStore.MaxNameLength ? $"The name may be at most {StaffCredentialStore.MaxNameLength} characters ({name.Length} given)."
            : name.Any(char.IsControl) ? "The name may not contain control characters such as line breaks."
            : null;
        if (problem is not null) return Problems.Invalid("Nothing was issued.", [ValidationIssue.Error("name", "name", problem)]);
        var issued = await staff.IssueAsync(name, caller.Actor.Id, clock.GetUtcNow(), ct);
        return new JsonResponse(StatusCodes.Status201Created, StaffDocument.From(issued.Credential, issued.Token))
            .WithHeader("Location", $"/api/staff/{issued.Credential.Id}");
    }

    /// <summary>Every staff credential (never a token), revoked ones too, newest first.</summary>
    [Function("ListStaffCredentials")]
    public async Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "staff")] HttpRequest request, CancellationToken ct)
    {
        var access = await auth.ForNppnAsync(request, ct);
        if (access.Caller is null) return access.Denied!;
        return new JsonResponse(StatusCodes.Status200OK, (await staff.ListAsync(ct)).Select(c => StaffDocument.From(c)).ToList());
    }

    /// <summary>Revokes a member of staff's credential at once, on every instance; never one's own (another member of staff does it).</summary>
    [Function("RevokeStaffCredential")]
    public async Task<IActionResult> Revoke(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "staff/{id}")] HttpRequest request, string id, CancellationToken ct)
    {
        var access = await auth.ForNppnAsync(request, ct);
        if (access.Caller is not { } caller) return access.Denied!;
        if (caller.CredentialId == id) return Problems.Conflict("You cannot revoke your own credential: another member of NPPN's staff does that.");
        var revoked = await staff.RevokeAsync(id, caller.Actor.Id, clock.GetUtcNow(), ct);
        return revoked is null
            ? Problems.NotFound($"There is no staff credential {id}.")
            : new JsonResponse(StatusCodes.Status200OK, StaffDocument.From(revoked));
    }
}
