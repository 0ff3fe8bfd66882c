using Azure.Core;
using Pps.Core.Definition;
using Pps.Core.Publishing;
using Pps.Core.Returns;
using Pps.Core.Storage;
using Pps.Tests.Support;
using static Pps.Tests.Support.Window2013;
using Kind = Pps.Tests.Support.StorageFaults.Kind;

namespace Pps.Tests.Core;

/// <summary>
/// A conditional write whose answer is lost after storage applied it (a connection reset, a timeout): the SDK sends it
/// again, and the second attempt finds its condition failed by the first. Each store must know its own write then, and
/// carry on as if the first answer had arrived: stored once, not refused as someone else's change (found by
/// StorageFaultsHttpTests, where a service's first save answered 428 "exists already" and its submit 412).
/// </summary>
public class LostAnswerTests
{
    private static readonly Actor Service42 = Actor.ForService(42);

    private static async Task<(TestApp App, StorageFaults Faults)> StartAsync()
    {
        var faults = new StorageFaults(seed: 1, share: 0, outageShare: 0);
        return (await TestApp.StartAsync(Now, configure: faults.AddTo), faults);
    }

    private static Func<Request, bool> Write(RequestMethod method, string pathContains) =>
        r => r.Method == method && r.Uri.Path.Contains(pathContains, StringComparison.Ordinal);

    [Theory]
    [InlineData(Kind.ResetAfterSend)]
    [InlineData(Kind.TimeoutAfterSend)]
    public async Task A_return_written_twice_by_the_retry_is_stored_once_and_acknowledged(Kind kind)
    {
        var (app, faults) = await StartAsync();
        using var _ = app;
        await OpenAsync(app);
        var returns = app.Get<ReturnService>();
        var table = app.Options.ReturnsTable;

        // The first save is a create (POST to the table); the submit replaces it at its ETag (PUT to the entity).
        faults.Once(Write(RequestMethod.Post, "/" + table), kind);
        var saved = Assert.IsType<ReturnOutcome.Done>(await returns.SaveDraftAsync(Service42, Change(null))).Return;
        faults.Once(Write(RequestMethod.Put, "/" + table + "("), kind);
        var submitted = Assert.IsType<ReturnOutcome.Done>(await returns.SubmitAsync(Service42, Change(saved.ETag))).Return;
        Assert.Empty(faults.Injected.Where(f => f.Value == 0));
        Assert.Equal(2, faults.Injected.Values.Sum());

        Assert.Equal((1, 2), (saved.Revision, submitted.Revision));
        var stored = await app.Get<ReturnStore>().GetAsync(2013, 42);
        Assert.Equal(submitted.ETag, stored!.ETag);
        Assert.Equal(ReturnStatus.Submitted, stored.Status);
        var history = await app.Get<ReturnStore>().HistoryAsync(2013, 42);
        Assert.Equal(["save-draft", "submit"], history.Select(h => h.Action));
    }

    [Fact]
    public async Task A_year_written_twice_by_the_retry_is_stored_once_and_acknowledged()
    {
        var (app, faults) = await StartAsync();
        using var _ = app;
        var years = app.Get<CollectionYearStore>();
        faults.Once(Write(RequestMethod.Post, "/" + app.Options.YearsTable), Kind.ResetAfterSend);
        var etag = await years.SaveAsync(Collection, null);
        faults.Once(Write(RequestMethod.Put, "/" + app.Options.YearsTable + "("), Kind.ResetAfterSend);
        var closed = await years.SaveAsync(Collection with { ClosedAt = Now }, etag);

        Assert.Equal(2, faults.Injected.Values.Sum());
        var (stored, storedETag) = (await years.GetAsync(2013))!.Value;
        Assert.Equal(storedETag, closed);
        Assert.Equal(Now, stored.ClosedAt);
    }

    [Fact]
    public async Task A_version_manifest_written_twice_by_the_retry_does_not_fail_the_recompute()
    {
        var (app, faults) = await StartAsync();
        using var _ = app;
        await OpenAsync(app);
        faults.Once(r => r.Method == RequestMethod.Put && r.Uri.Path.Contains("/versions/", StringComparison.Ordinal)
            && r.Uri.Path.EndsWith("/manifest.json", StringComparison.Ordinal), Kind.ResetAfterSend);

        var outcome = await app.Get<YearCloser>().RecomputeOnRequestAsync(2013);

        Assert.Equal(1, faults.Injected.Values.Sum());
        Assert.Equal(CloseOutcome.Provisional, outcome.Result);
        Assert.Equal(outcome.Manifest!.Version, (await app.Get<Publisher>().CurrentAsync(2013, Manifest.Provisional))!.Version);
    }

    private static async Task OpenAsync(TestApp app) => await Window2013.OpenAsync(app);

    private static ReturnChange Change(string? ifMatch) =>
        new(2013, 42, CompleteReturn.Raw((FieldIds.CaseworkUsers, "100")), [], ifMatch, null);
}
