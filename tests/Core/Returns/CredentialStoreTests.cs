using Azure.Data.Tables;
using Pps.Core.Storage;
using Pps.Tests.Support;

namespace Pps.Tests.Core.Returns;

public class CredentialStoreTests
{
    private static readonly DateTimeOffset Now = new(2013, 9, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_token_is_stored_only_as_its_hash_and_finds_its_service_and_year_until_revoked()
    {
        var storage = await Azurite.NewStorageAsync();
        var store = new CredentialStore(storage);
        var issued = await store.IssueAsync(42, 2013, "nppn", Now, "PPS officer");

        var row = (await storage.Credentials.GetEntityAsync<TableEntity>("credential", issued.Credential.Id)).Value;
        Assert.DoesNotContain(row, p => p.Value is string s && s.Contains(issued.Token.Split('_')[^1], StringComparison.Ordinal));
        Assert.Equal(CredentialStore.Sha256Hex(issued.Token), row.GetString("TokenSha256"));

        var found = await store.FindByTokenAsync(issued.Token);
        Assert.Equal((42, 2013, "PPS officer"), (found!.ServiceId, found.Year, found.Label));
        Assert.Null(await store.FindByTokenAsync(issued.Token + "x"));
        Assert.Null(await store.FindByTokenAsync("pps_" + issued.Credential.Id + "_guessed"));

        var other = await store.IssueAsync(42, 2013, "nppn", Now);
        Assert.NotEqual(issued.Token, other.Token);

        await store.RevokeAsync(issued.Credential.Id, Now.AddDays(1));
        Assert.Null(await store.FindByTokenAsync(issued.Token));
        Assert.True((await store.GetAsync(issued.Credential.Id))!.IsRevoked);
        Assert.NotNull(await store.FindByTokenAsync(other.Token));
    }

    [Fact]
    public void Hashes_compare_equal_whatever_the_case_of_the_hex()
    {
        var hash = CredentialStore.Sha256Hex("dev-nppn-admin-token");
        Assert.Equal("1efd7f8fa074c783716485f18f77636d12a24b628b48e19b2f1101f1f6388351", hash);
        Assert.True(CredentialStore.HashesEqual(hash, hash.ToUpperInvariant()));
        Assert.False(CredentialStore.HashesEqual(hash, hash[..^1] + "0"));
        Assert.False(CredentialStore.HashesEqual(hash, hash[..10]));
    }
}
