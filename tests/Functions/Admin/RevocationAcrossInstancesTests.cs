using Pps.Core.Storage;
using Pps.Functions.Admin;
using Pps.Tests.Support;
using static Pps.Tests.Functions.Returns.ApiHarness;

namespace Pps.Tests.Functions.Admin;

/// <summary>
/// Issue 23: a credential revoked through one instance must stop working on every other within the bound the docs state
/// (<see cref="CredentialStore.RevocationCheckInterval"/>, docs/storage.md), although each instance keeps live credentials
/// for <see cref="CredentialStore.CacheTimeToLive"/> so that saves do not read them every time. Two app instances (two
/// object graphs through AddPpsApp) on one storage account, each with its own clock, moved by the test.
/// </summary>
public class RevocationAcrossInstancesTests
{
    private static readonly DateTimeOffset Now = new(2013, 9, 15, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_credential_revoked_through_one_instance_is_refused_by_another_within_the_stated_bound()
    {
        using var first = await TestApp.StartAsync(Now);
        using var second = await TestApp.StartAsync(Now, first.Options);
        var issued = await first.Get<CredentialStore>().IssueAsync(42, 2013, "nppn", Now);
        var other = await first.Get<CredentialStore>().IssueAsync(43, 2013, "nppn", Now);

        // The second instance lets the token in and keeps it (a save every few seconds does not read it again).
        Assert.Equal(200, (await Run(second.Function<CredentialFunctions>().Me(Request("GET", issued.Token), default))).Status);
        Assert.Equal(200, (await Run(second.Function<CredentialFunctions>().Me(Request("GET", other.Token), default))).Status);

        second.Clock.Now = first.Clock.Now = Now.AddSeconds(1);
        var revoke = await Run(first.Function<CredentialFunctions>().Revoke(Request("DELETE", TestApp.AdminToken), issued.Credential.Id, default));
        Assert.Equal(200, revoke.Status);
        Assert.Equal(401, (await Run(first.Function<CredentialFunctions>().Me(Request("GET", issued.Token), default))).Status);

        // Within the bound the other instance may still let it in; from the bound on, never.
        second.Clock.Now = Now.AddSeconds(1) + CredentialStore.RevocationCheckInterval;
        Assert.True(CredentialStore.RevocationCheckInterval <= TimeSpan.FromSeconds(5), "the bound docs/storage.md states");
        var refused = await Run(second.Function<CredentialFunctions>().Me(Request("GET", issued.Token), default));
        Assert.Equal(401, refused.Status);
        Assert.StartsWith("application/problem+json", refused.ContentType, StringComparison.Ordinal);
        // Another credential, not revoked, still works there.
        Assert.Equal(200, (await Run(second.Function<CredentialFunctions>().Me(Request("GET", other.Token), default))).Status);
        // And a fresh third instance never lets the revoked one in.
        using var third = await TestApp.StartAsync(second.Clock.Now, first.Options);
        Assert.Equal(401, (await Run(third.Function<CredentialFunctions>().Me(Request("GET", issued.Token), default))).Status);
    }

    /// <summary>
    /// The check costs one storage read per instance per interval, not one per request (concurrent requests wait for the
    /// one read under way): the saves keep the throughput the cache bought.
    /// </summary>
    [Fact]
    public async Task The_revocation_check_reads_storage_at_most_once_per_interval_however_many_requests()
    {
        using var app = await TestApp.StartAsync(Now);
        var store = app.Get<CredentialStore>();
        var issued = await store.IssueAsync(42, 2013, "nppn", Now);
        var before = store.RevocationChecks;
        for (var i = 0; i < 50; i++) Assert.NotNull(await store.FindByTokenAsync(issued.Token));
        Assert.Equal(1, store.RevocationChecks - before);
        app.Clock.Now = Now + CredentialStore.RevocationCheckInterval;
        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => store.FindByTokenAsync(issued.Token)));
        Assert.Equal(2, store.RevocationChecks - before);
    }
}
