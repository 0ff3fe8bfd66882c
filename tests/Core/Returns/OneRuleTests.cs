using Microsoft.Extensions.DependencyInjection;
using Pps.Core.Aggregation;
using Pps.Core.Catalogue;
using Pps.Core.Definition;
using Pps.Core.Publishing;
using Pps.Core.Reference;
using Pps.Core.Returns;
using Pps.Core.Storage;
using Pps.Tests.Support;
using static Pps.Core.Definition.FieldIds;
using static Pps.Tests.Support.Window2013;

namespace Pps.Tests.Core.Returns;

/// <summary>
/// One definition of "returned", and of Tables A and B, shared by the completeness view, the published figures
/// and the close; one behaviour for two returns of one service in one year.
/// </summary>
public class OneRuleTests
{

    private static async Task<TestApp> OpenAsync()
    {
        var app = await TestApp.StartAsync(Opens.AddDays(14));
        await app.Get<CollectionYearStore>().SaveAsync(Collection, null);
        return app;
    }

    private static ReturnChange Change(int serviceId, string? ifMatch, params (string Id, string Value)[] values) =>
        new(2013, serviceId, values.ToDictionary(v => v.Id, v => (string?)v.Value), [], ifMatch);

    private static int Published(NationalResult result, string figureId) => result.Figures.Single(f => f.Id == figureId).Returns;

    private static async Task<(CompletenessReport Completeness, NationalResult Published)> BothViewsAsync(TestApp app)
    {
        var completeness = (await app.Get<ReturnService>().CompletenessAsync(2013))!;
        var published = NationalAggregator.Compute(CloseInputLoader.InputFrom(2013, await app.Get<ReturnStore>().ListYearAsync(2013), ReferenceData.Empty));
        return (completeness, published);
    }

    [Fact]
    public async Task The_key_to_services_is_the_apps_data_a_host_that_registers_another_finds_its_services_on_every_path()
    {
        // A key with a service the built-in one lacks (as when councils merge or split): the host registers it, and the
        // form's rule, the completeness view and the close's pages all read that one key.
        var newtown = new Service(155, "Newtown", "Newtown Borough Council", null, null, "North West", null);
        var key = new ServiceCatalogue([.. ServiceCatalogue.BuiltIn.All, newtown]);
        using var app = await TestApp.StartAsync(Opens.AddDays(14), configure: services => services.AddSingleton(key));
        await app.Get<CollectionYearStore>().SaveAsync(Collection, null);
        var service = app.Get<ReturnService>();

        Assert.IsType<ReturnOutcome.Done>(await service.SubmitAsync(Actor.Nppn, Change(155, null, CompleteReturn.With((Rating("1a"), "G"), (CaseworkUsers, "10")))));
        var listed = Assert.Single((await service.CompletenessAsync(2013))!.Services, s => s.ServiceId == 155);
        Assert.Equal("Newtown", listed.Name);
        Assert.Equal("North West", listed.Region);
        var loaded = await app.Get<CloseInputLoader>().LoadAsync(2013);
        Assert.Equal("Newtown", Assert.Single(Benchmarking.Compute(loaded.Recent), p => p.ServiceId == 155).ServiceName);

        // An app on the built-in key has no service 155.
        using var builtIn = await OpenAsync();
        var refused = Assert.IsType<ReturnOutcome.NotFound>(await builtIn.Get<ReturnService>().SaveDraftAsync(Actor.Nppn, Change(155, null, (CaseworkUsers, "10"))));
        Assert.Contains("no service 155", refused.Message);
    }

    [Fact]
    public async Task A_service_that_had_ended_by_the_year_has_no_return_for_it_by_any_path()
    {
        using var app = await OpenAsync();
        var service = app.Get<ReturnService>();
        // Bedfordshire (26) ended in 2009: the form, the workbook and the CSV all save through this one rule.
        var draft = Assert.IsType<ReturnOutcome.NotFound>(await service.SaveDraftAsync(Actor.Nppn, Change(26, null, (CaseworkUsers, "10"))));
        Assert.Contains("did not exist in 2013", draft.Message);
        Assert.Contains("ended in 2009", draft.Message);
        Assert.IsType<ReturnOutcome.NotFound>(await service.SubmitAsync(Actor.Nppn, Change(26, null, CompleteReturn.With((CaseworkUsers, "10")))));
        Assert.IsType<ReturnOutcome.NotFound>(await service.ReadAsync(Actor.Nppn, 2013, 26));
        Assert.Null(await app.Get<ReturnStore>().GetAsync(2013, 26));
    }

    [Fact]
    public async Task A_submitted_return_under_an_extension_cannot_become_a_draft_and_stays_counted_and_published()
    {
        using var app = await OpenAsync();
        var service = app.Get<ReturnService>();
        var submitted = Assert.IsType<ReturnOutcome.Done>(await service.SubmitAsync(Actor.ForService(42),
            Change(42, null, CompleteReturn.With((Rating("1a"), "G"), (CaseworkUsers, "100"))))).Return;

        app.Clock.Now = Closes.AddDays(1);
        Assert.IsType<YearOutcome.Done>(await app.Get<CollectionWindowService>().GrantExtensionAsync(Actor.Nppn, 2013, 42, Closes.AddDays(14)));
        var current = (await app.Get<ReturnStore>().GetAsync(2013, 42))!.AsOf((await app.Get<CollectionYearStore>().GetAsync(2013))!.Value.Year, app.Clock.Now);
        Assert.Equal(ReturnStatus.Submitted, current.Status);
        // As in the open window: a submitted return is changed only after NPPN reopens it.
        Assert.IsType<ReturnOutcome.Refused>(await service.SaveDraftAsync(Actor.ForService(42),
            Change(42, current.ETag, CompleteReturn.With((Rating("1a"), "N"), (CaseworkUsers, "900")))));
        Assert.IsType<ReturnOutcome.Refused>(await service.SubmitAsync(Actor.ForService(42),
            Change(42, current.ETag, CompleteReturn.With((Rating("1a"), "N"), (CaseworkUsers, "900")))));

        Assert.Equal(submitted.Revision, (await app.Get<ReturnStore>().GetAsync(2013, 42))!.Revision);
        var (completeness, published) = await BothViewsAsync(app);
        Assert.All(completeness.Totals, t => Assert.Equal(1, t.Count));
        Assert.Equal(1, Published(published, "table-a"));
        Assert.Equal(100m, published.Figures.Single(f => f.Id == "table-l").Statistics["total"]);
    }

    public static TheoryData<string, (string, string)[], int, int> Returns => new()
    {
        { "the ratings", CompleteReturn.Ratings("x"), 1, 0 },
        { "the ratings and comments", CompleteReturn.With((Rating("2b"), "B"), (Comments, "A good year.")), 1, 0 },
        { "the ratings, method and budget", CompleteReturn.With((CompletedBy, "PPO+LA"), (CoreBudget, "40000")), 1, 1 },
    };

    [Theory]
    [MemberData(nameof(Returns))]
    public async Task Tables_A_and_B_count_the_same_in_the_completeness_view_and_the_published_figures(
        string what, (string, string)[] values, int tableA, int tableB)
    {
        using var app = await OpenAsync();
        Assert.IsType<ReturnOutcome.Done>(await app.Get<ReturnService>().SubmitAsync(Actor.ForService(7), Change(7, null, values)));
        await CountedAsync(app, what, tableA, tableB);
    }

    public static TheoryData<string, (string, string)[]> Incomplete => new()
    {
        { "comments only", [(Comments, "Nothing to add this year.")] },
        { "method only", [(CompletedBy, "PPO")] },
        { "one rating", [(Rating("2b"), "x")] },
        { "budget only", [(CoreBudget, "40000")] },
        { "33 ratings and the budget", [.. CompleteReturn.Ratings().Where(r => r.Id != Rating("6e")), (CoreBudget, "40000")] },
    };

    /// <summary>
    /// The definition says which answers a return needs before it counts as submitted (the 34 ratings in 2013): a
    /// submit without them is refused naming each, and a return stored as submitted without them (loaded before the
    /// rule, say) counts in neither table, in the completeness view or the published figures.
    /// </summary>
    [Theory]
    [MemberData(nameof(Incomplete))]
    public async Task A_return_without_the_required_answers_cannot_be_submitted_and_is_counted_in_neither_table(string what, (string, string)[] values)
    {
        using var app = await OpenAsync();
        var refused = Assert.IsType<ReturnOutcome.Invalid>(await app.Get<ReturnService>().SubmitAsync(Actor.ForService(7), Change(7, null, values)));
        var missing = CompleteReturn.Ratings().Select(r => r.Id).Where(id => values.All(v => v.Item1 != id)).ToList();
        Assert.Equal(missing, refused.Issues.Where(i => i.Code == "required").Select(i => i.FieldId));
        Assert.Contains(BuiltInDefinitions.For(2013).Field(missing[0]).Label, refused.Issues.First(i => i.Code == "required").Message);
        Assert.Null(await app.Get<ReturnStore>().GetAsync(2013, 7));

        // As if stored before the rule: submitted, yet lacking what the definition requires.
        await app.Get<ReturnStore>().SaveAsync(new ServiceReturn
        {
            ServiceId = 7, Year = 2013, Status = ReturnStatus.Submitted, SubmittedAt = app.Clock.Now, UpdatedAt = app.Clock.Now,
            Values = new ReturnValues(values.Select(v => KeyValuePair.Create(v.Item1, v.Item2))),
        }, null, "service:7", "submit");
        await CountedAsync(app, what, 0, 0);
    }

    private static async Task CountedAsync(TestApp app, string what, int tableA, int tableB)
    {
        var (completeness, published) = await BothViewsAsync(app);

        Assert.True(tableA == completeness.Totals.Single(t => t.Table == "Table A").Count, what);
        Assert.True(tableB == completeness.Totals.Single(t => t.Table == "Table B").Count, what);
        Assert.True(tableA == Published(published, "table-a"), what);
        Assert.True(tableB == Published(published, "table-b"), what);
    }

    [Fact]
    public async Task Services_nationally_is_the_number_NPPN_set_for_the_year_in_the_completeness_view_and_the_published_Table_A()
    {
        using var app = await TestApp.StartAsync(Opens.AddDays(-7));
        Assert.IsType<YearOutcome.Done>(await app.Get<CollectionWindowService>().SetWindowAsync(Actor.Nppn, 2013, new WindowChange(Opens, Closes, 140), null));
        app.Clock.Now = Opens.AddDays(1);
        Assert.IsType<ReturnOutcome.Done>(await app.Get<ReturnService>().SubmitAsync(Actor.ForService(7), Change(7, null, CompleteReturn.With((Rating("1a"), "G")))));

        var total = (await app.Get<ReturnService>().CompletenessAsync(2013))!.Totals.Single(t => t.Table == "Table A");
        Assert.Equal(140, total.NationalServiceCount);

        app.Clock.Now = Closes.AddMinutes(1);
        var manifest = (await app.Get<YearCloser>().CloseAndPublishAsync(2013)).Manifest!;
        var file = manifest.Files.Single(f => f.FigureId == "table-a" && f.ContentType.StartsWith("application/json", StringComparison.Ordinal));
        var json = (await BlobPublishedStore.For(app.Get<PpsStorage>()).ReadAsync(file.Path, CancellationToken.None))!.Value.Content.ToString();
        var rows = System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("rows").EnumerateArray().ToList();
        var row2013 = rows.Single(r => r[0].GetInt32() == 2013);
        Assert.Equal(140, row2013[2].GetInt32()); // the number NPPN set, not the catalogue's 150
        Assert.Equal(1, row2013[1].GetInt32());
    }

    /// <summary>
    /// A draft always saves, whatever rule across fields it breaks (the six time percentages adding to 90): the rule,
    /// and the answers still missing, come back with the stored draft and block only the submit.
    /// </summary>
    [Fact]
    public async Task A_draft_breaking_a_rule_across_fields_is_saved_and_the_rule_blocks_only_the_submit()
    {
        using var app = await OpenAsync();
        var service = app.Get<ReturnService>();
        (string, string)[] time = [(TimeCasework, "50"), (TimeOtherDirect, "10"), (TimePolicy, "10"), (TimeTraining, "10"), (TimeSupervision, "5"), (TimeOther, "5")];

        var draft = Assert.IsType<ReturnOutcome.Done>(await service.SaveDraftAsync(Actor.ForService(7), Change(7, null, [(Rating("1a"), "B"), .. time])));
        Assert.Equal(ReturnStatus.Draft, draft.Return.Status);
        Assert.Equal("50", draft.Return.Values.Text(TimeCasework));
        var sum = Assert.Single(draft.SubmitProblems, p => p.Code != "required");
        Assert.Contains("add up to 90", sum.Message);
        Assert.Equal(33, draft.SubmitProblems.Count(p => p.Code == "required"));
        Assert.DoesNotContain(draft.SubmitProblems, p => p.FieldId == Rating("1a"));

        var read = Assert.IsType<ReturnOutcome.Viewed>(await service.ReadAsync(Actor.ForService(7), 2013, 7));
        Assert.Equal(draft.SubmitProblems, read.View.SubmitProblems);

        var refused = Assert.IsType<ReturnOutcome.Invalid>(await service.SubmitAsync(Actor.ForService(7), Change(7, draft.Return.ETag, CompleteReturn.With(time))));
        Assert.Contains(refused.Issues, i => i.Message.Contains("add up to 90", StringComparison.Ordinal));
        Assert.Equal(ReturnStatus.Draft, (await app.Get<ReturnStore>().GetAsync(2013, 7))!.Status);

        var submitted = Assert.IsType<ReturnOutcome.Done>(await service.SubmitAsync(Actor.ForService(7),
            Change(7, draft.Return.ETag, CompleteReturn.With([.. time.Take(5), (TimeOther, "15")]))));
        Assert.Equal(ReturnStatus.Submitted, submitted.Return.Status);
        Assert.Empty(submitted.SubmitProblems);
    }

    [Theory]
    [InlineData("1a")]
    [InlineData(null)]
    public void Two_returns_of_one_service_in_one_year_are_refused_by_every_part(string? rating)
    {
        (string, string) value = rating is null ? (CoreBudget, "100") : (Rating(rating), "G");
        // Refused where the input is made, so that neither part can keep one of them (Part 1 threw, Part 2 kept the last).
        var error = Assert.Throws<ArgumentException>(() => NationalAggregator.Compute(new AggregationInput
        {
            Year = 2013,
            Returns =
            [
                new ReturnRecord(5, 2013, new ReturnValues([KeyValuePair.Create(value.Item1, value.Item2)])),
                new ReturnRecord(5, 2013, new ReturnValues([KeyValuePair.Create(value.Item1, value.Item2)])),
            ],
        }));
        Assert.Contains("Service 5 has more than one return in 2013", error.Message);
    }
}
