using System.Text.Json.Nodes;
using Pps.Core.Definition;
using Pps.Core.Returns;
using Pps.Core.Storage;
using Pps.Functions.Definitions;
using Pps.Tests.Support;
using static Pps.Tests.Functions.Returns.ApiHarness;

namespace Pps.Tests.Functions.Definitions;

/// <summary>A return definition per collection year, as data: never another year's form.</summary>
public class DefinitionTests
{
    [Theory]
    [InlineData(2009)]
    [InlineData(2010)]
    [InlineData(2011)]
    [InlineData(2012)]
    [InlineData(2013)]
    public void Each_built_in_document_keeps_the_schema_and_heads_its_own_year(int year)
    {
        // The same schema file (docs/schema/return-definition.schema.json, embedded in the core) NPPN's documents are checked against.
        var text = File.ReadAllText(RepoFiles.At("core", "Definition", "Data", $"return-{year}.json"));
        var (checkedDefinition, problems) = DefinitionJson.Check(text);
        Assert.True(problems.Count == 0, string.Join("; ", problems.Select(p => p.Message)));
        Assert.NotNull(checkedDefinition);

        var definition = BuiltInDefinitions.For(year);
        Assert.Equal(year, definition.Year);
        Assert.Equal($"Budget (financial year {year}-{(year + 1) % 100:00})", definition.Sections.Single(s => s.Id == "C").Title);
        Assert.False(string.IsNullOrWhiteSpace(definition.Notes));
    }

    [Fact]
    public void The_2013_document_is_the_2013_form_as_collected()
    {
        var d = BuiltInDefinitions.For(2013);
        Assert.Equal(["A", "B", "C", "D", "E", "F", "G", "H"], d.Sections.Select(s => s.Id));
        Assert.Equal(34, d.Fields.Count(f => f.Type == FieldType.Rating));
        Assert.Equal(66, d.Fields.Count());
        Assert.Equal(["B", "G", "N", "x"], d.Field(FieldIds.Rating("1a")).Options.Select(o => o.Value));
        Assert.Equal(["PPO", "PPO+MG", "PPO+LA"], d.Field(FieldIds.CompletedBy).Options.Select(o => o.Value));
        Assert.Equal(4000, d.Field(FieldIds.Comments).MaxLength);
        Assert.Equal(5, d.Rules.Count);
        Assert.Equal(3, d.YearOnYear.Count);
        Assert.Equal([SectionRole.SelfAssessment, .. Enumerable.Repeat(SectionRole.AdditionalData, 6), SectionRole.Comments], d.Sections.Select(s => s.Role));
    }

    [Fact]
    public async Task A_year_without_a_definition_is_an_error_never_another_years_form()
    {
        Assert.Throws<UnknownDefinitionException>(() => BuiltInDefinitions.For(2097));
        var api = await StartAsync();
        var response = await Run(api.App.Function<GetReturnDefinition>().Run(Request("GET", null), 2097));
        Assert.Equal(404, response.Status);
        Assert.Contains("2013", response.Detail);
    }

    [Fact]
    public async Task Nppn_publishes_next_years_definition_and_the_form_and_validator_follow_it_until_the_year_opens()
    {
        var api = await StartAsync();
        var functions = api.App.Function<DefinitionFunctions>();
        var document = DefinitionDocuments.CopyOf(2013, 2015);
        DefinitionDocuments.Section(document, "C")["title"] = "Budget (financial year 2015-16)";
        DefinitionDocuments.Section(document, "E")["fields"]!.AsArray().Add(new JsonObject
        {
            ["id"] = "access.website", ["label"] = "Web address of the service", ["type"] = "text", ["maxLength"] = 300,
        });
        DefinitionDocuments.Retire(document, FieldIds.IpsNewlyTrained);

        var token = await api.TokenForAsync(42, 2015);
        Assert.Equal(403, (await Run(functions.Publish(Request("PUT", token, document.ToJsonString()), 2015, default))).Status);
        var published = await Run(functions.Publish(Request("PUT", AdminToken, document.ToJsonString()), 2015, default));
        Assert.Equal(201, published.Status);

        var form = await Run(api.App.Function<GetReturnDefinition>().Run(Request("GET", null), 2015));
        Assert.Equal(200, form.Status);
        var sections = form.Body.GetProperty("sections").EnumerateArray().ToList();
        Assert.Equal("Budget (financial year 2015-16)", sections.Single(s => s.GetProperty("id").GetString() == "C").GetProperty("title").GetString());
        var fieldIds = sections.SelectMany(s => s.GetProperty("fields").EnumerateArray()).Select(f => f.GetProperty("id").GetString()).ToList();
        Assert.Contains("access.website", fieldIds);
        Assert.DoesNotContain(FieldIds.IpsNewlyTrained, fieldIds);

        // The year opens with it; the validator follows it.
        var opens = api.Clock.Now.AddDays(1);
        Assert.Equal(201, (await Run(api.YearsApi.SetWindow(Request("PUT", AdminToken, new { opens, closes = opens.AddDays(60) }), 2015, default))).Status);
        api.Clock.Now = opens.AddHours(1);
        var saved = await api.PutReturn(token, 42, Save(new Dictionary<string, object> { ["access.website"] = "https://pps.example", [FieldIds.CaseworkUsers] = 10 }), year: 2015);
        Assert.Equal(200, saved.Status);
        var retired = await api.PutReturn(token, 42, Save(new Dictionary<string, object> { [FieldIds.IpsNewlyTrained] = 3 }), saved.ETag, year: 2015);
        Assert.Equal(422, retired.Status);
        Assert.Contains("not a field of the 2015 return", retired.Body.GetProperty("errors").GetProperty(FieldIds.IpsNewlyTrained)[0].GetString());

        // Once the year has opened its definition can no longer change.
        document["version"] = 2;
        var late = await Run(functions.Publish(Request("PUT", AdminToken, document.ToJsonString()), 2015, default));
        Assert.Equal(409, late.Status);
        Assert.Contains("can no longer change", late.Detail);
        Assert.Equal(1, (await api.App.Get<IDefinitionCatalog>().GetAsync(2015)).Version);
    }

    [Fact]
    public async Task A_document_that_breaks_the_schema_or_the_model_is_refused_naming_where_and_nothing_is_published()
    {
        var api = await StartAsync();
        var store = api.App.Get<DefinitionStore>();

        var badType = DefinitionDocuments.CopyOf(2013, 2096);
        DefinitionDocuments.Section(badType, "C")["fields"]![0]!["type"] = "money";
        var schema = Assert.IsType<DefinitionOutcome.Invalid>(await store.PublishAsync(Actor.Nppn, 2096, badType.ToJsonString()));
        Assert.Contains(schema.Issues, i => i.FieldId.Contains("/sections/2/fields/0", StringComparison.Ordinal));

        var unknownRuleField = DefinitionDocuments.CopyOf(2013, 2096);
        DefinitionDocuments.Retire(unknownRuleField, FieldIds.TimeOther); // the time rule still names it
        var model = Assert.IsType<DefinitionOutcome.Invalid>(await store.PublishAsync(Actor.Nppn, 2096, unknownRuleField.ToJsonString()));
        Assert.Contains(FieldIds.TimeOther, Assert.Single(model.Issues).Message);

        var clash = DefinitionDocuments.CopyOf(2013, 2096);
        DefinitionDocuments.Section(clash, "A")["fields"]![1]!["options"]![3]!["value"] = "b"; // "b" and "B" would be one rating
        var options = Assert.IsType<DefinitionOutcome.Invalid>(await store.PublishAsync(Actor.Nppn, 2096, clash.ToJsonString()));
        Assert.Contains("given twice", Assert.Single(options.Issues).Message);

        var tooMuchText = DefinitionDocuments.CopyOf(2013, 2096);
        DefinitionDocuments.Section(tooMuchText, "H")["fields"]![0]!["maxLength"] = 40_000;
        DefinitionDocuments.Section(tooMuchText, "C")["fields"]!.AsArray().Add(new JsonObject { ["id"] = "budget.notes", ["label"] = "Notes", ["type"] = "text", ["maxLength"] = 2000 });
        var limit = Assert.IsType<DefinitionOutcome.Invalid>(await store.PublishAsync(Actor.Nppn, 2096, tooMuchText.ToJsonString()));
        Assert.Contains("at most 40000", Assert.Single(limit.Issues).Message);

        Assert.IsType<DefinitionOutcome.Refused>(await store.PublishAsync(Actor.Nppn, 2013, DefinitionDocuments.CopyOf(2013, 2013, version: 2).ToJsonString()));
        Assert.Null(await api.App.Get<IDefinitionCatalog>().FindAsync(2096));
        Assert.IsType<DefinitionRead.Missing>(await store.ReadAsync(2096));
    }

    [Fact]
    public async Task A_figure_whose_field_a_year_does_not_collect_publishes_N_0_with_a_note_for_that_year()
    {
        var api = await StartAsync();
        var document = DefinitionDocuments.CopyOf(2013, 2016);
        DefinitionDocuments.Retire(document, FieldIds.CaseworkUsers);
        DefinitionDocuments.Retire(document, FieldIds.ExcludedPupils);
        Assert.IsType<DefinitionOutcome.Published>(await api.App.Get<DefinitionStore>().PublishAsync(Actor.Nppn, 2016, document.ToJsonString()));

        var result = Pps.Core.Aggregation.NationalAggregator.Compute(new Pps.Core.Aggregation.AggregationInput
        {
            Year = 2016,
            Definitions = await api.App.Get<IDefinitionCatalog>().UpToAsync(2016),
            Returns =
            [
                new(1, 2016, new ReturnValues([KeyValuePair.Create(FieldIds.CoreBudget, "50000")])),
                new(2, 2013, new ReturnValues([KeyValuePair.Create(FieldIds.CaseworkUsers, "300")])),
            ],
        });
        Pps.Core.Aggregation.Figure F(string id) => result.Figures.Single(f => f.Id == id);

        Assert.Equal(0, F("table-l").Returns);
        Assert.Equal(1, F("table-l").ReturnsByYear![2013]);
        Assert.Contains(F("table-l").Notes, n => n.StartsWith("Not collected in 2016", StringComparison.Ordinal) && n.Contains("Parent/carer casework service users"));
        Assert.DoesNotContain(F("table-l").Notes, n => n.StartsWith("Not collected in 2013", StringComparison.Ordinal));
        Assert.Equal(0, F("chart-36").Returns);
        Assert.Contains(F("chart-36").Notes, n => n.StartsWith("Not collected in 2016", StringComparison.Ordinal));
        Assert.Equal(1, F("table-e").Returns);
        Assert.DoesNotContain(F("table-e").Notes, n => n.StartsWith("Not collected", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Table F, Charts 16, 19-21, 26-27", "table-f chart-16 chart-19 chart-20 chart-21 chart-26 chart-27")]
    [InlineData("Charts 2-4, Table C", "chart-2 chart-3 chart-4 table-c")]
    [InlineData("Charts 31a-31c", "chart-31a chart-31b chart-31c")]
    [InlineData("Chart 1", "chart-1")]
    public void A_fields_report_reference_names_its_figures(string reportRef, string ids) =>
        Assert.Equal(ids.Split(' '), Pps.Core.Aggregation.NotCollected.FigureIds(reportRef));
}
