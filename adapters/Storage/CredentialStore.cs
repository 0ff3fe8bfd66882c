using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;

namespace Pps.Core.Storage;

/// <summary>A service's access credential as stored: never the token itself, only its SHA-256.</summary>
public sealed record Credential(
    string Id,
    int ServiceId,
    int Year,
    DateTimeOffset IssuedAt,
    string IssuedBy,
    DateTimeOffset? RevokedAt,
    string? Label)
{
    public bool IsRevoked => RevokedAt is not null;
}

/// <summary>A credential just issued: the token is shown this once and never stored.</summary>
public sealed record IssuedCredential(Credential Credential, string Token);

/// <summary>
/// Access tokens NPPN issues to services, in the Credentials table (partition "credential", row = the
/// credential id). A token reads "pps_{id}_{secret}": the id is public and finds the row with one point
/// read; the row holds only the SHA-256 of the whole token, which is compared in constant time. Each
/// credential is scoped to one service and one collection year, and can be revoked.
/// <para>
/// A live credential found by its token is kept in this process for <see cref="CacheTimeToLive"/> (keyed by the token's
/// SHA-256, never the token), since every request of a service reads it. Revoking it here forgets it at once. Every
/// revocation also replaces one row, the revocation generation (partition "revocation"), and each instance reads that row
/// at most once per <see cref="RevocationCheckInterval"/>, before it lets a kept credential in: when it changed, the
/// instance forgets every credential it kept. So a token revoked through another instance works on this one for at most
/// <see cref="RevocationCheckInterval"/>, at the cost of one storage read per instance per interval, not one per request.
/// </para>
/// </summary>
public sealed class CredentialStore
{
    private const string Partition = "credential";
    private const string TokenPrefix = "pps_";
    private const string RevocationPartition = "revocation";
    private const string RevocationRow = "generation";

    /// <summary>How long a credential found by its token is kept without reading it again (unless a revocation is seen first).</summary>
    public static readonly TimeSpan CacheTimeToLive = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest a revocation made through another instance takes to reach this one: how long a check of the revocation
    /// generation is trusted. docs/storage.md states it.
    /// </summary>
    public static readonly TimeSpan RevocationCheckInterval = TimeSpan.FromSeconds(2);

    private readonly PpsStorage _storage;
    private readonly TimeProvider _clock;
    private readonly RecentCache<string, Credential?> _byTokenHash;
    private readonly Lock _gate = new();
    private Task? _checking;
    private DateTimeOffset _checkedUntil = DateTimeOffset.MinValue;
    private string? _generation;
    private long _checks;

    public CredentialStore(PpsStorage storage, TimeProvider? clock = null)
    {
        _storage = storage;
        _clock = clock ?? TimeProvider.System;
        _byTokenHash = new(CacheTimeToLive, _clock);
    }

    /// <summary>How many times this instance has read the revocation generation (one per interval at most, not one per request).</summary>
    public long RevocationChecks => Interlocked.Read(ref _checks);

    public async Task<IssuedCredential> IssueAsync(int serviceId, int year, string issuedBy, DateTimeOffset now, string? label = null, CancellationToken ct = default)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        var token = $"{TokenPrefix}{id}_{secret}";
        var credential = new Credential(id, serviceId, year, now, issuedBy, null, label);
        await _storage.Credentials.AddEntityAsync(new TableEntity(Partition, id)
        {
            ["TokenSha256"] = Sha256Hex(token),
            ["ServiceId"] = serviceId,
            ["Year"] = year,
            ["IssuedAt"] = now,
            ["IssuedBy"] = issuedBy,
            ["Label"] = label,
        }, ct);
        return new IssuedCredential(credential, token);
    }

    /// <summary>
    /// The live credential the token belongs to; null for an unknown, malformed or revoked token. A live one is kept for
    /// <see cref="CacheTimeToLive"/> (see the class remarks); an unknown or revoked one is read again every time.
    /// </summary>
    public async Task<Credential?> FindByTokenAsync(string token, CancellationToken ct = default)
    {
        var id = IdOf(token);
        if (id is null) return null;
        var hash = Sha256Hex(token);
        await SeeRevocationsAsync(ct);
        return await _byTokenHash.GetOrReadAsync(hash, async ct =>
        {
            var response = await _storage.Credentials.GetEntityIfExistsAsync<TableEntity>(Partition, id, cancellationToken: ct);
            if (!response.HasValue) return null;
            var entity = response.Value!;
            if (!HashesEqual(hash, entity.GetString("TokenSha256") ?? "")) return null;
            var credential = FromEntity(entity);
            return credential.IsRevoked ? null : credential;
        }, credential => credential is not null, ct);
    }

    public async Task<Credential?> GetAsync(string id, CancellationToken ct = default)
    {
        if (!IsId(id)) return null;
        var response = await _storage.Credentials.GetEntityIfExistsAsync<TableEntity>(Partition, id, cancellationToken: ct);
        return response.HasValue ? FromEntity(response.Value!) : null;
    }

    /// <summary>Revokes the credential (it stays in the table for the record); null when there is no such id.</summary>
    public async Task<Credential?> RevokeAsync(string id, DateTimeOffset now, CancellationToken ct = default)
    {
        // Forgotten before and after the write: no request of this process is let in on it once the revocation is stored
        // (nor when it was revoked through another instance already).
        _byTokenHash.RemoveWhere(c => c?.Id == id);
        var existing = await GetAsync(id, ct);
        if (existing is null) return null;
        if (!existing.IsRevoked)
        {
            await _storage.Credentials.UpdateEntityAsync(new TableEntity(Partition, id) { ["RevokedAt"] = now }, Azure.ETag.All, TableUpdateMode.Merge, ct);
            _byTokenHash.RemoveWhere(c => c?.Id == id);
        }
        // After the revocation is stored, so that an instance that sees the new generation reads the credential revoked.
        // Again when it was revoked already: a revocation whose generation write failed is told when NPPN tries again.
        await _storage.Credentials.UpsertEntityAsync(
            new TableEntity(RevocationPartition, RevocationRow) { ["CredentialId"] = id, ["At"] = now }, TableUpdateMode.Replace, ct);
        return existing.IsRevoked ? existing : existing with { RevokedAt = now };
    }

    /// <summary>
    /// Makes sure the revocation generation was read less than <see cref="RevocationCheckInterval"/> ago, forgetting every kept
    /// credential when it changed. One read at a time: requests that arrive while it is under way wait for it.
    /// </summary>
    private async Task SeeRevocationsAsync(CancellationToken ct)
    {
        Task checking;
        lock (_gate)
        {
            if (_clock.GetUtcNow() < _checkedUntil) return;
            checking = _checking ??= CheckRevocationsAsync();
        }
        await checking.WaitAsync(ct);
    }

    private async Task CheckRevocationsAsync()
    {
        await Task.Yield(); // not under the caller's lock
        try
        {
            // Trusted from when the read began: a revocation stored before then is in what it reads.
            var started = _clock.GetUtcNow();
            Interlocked.Increment(ref _checks);
            string? generation = null;
            try
            {
                var response = await _storage.Credentials.GetEntityIfExistsAsync<TableEntity>(RevocationPartition, RevocationRow, select: ["At"]);
                generation = response.HasValue ? response.Value!.ETag.ToString() : "";
            }
            catch (Azure.RequestFailedException)
            {
                // Not known: forget what is kept, so each credential is read itself, and check again on the next request.
            }
            lock (_gate)
            {
                if (generation is null || generation != _generation) _byTokenHash.Clear();
                if (generation is not null)
                {
                    _generation = generation;
                    _checkedUntil = started + RevocationCheckInterval;
                }
            }
        }
        finally
        {
            lock (_gate) _checking = null;
        }
    }

    /// <summary>Every credential issued (revoked ones too, for the record), optionally for one year or service; newest first.</summary>
    public async Task<IReadOnlyList<Credential>> ListAsync(int? year = null, int? serviceId = null, CancellationToken ct = default)
    {
        var list = new List<Credential>();
        await foreach (var e in _storage.Credentials.QueryAsync<TableEntity>(x => x.PartitionKey == Partition, cancellationToken: ct))
        {
            var credential = FromEntity(e);
            if ((year is null || credential.Year == year) && (serviceId is null || credential.ServiceId == serviceId)) list.Add(credential);
        }
        return list.OrderByDescending(c => c.IssuedAt).ThenBy(c => c.Id, StringComparer.Ordinal).ToList();
    }

    public static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>Compares two hex digests without leaking, by timing, how much of them agrees.</summary>
    public static bool HashesEqual(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a.ToLowerInvariant()), Encoding.ASCII.GetBytes(b.ToLowerInvariant()));

    private static string? IdOf(string token)
    {
        if (!token.StartsWith(TokenPrefix, StringComparison.Ordinal)) return null;
        var rest = token.AsSpan(TokenPrefix.Length);
        var end = rest.IndexOf('_');
        if (end <= 0) return null;
        var id = rest[..end].ToString();
        return IsId(id) ? id : null;
    }

    private static bool IsId(string id) => id.Length == 16 && id.All(char.IsAsciiHexDigitLower);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static Credential FromEntity(TableEntity e) => new(
        e.RowKey,
        e.GetInt32("ServiceId") ?? 0,
        e.GetInt32("Year") ?? 0,
        e.GetDateTimeOffset("IssuedAt") ?? default,
        e.GetString("IssuedBy") ?? "",
        e.GetDateTimeOffset("RevokedAt"),
        e.GetString("Label"));
}
