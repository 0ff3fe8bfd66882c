using System.Security.Cryptography;
using Azure.Data.Tables;

namespace Pps.Core.Storage;

/// <summary>A member of NPPN's staff's own credential as stored: never the token, only its SHA-256.</summary>
public sealed record StaffCredential(string Id, string Name, DateTimeOffset IssuedAt, string IssuedBy, DateTimeOffset? RevokedAt, string? RevokedBy)
{
    public bool IsRevoked => RevokedAt is not null;
}

/// <summary>A staff credential just issued: the token is shown this once and never stored.</summary>
public sealed record IssuedStaffCredential(StaffCredential Credential, string Token);

/// <summary>
/// NPPN's staff credentials, one per person, in the Credentials table beside the services' (partition "staff", row = the
/// credential id). A token reads "ppsn_{id}_{secret}": the id finds the row with one point read, the row holds only the
/// SHA-256 of the whole token, compared in constant time (<see cref="CredentialStore.HashesEqual"/>). Unlike a service's,
/// a staff credential is read on every request and never kept in memory: staff make few requests, and a revocation
/// takes effect on every instance at once.
/// </summary>
public sealed class StaffCredentialStore(PpsStorage storage)
{
    private const string Partition = "staff";
    private const string TokenPrefix = "ppsn_";

    /// <summary>The most characters a name may have (it is what the audit records for each change the person makes).</summary>
    public const int MaxNameLength = 100;

    public async Task<IssuedStaffCredential> IssueAsync(string name, string issuedBy, DateTimeOffset now, CancellationToken ct = default)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var token = $"{TokenPrefix}{id}_{secret}";
        await storage.Credentials.AddEntityAsync(new TableEntity(Partition, id)
        {
            ["TokenSha256"] = CredentialStore.Sha256Hex(token),
            ["Name"] = name,
            ["IssuedAt"] = now,
            ["IssuedBy"] = issuedBy,
        }, ct);
        return new IssuedStaffCredential(new StaffCredential(id, name, now, issuedBy, null, null), token);
    }

    /// <summary>Whether the token has the shape of a staff token (so it is never looked up as a service's).</summary>
    public static bool IsStaffToken(string token) => token.StartsWith(TokenPrefix, StringComparison.Ordinal);

    /// <summary>The live staff credential the token belongs to; null for an unknown, malformed or revoked token.</summary>
    public async Task<StaffCredential?> FindByTokenAsync(string token, CancellationToken ct = default)
    {
        if (!IsStaffToken(token)) return null;
        var rest = token[TokenPrefix.Length..];
        var end = rest.IndexOf('_', StringComparison.Ordinal);
        if (end <= 0 || !IsId(rest[..end])) return null;
        var response = await storage.Credentials.GetEntityIfExistsAsync<TableEntity>(Partition, rest[..end], cancellationToken: ct);
        if (!response.HasValue) return null;
        if (!CredentialStore.HashesEqual(CredentialStore.Sha256Hex(token), response.Value!.GetString("TokenSha256") ?? "")) return null;
        var credential = FromEntity(response.Value!);
        return credential.IsRevoked ? null : credential;
    }

    /// <summary>Every staff credential (revoked ones too, for the record), newest first.</summary>
    public async Task<IReadOnlyList<StaffCredential>> ListAsync(CancellationToken ct = default)
    {
        var list = new List<StaffCredential>();
        await foreach (var e in storage.Credentials.QueryAsync<TableEntity>(x => x.PartitionKey == Partition, cancellationToken: ct)) list.Add(FromEntity(e));
        return list.OrderByDescending(c => c.IssuedAt).ThenBy(c => c.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>Whether any member of staff has a live credential: from then on the configured admin token no longer signs in.</summary>
    public async Task<bool> AnyLiveAsync(CancellationToken ct = default)
    {
        await foreach (var e in storage.Credentials.QueryAsync<TableEntity>(x => x.PartitionKey == Partition, select: ["RevokedAt"], cancellationToken: ct))
        {
            if (e.GetDateTimeOffset("RevokedAt") is null) return true;
        }
        return false;
    }

    /// <summary>Revokes the credential (it stays for the record, with who revoked it); null when there is no such id.</summary>
    public async Task<StaffCredential?> RevokeAsync(string id, string revokedBy, DateTimeOffset now, CancellationToken ct = default)
    {
        if (!IsId(id)) return null;
        var response = await storage.Credentials.GetEntityIfExistsAsync<TableEntity>(Partition, id, cancellationToken: ct);
        if (!response.HasValue) return null;
        var existing = FromEntity(response.Value!);
        if (existing.IsRevoked) return existing;
        await storage.Credentials.UpdateEntityAsync(new TableEntity(Partition, id) { ["RevokedAt"] = now, ["RevokedBy"] = revokedBy },
            Azure.ETag.All, TableUpdateMode.Merge, ct);
        return existing with { RevokedAt = now, RevokedBy = revokedBy };
    }

    private static bool IsId(string id) => id.Length == 16 && id.All(char.IsAsciiHexDigitLower);

    private static StaffCredential FromEntity(TableEntity e) => new(
        e.RowKey, e.GetString("Name") ?? "", e.GetDateTimeOffset("IssuedAt") ?? default, e.GetString("IssuedBy") ?? "",
        e.GetDateTimeOffset("RevokedAt"), e.GetString("RevokedBy"));
}
