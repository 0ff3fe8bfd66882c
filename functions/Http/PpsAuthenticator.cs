using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Pps.Core.Returns;
using Pps.Core.Storage;

namespace Pps.Functions.Http;

/// <summary>Settings of the API's own authentication ("Pps" section).</summary>
public sealed class ApiAuthOptions
{
    /// <summary>SHA-256 (64 hex characters) of NPPN's admin token ("Pps__AdminTokenSha256"); required: the app does not start without it.</summary>
    public string AdminTokenSha256 { get; set; } = "";

    /// <summary>SHA-256 of the empty string: configured as the admin hash, it would make an empty token NPPN's.</summary>
    public const string EmptyStringSha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
}

/// <summary>Stops the app at start when the admin-token hash is missing or not a SHA-256 in hex.</summary>
public sealed class ApiAuthOptionsValidator : IValidateOptions<ApiAuthOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiAuthOptions options)
    {
        var hash = (options.AdminTokenSha256 ?? "").Trim();
        if (hash.Length == 0)
        {
            return ValidateOptionsResult.Fail(
                "Pps__AdminTokenSha256 is not set: it must be the SHA-256 (64 hex characters) of NPPN's admin token, e.g. from `printf %s \"$TOKEN\" | sha256sum`.");
        }
        if (string.Equals(hash, ApiAuthOptions.EmptyStringSha256, StringComparison.OrdinalIgnoreCase))
        {
            return ValidateOptionsResult.Fail(
                "Pps__AdminTokenSha256 is the SHA-256 of the empty string: an empty token would be NPPN's. Set the hash of a real token.");
        }
        return hash.Length == 64 && hash.All(char.IsAsciiHexDigit)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"Pps__AdminTokenSha256 is not a SHA-256 in hex: it has {hash.Length} characters{(hash.All(char.IsAsciiHexDigit) ? "" : " and some are not hex digits")}; it must be 64 hex characters.");
    }
}

/// <summary>Who is calling: NPPN, or one service through a credential scoped to one collection year.</summary>
public sealed record Caller(Actor Actor, int? Year, string? CredentialId);

/// <summary>The caller, or the 401/403 response that refuses it.</summary>
public sealed record AuthResult(Caller? Caller, JsonResponse? Denied);

/// <summary>
/// Every function is AuthorizationLevel.Anonymous and checks a bearer token here instead: a function key
/// grants a whole function to whoever holds it and cannot say which service it belongs to, but a service
/// may only ever reach its own return for its own year. Service tokens are looked up in the Credentials
/// table (stored as hashes); NPPN's admin token is compared, as a SHA-256, in constant time with the
/// configured hash.
/// </summary>
public sealed class PpsAuthenticator(CredentialStore credentials, IOptions<ApiAuthOptions> options, StaffCredentialStore? staff = null)
{
    private readonly string _adminHash = (options.Value.AdminTokenSha256 ?? "").Trim();

    public async Task<AuthResult> AuthenticateAsync(HttpRequest request, CancellationToken ct = default)
    {
        // Every answer to an authenticated route is one caller's (a return, a token, a refusal): no cache, shared or
        // the browser's, may keep it. Set here because every such route comes through here first.
        request.HttpContext.Response.Headers.CacheControl = "no-store";
        var header = request.Headers.Authorization.ToString();
        if (string.IsNullOrWhiteSpace(header))
        {
            return Deny(Problems.Unauthorized("Send the access token NPPN issued to your service as \"Authorization: Bearer <token>\"."));
        }
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) || header.Length == scheme.Length)
        {
            return Deny(Problems.Unauthorized("The Authorization header must read \"Bearer <token>\"."));
        }
        var token = header[scheme.Length..].Trim();
        if (!Pps.Core.Definition.FreeText.HasVisible(token) || token.Any(char.IsWhiteSpace))
        {
            return Deny(Problems.Unauthorized("The Authorization header must read \"Bearer <token>\"; no token was given."));
        }
        if (_adminHash.Length == 64 && CredentialStore.HashesEqual(CredentialStore.Sha256Hex(token), _adminHash))
        {
            // The configured token only bootstraps NPPN's staff: once a member of staff has a live credential of their own,
            // every change must name its person, so the shared token no longer signs in (it does again if all are revoked).
            if (staff is not null && await staff.AnyLiveAsync(ct))
            {
                return Deny(Problems.Unauthorized("The configured admin token only sets up the first member of NPPN's staff, and staff credentials exist now: sign in with your own."));
            }
            return new AuthResult(new Caller(Actor.Nppn, null, null), null);
        }
        if (StaffCredentialStore.IsStaffToken(token))
        {
            var member = staff is null ? null : await staff.FindByTokenAsync(token, ct);
            return member is null
                ? Deny(Problems.Unauthorized("This staff credential is not known or has been revoked. Ask another member of NPPN's staff for a new one."))
                : new AuthResult(new Caller(Actor.ForStaff(member.Name), null, member.Id), null);
        }
        var credential = await credentials.FindByTokenAsync(token, ct);
        return credential is null
            ? Deny(Problems.Unauthorized("This access token is not known or has been revoked. Ask NPPN for a new one."))
            : new AuthResult(new Caller(Actor.ForService(credential.ServiceId), credential.Year, credential.Id), null);
    }

    /// <summary>NPPN, or the service itself with a credential for that year.</summary>
    public async Task<AuthResult> ForServiceAsync(HttpRequest request, int year, int serviceId, CancellationToken ct = default)
    {
        var result = await AuthenticateAsync(request, ct);
        if (result.Caller is not { } caller || caller.Actor.IsNppn) return result;
        if (caller.Actor.ServiceId != serviceId)
        {
            return Deny(Problems.Forbidden($"This access token belongs to service {caller.Actor.ServiceId}; it cannot reach service {serviceId}'s return."));
        }
        return caller.Year == year
            ? result
            : Deny(Problems.Forbidden($"This access token is for the {caller.Year} collection, not {year}."));
    }

    /// <summary>NPPN, or any service with a credential for that year (what every service may read, such as the window).</summary>
    public async Task<AuthResult> ForYearAsync(HttpRequest request, int year, CancellationToken ct = default)
    {
        var result = await AuthenticateAsync(request, ct);
        if (result.Caller is not { } caller || caller.Actor.IsNppn || caller.Year == year) return result;
        return Deny(Problems.Forbidden($"This access token is for the {caller.Year} collection, not {year}."));
    }

    public async Task<AuthResult> ForNppnAsync(HttpRequest request, CancellationToken ct = default)
    {
        var result = await AuthenticateAsync(request, ct);
        if (result.Caller is not { } caller || caller.Actor.IsNppn) return result;
        return Deny(Problems.Forbidden("Only NPPN can do this; a service's access token cannot."));
    }

    private static AuthResult Deny(JsonResponse response) => new(null, response);
}
