using Pps.Core.Definition;
using Pps.Core.Returns;
using Pps.Tests.Support;
using static Pps.Core.Definition.FieldIds;
using static Pps.Tests.Functions.Returns.ApiHarness;
using static Pps.Tests.Support.Window2013;

namespace Pps.Tests.Functions.Returns;

public class ReturnsApiTests
{
    [Fact]
    public async Task A_service_saves_a_partial_draft_and_reads_it_back_with_last_years_values_beside_it()
    {
        var api = await StartAsync();
        await api.SeedLastYearAsync(42, (CaseworkUsers, "300"), (CoreBudget, "100000"));
        var token = await api.TokenForAsync(42);

        var before = await api.GetReturn(token, 42);
        Assert.Equal(200, before.Status);
        Assert.Equal("not-started", before.Body.GetProperty("status").GetString());
        Assert.Null(before.ETag);
        Assert.Equal(300, before.Body.GetProperty("lastYear").GetProperty("values").GetProperty(CaseworkUsers).GetInt32());

        var saved = await api.PutReturn(token, 42, Save(new Dictionary<string, object>
        {
            [CoreBudget] = 101000, [Rating("1a")] = "B", [FormatKinds] = new[] { "braille", "audio" }, [ManagerFte] = 0.75m, [ManagesOtherStaff] = false,
        }));
        Assert.Equal(200, saved.Status);
        Assert.NotNull(saved.ETag);

        var read = await api.GetReturn(token, 42);
        Assert.Equal(200, read.Status);
        Assert.Equal(saved.ETag, read.ETag);
        Assert.Equal("draft", read.Body.GetProperty("status").GetString());
        Assert.Equal(1, read.Body.GetProperty("revision").GetInt32());
        Assert.Equal(101000, read.Values.GetProperty(CoreBudget).GetInt32());
        Assert.Equal(0.75m, read.Values.GetProperty(ManagerFte).GetDecimal());
        Assert.False(read.Values.GetProperty(ManagesOtherStaff).GetBoolean());
        Assert.Equal(["audio", "braille"], read.Values.GetProperty(FormatKinds).EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("B", read.Values.GetProperty(Rating("1a")).GetString());
        Assert.Equal(100000, read.Body.GetProperty("lastYear").GetProperty("values").GetProperty(CoreBudget).GetInt32());
        Assert.Equal(Closes, read.Body.GetProperty("closesFor").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_service_can_never_read_or_write_another_services_return()
    {
        var api = await StartAsync();
        var mine = await api.TokenForAsync(42);
        var theirs = await api.TokenForAsync(43);
        var theirSave = await api.PutReturn(theirs, 43, Save(new Dictionary<string, object> { [CaseworkUsers] = 10 }));

        Assert.Equal(403, (await api.GetReturn(mine, 43)).Status);
        var write = await api.PutReturn(mine, 43, Save(new Dictionary<string, object> { [CaseworkUsers] = 999 }), theirSave.ETag);
        Assert.Equal(403, write.Status);
        Assert.Contains("service 42", write.Detail);
        Assert.Equal(403, (await api.Submit(mine, 43, null, theirSave.ETag)).Status);
        Assert.Equal(403, (await Run(api.HistoryApi.History(Request("GET", mine), 2013, 43, default))).Status);
        Assert.Equal(403, (await Run(api.HistoryApi.Revision(Request("GET", mine), 2013, 43, 1, default))).Status);
        Assert.Equal(403, (await api.PutReturn(mine, 44, Save(new Dictionary<string, object> { [CaseworkUsers] = 1 }))).Status);

        var stored = await api.Store.GetAsync(2013, 43);
        Assert.Equal(10m, stored!.Values.Number(CaseworkUsers));
        Assert.Equal(1, stored.Revision);
        Assert.Null(await api.Store.GetAsync(2013, 44));
    }

    [Fact]
    public async Task A_credential_is_scoped_to_its_year()
    {
        var api = await StartAsync();
        var token2012 = await api.TokenForAsync(42, 2012);
        var response = await api.PutReturn(token2012, 42, Save(new Dictionary<string, object> { [CaseworkUsers] = 1 }));
        Assert.Equal(403, response.Status);
        Assert.Contains("2012", response.Detail);
        Assert.Null(await api.Store.GetAsync(2013, 42));
    }

    [Fact]
    public async Task No_unknown_or_revoked_token_is_401()
    {
        var api = await StartAsync();
        Assert.Equal(401, (await api.GetReturn(null, 42)).Status);
        var unknown = await api.GetReturn("pps_0123456789abcdef_not-a-real-secret", 42);
        Assert.Equal(401, unknown.Status);
        Assert.Equal("Bearer", unknown.Headers.WWWAuthenticate.ToString());
        Assert.Equal(401, (await api.GetReturn("garbage", 42)).Status);

        var issued = await Run(api.CredentialsApi.Issue(Request("POST", AdminToken, new { serviceId = 42, year = 2013, label = "PPS officer" }), default));
        Assert.Equal(201, issued.Status);
        var token = issued.Body.GetProperty("token").GetString()!;
        var id = issued.Body.GetProperty("id").GetString()!;
        Assert.Equal(200, (await api.GetReturn(token, 42)).Status);
        // The token's last character changed: same id, wrong secret.
        Assert.Equal(401, (await api.GetReturn(token[..^1] + (token[^1] == 'a' ? 'b' : 'a'), 42)).Status);

        var revoked = await Run(api.CredentialsApi.Revoke(Request("DELETE", AdminToken), id, default));
        Assert.Equal(200, revoked.Status);
        Assert.Equal(401, (await api.GetReturn(token, 42)).Status);
        Assert.Equal(404, (await Run(api.CredentialsApi.Revoke(Request("DELETE", AdminToken), "0000000000000000", default))).Status);
    }

    [Fact]
    public async Task A_service_token_can_never_reach_an_nppn_operation()
    {
        var api = await StartAsync();
        var token = await api.TokenForAsync(42);
        var saved = await api.PutReturn(token, 42, Save(CompleteReturn.Json(new() { [CaseworkUsers] = 10 })));
        var submitted = await api.Submit(token, 42, null, saved.ETag);
        Assert.Equal(200, submitted.Status);
        var yearBefore = (await api.Years.GetAsync(2013))!.Value;

        var calls = new[]
        {
            await api.Reopen(token, 42, new { reason = "mine" }, submitted.ETag),
            await Run(api.YearsApi.Completeness(Request("GET", token), 2013, default)),
            await Run(api.YearsApi.SetWindow(Request("PUT", token, new { opens = Opens, closes = Closes.AddDays(30) }, yearBefore.ETag), 2013, default)),
            await Run(api.YearsApi.GrantExtension(Request("POST", token, new { until = Closes.AddDays(30) }), 2013, 42, default)),
            await Run(api.CredentialsApi.Issue(Request("POST", token, new { serviceId = 43, year = 2013 }), default)),
            await Run(api.CredentialsApi.Revoke(Request("DELETE", token), "0000000000000000", default)),
        };
        Assert.All(calls, c => Assert.Equal(403, c.Status));
        Assert.All(calls, c => Assert.Contains("Only NPPN", c.Detail));

        Assert.Equal(ReturnStatus.Submitted, (await api.Store.GetAsync(2013, 42))!.Status);
        Assert.Equal(yearBefore.ETag, (await api.Years.GetAsync(2013))!.Value.ETag);
    }

    [Fact]
    public async Task A_stale_write_is_412_with_the_current_version_and_nothing_is_lost()
    {
        var api = await StartAsync();
        var token = await api.TokenForAsync(7);
        var first = await api.PutReturn(token, 7, Save(new Dictionary<string, object> { [CaseworkUsers] = 100 }));
        var second = await api.PutReturn(token, 7, Save(new Dictionary<string, object> { [CaseworkUsers] = 110 }), first.ETag);
        Assert.Equal(200, second.Status);

        var stale = await api.PutReturn(token, 7, Save(new Dictionary<string, object> { [CaseworkUsers] = 999 }), first.ETag);
        Assert.Equal(412, stale.Status);
        Assert.StartsWith("application/problem+json", stale.ContentType);
        var current = stale.Body.GetProperty("current");
        Assert.Equal(110, current.GetProperty("values").GetProperty(CaseworkUsers).GetInt32());
        Assert.Equal(second.ETag, current.GetProperty("eTag").GetString());

        var noIfMatch = await api.PutReturn(token, 7, Save(new Dictionary<string, object> { [CaseworkUsers] = 999 }));
        Assert.Equal(428, noIfMatch.Status);
        Assert.Equal(110, noIfMatch.Body.GetProperty("current").GetProperty("values").GetProperty(CaseworkUsers).GetInt32());

        var stored = await api.Store.GetAsync(2013, 7);
        Assert.Equal(110m, stored!.Values.Number(CaseworkUsers));
        Assert.Equal(2, stored.Revision);
    }

    [Fact]
    public async Task After_the_close_a_service_is_refused_naming_the_date_and_nppn_changes_it_only_with_a_reason_which_is_audited()
    {
        var api = await StartAsync();
        var token = await api.TokenForAsync(42);
        var draft = await api.PutReturn(token, 42, Save(new Dictionary<string, object> { [CaseworkUsers] = 100 }));
        api.Clock.Now = Closes.AddDays(1);

        var late = await api.PutReturn(token, 42, Save(new Dictionary<string, object> { [CaseworkUsers] = 120 }), draft.ETag);
        Assert.Equal(409, late.Status);
        Assert.Contains("closed on 31 October 2013", late.Detail);
        Assert.Equal(409, (await api.Submit(token, 42, null, draft.ETag)).Status);

        var noReason = await api.PutReturn(AdminToken, 42, Save(new Dictionary<string, object> { [CaseworkUsers] = 120 }), draft.ETag);
        Assert.Equal(422, noReason.Status);
        Assert.True(noReason.Body.GetProperty("errors").TryGetProperty("reason", out _));

        var amended = await api.PutReturn(AdminToken, 42, SaveWithReason(new Dictionary<string, object> { [CaseworkUsers] = 120 }, "Service phoned: 120 is right"), draft.ETag);
        Assert.Equal(200, amended.Status);
        Assert.Equal("locked", amended.Body.GetProperty("status").GetString());
        Assert.Equal("nppn", amended.Body.GetProperty("updatedBy").GetString());

        var history = await Run(api.HistoryApi.History(Request("GET", AdminToken), 2013, 42, default));
        var last = history.Body.GetProperty("revisions").EnumerateArray().Last();
        Assert.Equal("nppn", last.GetProperty("by").GetString());
        Assert.Equal("Service phoned: 120 is right", last.GetProperty("reason").GetString());
        var change = Assert.Single(last.GetProperty("changes").EnumerateArray());
        Assert.Equal((CaseworkUsers, "100", "120"), (change.GetProperty("field").GetString(), change.GetProperty("from").GetString(), change.GetProperty("to").GetString()));

        // Locked now: the service still cannot write, even with the current ETag.
        Assert.Equal(409, (await api.PutReturn(token, 42, Save(new Dictionary<string, object> { [CaseworkUsers] = 1 }), amended.ETag)).Status);
    }

    [Fact]
    public async Task Nothing_can_be_saved_before_the_window_opens()
    {
        var api = await StartAsync();
        api.Clock.Now = Opens.AddDays(-3);
        var token = await api.TokenForAsync(42);
        var early = await api.PutReturn(token, 42, Save(new Dictionary<string, object> { [CaseworkUsers] = 1 }));
        Assert.Equal(409, early.Status);
        Assert.Contains("opens on 1 September 2013", early.Detail);
    }

    [Fact]
    public async Task An_extension_lets_one_service_write_late_and_no_other()
    {
        var api = await StartAsync();
        var late = await api.TokenForAsync(42);
        var other = await api.TokenForAsync(43);
        api.Clock.Now = Closes.AddDays(2);

        var tooEarly = await Run(api.YearsApi.GrantExtension(Request("POST", AdminToken, new { until = Closes.AddDays(-1) }), 2013, 42, default));
        Assert.Equal(422, tooEarly.Status);
        var granted = await Run(api.YearsApi.GrantExtension(Request("POST", AdminToken, new { until = Closes.AddDays(14) }), 2013, 42, default));
        Assert.Equal(200, granted.Status);
        Assert.Equal(Closes.AddDays(14), granted.Body.GetProperty("extensions").GetProperty("42").GetDateTimeOffset());

        var saved = await api.PutReturn(late, 42, Save(CompleteReturn.Json(new() { [CaseworkUsers] = 50 })));
        Assert.Equal(200, saved.Status);
        Assert.Equal(200, (await api.Submit(late, 42, null, saved.ETag)).Status);
        var refused = await api.PutReturn(other, 43, Save(new Dictionary<string, object> { [CaseworkUsers] = 50 }));
        Assert.Equal(409, refused.Status);
        Assert.Contains("31 October 2013", refused.Detail);

        var mine = await api.GetReturn(late, 42);
        Assert.Equal(Closes.AddDays(14), mine.Body.GetProperty("closesFor").GetDateTimeOffset());
        api.Clock.Now = Closes.AddDays(15);
        var afterExtension = await api.PutReturn(late, 42, Save(new Dictionary<string, object> { [CaseworkUsers] = 51 }), mine.ETag);
        Assert.Equal(409, afterExtension.Status);
        Assert.Contains("14 November 2013", afterExtension.Detail);
    }

    [Fact]
    public async Task Unconfirmed_year_on_year_warnings_block_submission_but_not_a_draft()
    {
        var api = await StartAsync();
        await api.SeedLastYearAsync(42, (CaseworkUsers, "100"), (CoreBudget, "100000"));
        var token = await api.TokenForAsync(42);
        var values = CompleteReturn.Json(new() { [CaseworkUsers] = 200, [CoreBudget] = 105000 });

        var draft = await api.PutReturn(token, 42, Save(values));
        Assert.Equal(200, draft.Status);
        var warning = Assert.Single(draft.Body.GetProperty("warnings").EnumerateArray());
        Assert.Equal("yoy-casework-users", warning.GetProperty("code").GetString());
        Assert.Contains("up 100%", warning.GetProperty("message").GetString());

        var blocked = await api.Submit(token, 42, null, draft.ETag);
        Assert.Equal(422, blocked.Status);
        Assert.Equal("yoy-casework-users", Assert.Single(blocked.Body.GetProperty("warnings").EnumerateArray()).GetProperty("code").GetString());
        Assert.Equal(ReturnStatus.Draft, (await api.Store.GetAsync(2013, 42))!.Status);

        var submitted = await api.Submit(token, 42, new { confirmedWarnings = new[] { "yoy-casework-users" } }, draft.ETag);
        Assert.Equal(200, submitted.Status);
        Assert.Equal("submitted", submitted.Body.GetProperty("status").GetString());
        Assert.Empty(submitted.Body.GetProperty("warnings").EnumerateArray());

        // Submitted: the service must ask NPPN to reopen it.
        var again = await api.PutReturn(token, 42, Save(values, "yoy-casework-users"), submitted.ETag);
        Assert.Equal(409, again.Status);
        Assert.Contains("ask NPPN to reopen", again.Detail);
        Assert.Equal(422, (await api.Reopen(AdminToken, 42, null, submitted.ETag)).Status);
        var reopened = await api.Reopen(AdminToken, 42, new { reason = "Service asked to correct the budget" }, submitted.ETag);
        Assert.Equal(200, reopened.Status);
        Assert.Equal("draft", reopened.Body.GetProperty("status").GetString());
        Assert.Equal(200, (await api.PutReturn(token, 42, Save(values, "yoy-casework-users"), reopened.ETag)).Status);
    }

    public static TheoryData<string, string, int, string> BadBodies => new()
    {
        { "{\"values\": {\"casework.users\": 12", "application/json", 400, "not valid JSON" },
        { "{\"values\": {}, \"colour\": \"red\"}", "application/json", 400, "property the API does not know" },
        { "{\"values\": {\"casework.users\": 12}}", "text/plain", 415, "application/json" },
        { "casework.users=12", "application/x-www-form-urlencoded", 415, "application/json" },
        { "{\"confirmedWarnings\": []}", "application/json", 400, "\"values\"" },
        { "[1, 2]", "application/json", 400, "not valid JSON" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task A_body_that_cannot_be_read_is_a_4xx_and_nothing_is_stored(string body, string contentType, int status, string phrase)
    {
        var api = await StartAsync();
        var token = await api.TokenForAsync(42);
        var response = await api.PutReturn(token, 42, body, contentType: contentType);
        Assert.Equal(status, response.Status);
        Assert.StartsWith("application/problem+json", response.ContentType);
        Assert.Contains(phrase, response.Detail);
        Assert.Null(await api.Store.GetAsync(2013, 42));
    }

    [Fact]
    public async Task A_body_over_1_MiB_is_413_and_nothing_is_stored()
    {
        var api = await StartAsync();
        var token = await api.TokenForAsync(42);
        var huge = "{\"values\": {\"comments.text\": \"" + new string('a', 1024 * 1024) + "\"}}";
        var response = await api.PutReturn(token, 42, huge);
        Assert.Equal(413, response.Status);
        // Without a Content-Length the body is still read no further than the limit.
        var request = Request("PUT", token, huge);
        request.ContentLength = null;
        Assert.Equal(413, (await Run(api.ReturnsApi.SaveDraft(request, 2013, 42, default))).Status);
        Assert.Null(await api.Store.GetAsync(2013, 42));
    }

    [Fact]
    public async Task Invalid_values_are_422_problem_details_naming_every_field_and_nothing_is_stored()
    {
        var api = await StartAsync();
        var token = await api.TokenForAsync(42);
        var response = await api.PutReturn(token, 42, Save(new Dictionary<string, object>
        {
            [CaseworkUsers] = -3, [ManagerFte] = 1.333m, [Rating("1a")] = "Q", [UpperAge] = 30, ["budget.colour"] = "red", [CoreBudget] = 1000.5m,
            [FormatKinds] = new[] { "audio", "smoke-signals" },
        }));
        Assert.Equal(422, response.Status);
        Assert.StartsWith("application/problem+json", response.ContentType);
        var errors = response.Body.GetProperty("errors");
        Assert.Equal(
            new[] { CoreBudget, "budget.colour", CaseworkUsers, FormatKinds, Rating("1a"), UpperAge, ManagerFte }.Order(StringComparer.Ordinal),
            errors.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Contains("cannot be negative", errors.GetProperty(CaseworkUsers)[0].GetString());
        Assert.Contains("whole pounds", errors.GetProperty(CoreBudget)[0].GetString());
        Assert.Contains("not a field of the 2013 return", errors.GetProperty("budget.colour")[0].GetString());

        var wrongKind = await api.PutReturn(token, 42, Save(new Dictionary<string, object> { [CoreBudget] = new { amount = 5 }, [CaseworkUsers] = 3 }));
        Assert.Equal(422, wrongKind.Status);
        Assert.Contains("Core PPS budget", wrongKind.Body.GetProperty("errors").GetProperty(CoreBudget)[0].GetString());
        Assert.Null(await api.Store.GetAsync(2013, 42));
    }

    [Fact]
    public async Task A_full_return_is_accepted_and_every_revision_can_be_read_back()
    {
        var api = await StartAsync();
        var token = await api.TokenForAsync(42);
        var v1 = await api.PutReturn(token, 42, Save(FullReturn(400)));
        Assert.Equal(200, v1.Status);
        Assert.Equal(BuiltInDefinitions.For(2013).Fields.Count(), v1.Values.EnumerateObject().Count());
        var v2 = await api.PutReturn(token, 42, Save(FullReturn(410)), v1.ETag);
        await api.Submit(token, 42, null, v2.ETag);

        var history = await Run(api.HistoryApi.History(Request("GET", token), 2013, 42, default));
        Assert.Equal(200, history.Status);
        var revisions = history.Body.GetProperty("revisions").EnumerateArray().ToList();
        Assert.Equal([1, 2, 3], revisions.Select(r => r.GetProperty("revision").GetInt32()));
        Assert.Equal(["save-draft", "save-draft", "submit"], revisions.Select(r => r.GetProperty("action").GetString()));
        Assert.Equal("service:42", revisions[1].GetProperty("by").GetString());
        var change = Assert.Single(revisions[1].GetProperty("changes").EnumerateArray());
        Assert.Equal("410", change.GetProperty("to").GetString());

        var first = await Run(api.HistoryApi.Revision(Request("GET", token), 2013, 42, 1, default));
        Assert.Equal(200, first.Status);
        Assert.Equal(400, first.Values.GetProperty(CaseworkUsers).GetInt32());
        Assert.Equal(404, (await Run(api.HistoryApi.Revision(Request("GET", AdminToken), 2013, 42, 9, default))).Status);
    }

    [Fact]
    public async Task Completeness_shows_every_service_with_its_state_and_the_totals_of_tables_A_and_B()
    {
        var api = await StartAsync();
        await api.SeedLastYearAsync(3, (CaseworkUsers, "100"));
        async Task<ApiResponse> Put(int service, Dictionary<string, object> values) =>
            await api.PutReturn(await api.TokenForAsync(service), service, Save(values));

        await Put(1, new() { [Rating("1a")] = "G" });                                            // draft
        var two = await Put(2, CompleteReturn.Json(new() { [CoreBudget] = 5000 }));            // submitted: A and B
        Assert.Equal(200, (await api.Submit(AdminToken, 2, null, two.ETag)).Status);
        var three = await Put(3, CompleteReturn.Json(new() { [CaseworkUsers] = 300 }));        // submitted by NPPN: A and B, warning confirmed
        Assert.Equal(200, (await api.Submit(AdminToken, 3, new { confirmedWarnings = new[] { "yoy-casework-users" } }, three.ETag)).Status);
        var five = await Put(5, new() { [CaseworkUsers] = 5 });                                 // lacks the ratings: not submitted
        var refused = await api.Submit(AdminToken, 5, null, five.ETag);
        Assert.Equal(422, refused.Status);
        Assert.Equal(34, refused.Body.GetProperty("errors").EnumerateObject().Count(e => e.Name.StartsWith("rating.", StringComparison.Ordinal)));
        Assert.Contains("answer this question before you submit", refused.Body.GetProperty("errors").GetProperty(Rating("6e"))[0].GetString());
        Assert.Equal(34, five.Body.GetProperty("toSubmit").GetArrayLength());
        await Put(4, new() { [CaseworkUsers] = 5 });                                            // draft

        var response = await Run(api.YearsApi.Completeness(Request("GET", AdminToken), 2013, default));
        Assert.Equal(200, response.Status);
        var body = response.Body;
        var services = body.GetProperty("services").EnumerateArray().ToDictionary(s => s.GetProperty("serviceId").GetInt32());
        Assert.True(services.Count >= 150);
        Assert.Equal("draft", services[1].GetProperty("state").GetString());
        Assert.Equal("submitted", services[2].GetProperty("state").GetString());
        Assert.Equal("draft", services[5].GetProperty("state").GetString());
        Assert.Equal("not-started", services[6].GetProperty("state").GetString());
        Assert.Equal(api.Clock.Now, services[2].GetProperty("updatedAt").GetDateTimeOffset());
        Assert.Empty(services[3].GetProperty("unconfirmedWarnings").EnumerateArray());
        Assert.Equal(3, body.GetProperty("byState").GetProperty("draft").GetInt32());
        Assert.Equal(2, body.GetProperty("byState").GetProperty("submitted").GetInt32());

        var totals = body.GetProperty("totals").EnumerateArray().ToDictionary(t => t.GetProperty("table").GetString()!);
        Assert.Equal((2, 150, 1), (totals["Table A"].GetProperty("count").GetInt32(), totals["Table A"].GetProperty("nationalServiceCount").GetInt32(), totals["Table A"].GetProperty("percent").GetInt32()));
        Assert.Equal(2, totals["Table B"].GetProperty("count").GetInt32());
        Assert.Equal(1, totals["Table B"].GetProperty("percent").GetInt32());

        // A draft's unconfirmed warning shows.
        await api.SeedLastYearAsync(4, (CaseworkUsers, "100"));
        var again = await Run(api.YearsApi.Completeness(Request("GET", AdminToken), 2013, default));
        var four = again.Body.GetProperty("services").EnumerateArray().Single(s => s.GetProperty("serviceId").GetInt32() == 4);
        Assert.Equal("yoy-casework-users", Assert.Single(four.GetProperty("unconfirmedWarnings").EnumerateArray()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Nppn_opens_a_year_and_moves_its_closing_date_with_the_etag_it_read()
    {
        var api = await StartAsync();
        var window = new { opens = Opens.AddYears(1), closes = Closes.AddYears(1) };
        // A year opens only with its return definition: 422 before NPPN publishes it.
        Assert.Equal(422, (await Run(api.YearsApi.SetWindow(Request("PUT", AdminToken, window), 2099, default))).Status);
        Assert.IsType<Pps.Core.Storage.DefinitionOutcome.Published>(await api.App.Get<Pps.Core.Storage.DefinitionStore>()
            .PublishAsync(Actor.Nppn, 2014, DefinitionDocuments.CopyOf(2013, 2014).ToJsonString()));
        var created = await Run(api.YearsApi.SetWindow(Request("PUT", AdminToken, window), 2014, default));
        Assert.Equal(201, created.Status);
        Assert.Equal(150, created.Body.GetProperty("nationalServiceCount").GetInt32());
        Assert.Equal(428, (await Run(api.YearsApi.SetWindow(Request("PUT", AdminToken, window), 2014, default))).Status);

        var moved = await Run(api.YearsApi.SetWindow(Request("PUT", AdminToken, new { opens = Opens.AddYears(1), closes = Closes.AddYears(1).AddDays(7) }, created.ETag), 2014, default));
        Assert.Equal(200, moved.Status);
        var stale = await Run(api.YearsApi.SetWindow(Request("PUT", AdminToken, new { opens = Opens.AddYears(1), closes = Closes.AddYears(1).AddDays(1) }, created.ETag), 2014, default));
        Assert.Equal(412, stale.Status);
        Assert.Equal(Closes.AddYears(1).AddDays(7), stale.Body.GetProperty("current").GetProperty("closes").GetDateTimeOffset());
        var backwards = await Run(api.YearsApi.SetWindow(Request("PUT", AdminToken, new { opens = Opens, closes = Opens.AddDays(-1) }, moved.ETag), 2014, default));
        Assert.Equal(422, backwards.Status);

        var token = await api.TokenForAsync(42);
        var read = await Run(api.YearsApi.Get(Request("GET", token), 2013, default));
        Assert.Equal(200, read.Status);
        Assert.Equal("open", read.Body.GetProperty("state").GetString());
        Assert.Equal(403, (await Run(api.YearsApi.Get(Request("GET", token), 2014, default))).Status);
    }

    [Fact]
    public async Task Nppn_marks_a_years_synthetic_parts_and_a_part_that_does_not_exist_is_refused()
    {
        var api = await StartAsync();
        Assert.IsType<Pps.Core.Storage.DefinitionOutcome.Published>(await api.App.Get<Pps.Core.Storage.DefinitionStore>()
            .PublishAsync(Actor.Nppn, 2014, DefinitionDocuments.CopyOf(2013, 2014).ToJsonString()));
        var bad = await Run(api.YearsApi.SetWindow(Request("PUT", AdminToken, new { opens = Opens.AddYears(1), closes = Closes.AddYears(1), synthetic = new[] { "budget" } }), 2014, default));
        Assert.Equal(422, bad.Status);
        Assert.Contains("is not a part of a return; give self-assessment or additional-data", bad.Body.GetRawText(), StringComparison.Ordinal);

        var created = await Run(api.YearsApi.SetWindow(Request("PUT", AdminToken,
            new { opens = Opens.AddYears(1), closes = Closes.AddYears(1), synthetic = new[] { "additional-data" } }), 2014, default));
        Assert.Equal(201, created.Status);
        Assert.Equal(["additional-data"], created.Body.GetProperty("synthetic").EnumerateArray().Select(e => e.GetString()));
        // Moving the dates without naming the parts leaves them as they were; the store keeps them.
        var moved = await Run(api.YearsApi.SetWindow(Request("PUT", AdminToken, new { opens = Opens.AddYears(1), closes = Closes.AddYears(1).AddDays(7) }, created.ETag), 2014, default));
        Assert.Equal(200, moved.Status);
        var read = await Run(api.YearsApi.Get(Request("GET", AdminToken), 2014, default));
        Assert.Equal(["additional-data"], read.Body.GetProperty("synthetic").EnumerateArray().Select(e => e.GetString()));
    }
}
