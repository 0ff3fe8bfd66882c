using Pps.Core.Catalogue;
using Pps.Core.Definition;
using Pps.Core.Returns;
using Pps.Core.Storage;
using Pps.Tests.Support;
using static Pps.Tests.Support.Window2013;

namespace Pps.Tests.Core.Returns;

/// <summary>
/// What a save reads from the stores' short-lived caches (the credential, the year, last year's return): a change made in
/// this process is seen at once, one made through another instance within the cache's time-to-live, and the window rule
/// stays exact at each save's own time. Two TestApps over the same storage are two instances; each has its own clock.
/// </summary>
public class SaveCacheTests
{
    private static readonly Actor Service42 = Actor.ForService(42);

    private static async Task<TestApp> OpenAsync(StorageOptions? storage = null, DateTimeOffset? closes = null)
    {
        var app = await TestApp.StartAsync(Now, storage);
        if (storage is null)
        {
            await app.Get<CollectionYearStore>().SaveAsync(
                new CollectionYear { Year = 2013, Opens = Opens, Closes = closes ?? Closes, NationalServiceCount = 150 }, null);
        }
        return app;
    }

    private static ReturnChange Change(string? ifMatch, params (string Id, string Value)[] values) =>
        new(2013, 42, values.ToDictionary(v => v.Id, v => (string?)v.Value), [], ifMatch);

    private static ServiceReturn Stored(ReturnOutcome outcome) => Assert.IsType<ReturnOutcome.Done>(outcome).Return;

    private static async Task MoveClosingDateAsync(TestApp app, DateTimeOffset closes)
    {
        var years = app.Get<CollectionYearStore>();
        var (year, etag) = (await years.GetAsync(2013))!.Value;
        await years.SaveAsync(year with { Closes = closes }, etag);
    }

    [Fact]
    public async Task A_credential_revoked_in_this_process_is_refused_at_once()
    {
        using var app = await OpenAsync();
        var credentials = app.Get<CredentialStore>();
        var issued = await credentials.IssueAsync(42, 2013, "nppn", Now);
        Assert.NotNull(await credentials.FindByTokenAsync(issued.Token)); // now kept in the cache

        await credentials.RevokeAsync(issued.Credential.Id, Now);

        Assert.Null(await credentials.FindByTokenAsync(issued.Token));
    }

    [Fact]
    public async Task A_credential_revoked_through_another_instance_works_here_for_at_most_the_revocation_check_interval()
    {
        using var here = await OpenAsync();
        using var there = await OpenAsync(here.Options);
        var issued = await here.Get<CredentialStore>().IssueAsync(42, 2013, "nppn", Now);
        Assert.NotNull(await here.Get<CredentialStore>().FindByTokenAsync(issued.Token));

        await there.Get<CredentialStore>().RevokeAsync(issued.Credential.Id, Now);

        Assert.Null(await there.Get<CredentialStore>().FindByTokenAsync(issued.Token));
        // Here the revocations were checked less than the interval ago: the credential kept is still trusted (the documented
        // staleness), far less than the time-to-live it is kept for...
        Assert.True(CredentialStore.RevocationCheckInterval < CredentialStore.CacheTimeToLive);
        here.Clock.Now += CredentialStore.RevocationCheckInterval - TimeSpan.FromSeconds(1);
        Assert.NotNull(await here.Get<CredentialStore>().FindByTokenAsync(issued.Token));
        // ...and refused once the check is older.
        here.Clock.Now += TimeSpan.FromSeconds(1);
        Assert.Null(await here.Get<CredentialStore>().FindByTokenAsync(issued.Token));
    }

    [Fact]
    public async Task An_unknown_token_is_not_kept_a_credential_issued_later_is_found()
    {
        using var app = await OpenAsync();
        var credentials = app.Get<CredentialStore>();
        var issued = await credentials.IssueAsync(42, 2013, "nppn", Now);
        var wrong = issued.Token[..^2] + (issued.Token[^1] == 'a' ? "bb" : "aa");
        Assert.Null(await credentials.FindByTokenAsync(wrong));
        Assert.NotNull(await credentials.FindByTokenAsync(issued.Token));
        Assert.Null(await credentials.FindByTokenAsync(wrong));
    }

    [Fact]
    public async Task A_save_after_the_closing_date_is_refused_though_the_year_was_read_just_before()
    {
        // Closing halfway through the year's time-to-live, so the save below comes while the year is still cached.
        var closes = Now + CollectionYearStore.CacheTimeToLive / 2;
        using var app = await OpenAsync(closes: closes);
        var service = app.Get<ReturnService>();
        var v1 = Stored(await service.SaveDraftAsync(Service42, Change(null, (FieldIds.CaseworkUsers, "100")))); // the year is cached now

        app.Clock.Now = closes.AddTicks(1); // past the closing date, within the year's time-to-live

        var refused = Assert.IsType<ReturnOutcome.Refused>(await service.SaveDraftAsync(Service42, Change(v1.ETag, (FieldIds.CaseworkUsers, "110"))));
        Assert.Contains("closed on", refused.Message);
        Assert.Equal(1, (await app.Get<ReturnStore>().GetAsync(2013, 42))!.Revision);
    }

    [Fact]
    public async Task A_closing_date_moved_in_this_process_applies_to_the_next_save()
    {
        using var app = await OpenAsync();
        var service = app.Get<ReturnService>();
        var v1 = Stored(await service.SaveDraftAsync(Service42, Change(null, (FieldIds.CaseworkUsers, "100"))));

        await MoveClosingDateAsync(app, Now.AddMinutes(-1));

        Assert.IsType<ReturnOutcome.Refused>(await service.SaveDraftAsync(Service42, Change(v1.ETag, (FieldIds.CaseworkUsers, "110"))));
    }

    [Fact]
    public async Task A_closing_date_moved_through_another_instance_applies_here_within_the_time_to_live()
    {
        using var here = await OpenAsync();
        using var there = await OpenAsync(here.Options);
        var service = here.Get<ReturnService>();
        var v1 = Stored(await service.SaveDraftAsync(Service42, Change(null, (FieldIds.CaseworkUsers, "100"))));

        // NPPN closes the window early, through the other instance, as soon as this instance's copy of the year expires.
        await MoveClosingDateAsync(there, Now + CollectionYearStore.CacheTimeToLive);
        // Here the year was read more than the time-to-live ago: the new date is seen.
        here.Clock.Now = Now + CollectionYearStore.CacheTimeToLive + TimeSpan.FromSeconds(1);

        Assert.IsType<ReturnOutcome.Refused>(await service.SaveDraftAsync(Service42, Change(v1.ETag, (FieldIds.CaseworkUsers, "110"))));
    }

    [Fact]
    public async Task Last_years_return_changed_in_this_process_is_what_the_next_save_checks_against()
    {
        using var app = await OpenAsync();
        var service = app.Get<ReturnService>();
        var store = app.Get<ReturnStore>();
        var definition2012 = BuiltInDefinitions.For(2012);
        var lastYear = await store.SaveAsync(new ServiceReturn
        {
            ServiceId = 42, Year = 2012, Status = ReturnStatus.Locked,
            Values = ReturnValidator(definition2012, (FieldIds.CaseworkUsers, "100")),
        }, null, "nppn", "import");

        // 100 to 1000 is a year-on-year jump worth a warning.
        var v1 = Assert.IsType<ReturnOutcome.Done>(await service.SaveDraftAsync(Service42, Change(null, (FieldIds.CaseworkUsers, "1000"))));
        Assert.Contains(v1.UnconfirmedWarnings, w => w.Code == "yoy-casework-users");

        // NPPN corrects last year's figure (in this process): the next save checks against 990 at once.
        await store.SaveAsync(lastYear with { Values = ReturnValidator(definition2012, (FieldIds.CaseworkUsers, "990")) }, lastYear, "nppn", "amend", "Corrected");
        var v2 = Assert.IsType<ReturnOutcome.Done>(await service.SaveDraftAsync(Service42, Change(v1.Return.ETag, (FieldIds.CaseworkUsers, "1000"))));
        Assert.DoesNotContain(v2.UnconfirmedWarnings, w => w.Code == "yoy-casework-users");
    }

    [Fact]
    public async Task Last_years_return_changed_through_another_instance_is_seen_after_the_time_to_live()
    {
        using var here = await OpenAsync();
        using var there = await OpenAsync(here.Options);
        var service = here.Get<ReturnService>();
        var definition2012 = BuiltInDefinitions.For(2012);
        var v1 = Assert.IsType<ReturnOutcome.Done>(await service.SaveDraftAsync(Service42, Change(null, (FieldIds.CaseworkUsers, "1000"))));
        Assert.Empty(v1.UnconfirmedWarnings); // no return last year: nothing to compare with, and that is kept too

        await there.Get<ReturnStore>().SaveAsync(new ServiceReturn
        {
            ServiceId = 42, Year = 2012, Status = ReturnStatus.Locked,
            Values = ReturnValidator(definition2012, (FieldIds.CaseworkUsers, "100")),
        }, null, "nppn", "import");
        var v2 = Assert.IsType<ReturnOutcome.Done>(await service.SaveDraftAsync(Service42, Change(v1.Return.ETag, (FieldIds.CaseworkUsers, "1000"))));
        Assert.Empty(v2.UnconfirmedWarnings); // within the time-to-live: not yet seen here

        here.Clock.Now += ReturnStore.CacheTimeToLive;
        var v3 = Assert.IsType<ReturnOutcome.Done>(await service.SaveDraftAsync(Service42, Change(v2.Return.ETag, (FieldIds.CaseworkUsers, "1000"))));
        Assert.Contains(v3.UnconfirmedWarnings, w => w.Code == "yoy-casework-users");
    }

    [Fact]
    public async Task A_save_on_a_revision_this_process_stored_is_a_conflict_when_another_instance_wrote_since_and_nothing_is_lost()
    {
        using var here = await OpenAsync();
        using var there = await OpenAsync(here.Options);
        var v1 = Stored(await here.Get<ReturnService>().SaveDraftAsync(Service42, Change(null, (FieldIds.CaseworkUsers, "100"))));
        Stored(await there.Get<ReturnService>().SaveDraftAsync(Service42, Change(v1.ETag, (FieldIds.CaseworkUsers, "110"))));

        // Here the writer's ETag is that of the revision this process stored: it is not read again, and the write fails.
        var conflict = Assert.IsType<ReturnOutcome.Conflict>(await here.Get<ReturnService>().SaveDraftAsync(Service42, Change(v1.ETag, (FieldIds.CaseworkUsers, "120"))));
        Assert.Equal(2, conflict.Current!.Revision);

        var history = await here.Get<ReturnStore>().HistoryAsync(2013, 42);
        Assert.Equal(["100", "110"], history.Select(h => h.Values.Text(FieldIds.CaseworkUsers)));
        Assert.Equal(110m, (await here.Get<ReturnStore>().GetAsync(2013, 42))!.Values.Number(FieldIds.CaseworkUsers));
    }

    [Fact]
    public async Task A_refusal_never_rests_on_a_revision_this_process_stored_that_another_instance_has_replaced()
    {
        using var here = await OpenAsync();
        using var there = await OpenAsync(here.Options);
        var submitted = Stored(await here.Get<ReturnService>().SubmitAsync(Service42, Change(null, CompleteReturn.With((FieldIds.CaseworkUsers, "100")))));
        // NPPN reopens it through the other instance: it is a draft again, at revision 2.
        Stored(await there.Get<ReturnService>().ReopenAsync(Actor.Nppn, 2013, 42, submitted.ETag, "Asked to correct a figure"));

        // The service saves on the revision it submitted. What this process remembers says "submitted" (a refusal), but the
        // return is a draft at revision 2 now: the answer is that it changed since (reload), as a fresh read would give.
        var outcome = await here.Get<ReturnService>().SaveDraftAsync(Service42, Change(submitted.ETag, (FieldIds.CaseworkUsers, "120")));

        var conflict = Assert.IsType<ReturnOutcome.Conflict>(outcome);
        Assert.Equal((2, ReturnStatus.Draft), (conflict.Current!.Revision, conflict.Current.Status));
    }

    private static ReturnValues ReturnValidator(ReturnDefinition definition, params (string Id, string Value)[] values)
    {
        var result = Pps.Core.Validation.ReturnValidator.Validate(definition, values.ToDictionary(v => v.Id, v => (string?)v.Value));
        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => e.Message)));
        return result.Values;
    }
}
