using Microsoft.Extensions.DependencyInjection;
using Pps.Core.Catalogue;
using Pps.Core.Definition;
using Pps.Core.Returns;
using Pps.Core.Storage;
using Pps.Tests.Support;
using static Pps.Tests.Support.Window2013;

namespace Pps.Tests.Core.Returns;

/// <summary>Every committed change has its audit row, and no audit row describes a change that did not commit.</summary>
public class AuditTrailTests
{
    private static readonly Actor Service42 = Actor.ForService(42);

    /// <summary>Fails the process at one point of a write, as a crash would.</summary>
    private sealed class CrashAt(string point) : WriteFaults
    {
        public override void At(string where)
        {
            if (where == point) throw new IOException($"Simulated crash at {where}.");
        }
    }

    private static async Task<TestApp> OpenAsync(StorageOptions? storage = null, WriteFaults? faults = null)
    {
        var app = await TestApp.StartAsync(Now, storage, faults is null ? null : s => s.AddSingleton(faults));
        if (storage is null)
        {
            await app.Get<CollectionYearStore>().SaveAsync(Collection, null);
        }
        return app;
    }

    private static ReturnChange Change(string? ifMatch, string? reason = null, params (string Id, string Value)[] values) =>
        new(2013, 42, values.ToDictionary(v => v.Id, v => (string?)v.Value), [], ifMatch, reason);

    private static ServiceReturn Stored(ReturnOutcome outcome) => Assert.IsType<ReturnOutcome.Done>(outcome).Return;

    /// <summary>Saves revision 1 (100 casework users), then a process dies after storing revision 2 (110), before its audit row.</summary>
    private static async Task SaveThenCrashBeforeTheAuditRowAsync(TestApp app)
    {
        var v1 = Stored(await app.Get<ReturnService>().SaveDraftAsync(Service42, Change(null, null, (FieldIds.CaseworkUsers, "100"))));
        using var crashing = await OpenAsync(app.Options, new CrashAt(WriteFaults.ReturnWritten));
        await Assert.ThrowsAsync<IOException>(() =>
            crashing.Get<ReturnService>().SaveDraftAsync(Service42, Change(v1.ETag, null, (FieldIds.CaseworkUsers, "110"))));
    }

    [Fact]
    public async Task An_arabic_comment_at_the_fields_limit_replaced_by_another_is_stored_with_its_audit_row()
    {
        using var app = await OpenAsync();
        var service = app.Get<ReturnService>();
        // The comment's limit is 4,000 bytes as stored: 2,000 Arabic letters of two bytes each (never "\u0627", six).
        var first = new string('\u0627', 2000);  // alif
        var second = new string('\u0628', 2000); // ba
        var v1 = Stored(await service.SaveDraftAsync(Service42, Change(null, null, (FieldIds.Comments, first))));
        var v2 = Stored(await service.SaveDraftAsync(Service42, Change(v1.ETag, null, (FieldIds.Comments, second))));

        var history = await app.Get<ReturnStore>().HistoryAsync(2013, 42);
        Assert.Equal([1, 2], history.Select(h => h.Revision));
        var change = Assert.Single(history[1].Changes);
        Assert.Equal((first, second), (change.From, change.To));
        Assert.Equal(second, history[1].Values.Text(FieldIds.Comments));
        Assert.Equal(2, v2.Revision);
    }

    [Fact]
    public async Task A_reason_longer_than_the_definition_allows_is_refused_and_nothing_is_stored()
    {
        using var app = await OpenAsync();
        var service = app.Get<ReturnService>();
        var submitted = Stored(await service.SubmitAsync(Service42, Change(null, null, CompleteReturn.With((FieldIds.CaseworkUsers, "100")))));

        var reason = new string('r', 900 * 1024);
        var outcome = await service.SaveDraftAsync(Actor.Nppn, Change(submitted.ETag, reason, (FieldIds.CaseworkUsers, "120")));

        var invalid = Assert.IsType<ReturnOutcome.Invalid>(outcome);
        var issue = Assert.Single(invalid.Issues);
        Assert.Equal("reason", issue.FieldId);
        Assert.Contains($"at most {BuiltInDefinitions.For(2013).ReasonMaxLength} bytes as stored", issue.Message);
        Assert.Equal(1, (await app.Get<ReturnStore>().GetAsync(2013, 42))!.Revision);
        Assert.Single(await app.Get<ReturnStore>().HistoryAsync(2013, 42));
    }

    [Theory]
    [InlineData("\u200B\u200C\u200D\u2060")] // zero-width space, non-joiner, joiner, word joiner
    [InlineData("\uFEFF \t\n")]
    public async Task Invisible_characters_alone_are_not_a_reason(string reason)
    {
        using var app = await OpenAsync();
        var service = app.Get<ReturnService>();
        var submitted = Stored(await service.SubmitAsync(Service42, Change(null, null, CompleteReturn.With((FieldIds.CaseworkUsers, "100")))));

        var amend = Assert.IsType<ReturnOutcome.Invalid>(await service.SaveDraftAsync(Actor.Nppn, Change(submitted.ETag, reason, (FieldIds.CaseworkUsers, "120"))));
        Assert.Equal("reason", Assert.Single(amend.Issues).FieldId);
        var reopen = Assert.IsType<ReturnOutcome.Invalid>(await service.ReopenAsync(Actor.Nppn, 2013, 42, submitted.ETag, reason));
        Assert.Equal("reason", Assert.Single(reopen.Issues).FieldId);
        Assert.Equal(1, (await app.Get<ReturnStore>().GetAsync(2013, 42))!.Revision);
    }

    [Fact]
    public async Task A_service_cannot_write_a_reason_into_the_trail()
    {
        using var app = await OpenAsync();
        var service = app.Get<ReturnService>();

        var outcome = await service.SaveDraftAsync(Service42, Change(null, "NPPN agreed this", (FieldIds.CaseworkUsers, "100")));

        var invalid = Assert.IsType<ReturnOutcome.Invalid>(outcome);
        Assert.Equal("reason", Assert.Single(invalid.Issues).FieldId);
        Assert.Null(await app.Get<ReturnStore>().GetAsync(2013, 42));
        Assert.Empty(await app.Get<ReturnStore>().HistoryAsync(2013, 42));
    }

    [Fact]
    public async Task A_crash_between_the_return_write_and_its_audit_row_leaves_no_committed_change_without_its_audit()
    {
        using var app = await OpenAsync();
        await SaveThenCrashBeforeTheAuditRowAsync(app);

        // A fresh process sees the committed change, and its audit.
        using var fresh = await OpenAsync(app.Options);
        var current = await fresh.Get<ReturnStore>().GetAsync(2013, 42);
        Assert.Equal((2, 110m), (current!.Revision, current.Values.Number(FieldIds.CaseworkUsers)));
        var history = await fresh.Get<ReturnStore>().HistoryAsync(2013, 42);
        Assert.Equal([1, 2], history.Select(h => h.Revision));
        Assert.Equal(("service:42", "save-draft", "100", "110"),
            (history[1].By, history[1].Action, history[1].Changes.Single().From, history[1].Changes.Single().To));
    }

    [Fact]
    public async Task After_a_crash_the_next_write_writes_the_missing_row_before_replacing_the_return()
    {
        using var app = await OpenAsync();
        await SaveThenCrashBeforeTheAuditRowAsync(app);

        using var fresh = await OpenAsync(app.Options);
        var v2 = await fresh.Get<ReturnStore>().GetAsync(2013, 42);
        var v3 = Stored(await fresh.Get<ReturnService>().SaveDraftAsync(Service42, Change(v2!.ETag, null, (FieldIds.CaseworkUsers, "130"))));

        // Read the rows as stored (not through HistoryAsync, which would also repair): all three are there.
        var rows = fresh.Get<PpsStorage>().ReturnHistory.Query<Azure.Data.Tables.TableEntity>(e => e.PartitionKey == "2013-042").ToList();
        Assert.Equal(["000001", "000002", "000003"], rows.Select(r => r.RowKey));
        var history = await fresh.Get<ReturnStore>().HistoryAsync(2013, 42);
        Assert.Equal(["100", "110", "130"], history.Select(h => h.Values.Text(FieldIds.CaseworkUsers)));
        Assert.Equal(3, v3.Revision);
    }

    [Fact]
    public async Task A_write_that_loses_the_race_leaves_no_audit_row()
    {
        using var app = await OpenAsync();
        var service = app.Get<ReturnService>();
        var v1 = Stored(await service.SaveDraftAsync(Service42, Change(null, null, (FieldIds.CaseworkUsers, "100"))));
        Stored(await service.SaveDraftAsync(Service42, Change(v1.ETag, null, (FieldIds.CaseworkUsers, "110"))));

        Assert.IsType<ReturnOutcome.Conflict>(await service.SaveDraftAsync(Service42, Change(v1.ETag, null, (FieldIds.CaseworkUsers, "999"))));

        var history = await app.Get<ReturnStore>().HistoryAsync(2013, 42);
        Assert.Equal(["100", "110"], history.Select(h => h.Values.Text(FieldIds.CaseworkUsers)));
    }
    [Fact]
    public async Task An_audit_row_holds_the_changes_not_the_values_and_the_history_replays_them()
    {
        using var app = await OpenAsync();
        var service = app.Get<ReturnService>();
        var v1 = Stored(await service.SaveDraftAsync(Service42, Change(null, null, (FieldIds.CaseworkUsers, "100"), (FieldIds.Comments, "First go"))));
        var v2 = Stored(await service.SaveDraftAsync(Service42, Change(v1.ETag, null, (FieldIds.CaseworkUsers, "110"), (FieldIds.Comments, "First go"))));
        Stored(await service.SaveDraftAsync(Service42, Change(v2.ETag, null, (FieldIds.CaseworkUsers, "110")))); // the comment taken out

        var rows = app.Get<PpsStorage>().ReturnHistory.Query<Azure.Data.Tables.TableEntity>(e => e.PartitionKey == "2013-042").ToList();
        Assert.Equal(["000001", "000002", "000003"], rows.Select(r => r.RowKey));
        Assert.All(rows, r => Assert.False(r.ContainsKey("Values")));
        Assert.DoesNotContain("First go", rows[1].GetString("Changes"), StringComparison.Ordinal); // one change: casework users

        var history = await app.Get<ReturnStore>().HistoryAsync(2013, 42);
        Assert.Equal(
            [
                [(FieldIds.CaseworkUsers, "100"), (FieldIds.Comments, "First go")],
                [(FieldIds.CaseworkUsers, "110"), (FieldIds.Comments, "First go")],
                new[] { (FieldIds.CaseworkUsers, "110") },
            ],
            history.Select(h => h.Values.AsDictionary().OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, kv.Value)).ToArray()));
        Assert.Equal((FieldIds.Comments, "First go", (string?)null), (history[2].Changes.Single().FieldId, history[2].Changes.Single().From, history[2].Changes.Single().To));
    }
}
