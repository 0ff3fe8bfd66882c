using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Pps.Core.Catalogue;
using Pps.Core.Definition;
using Pps.Core.Returns;
using Pps.Core.Storage;
using Pps.Core.Uploads.Workbook;
using Pps.Core.Validation;
using Pps.Functions.Returns;
using Pps.Synthetic;
using Pps.Tests.Functions.Returns;
using Pps.Tests.Support;
using static Pps.Core.Definition.FieldIds;

namespace Pps.Tests.Uploads;

/// <summary>
/// One intake check for every path (docs/architecture.md, "A return in"): the form, a workbook and a CSV row get their
/// problems from <see cref="CheckedReturn.Check"/> and only place them (a field, a cell, a line); the write stores what
/// the check read and checks nothing again, and takes answers only as the check made them.
/// </summary>
public class OneCheckTests
{
    private static readonly ReturnDefinition Definition = BuiltInDefinitions.For(2013);

    /// <summary>Three answers each path reads as given and the check refuses: a negative count, an FTE and a budget too precise.</summary>
    private static readonly (string Id, string Value)[] Broken = [(CaseworkUsers, "-3"), (ManagerFte, "1.333"), (CoreBudget, "1000.5")];

    [Fact]
    public async Task The_same_broken_return_gives_the_same_problems_from_the_one_check_through_the_form_a_workbook_and_a_CSV_row()
    {
        var app = await UploadHarness.StartAsync();
        var token = await app.TokenForAsync(24);
        var expected = CheckedReturn.Check(Definition, 24, Broken.ToDictionary(b => b.Id, b => (string?)b.Value), null).Errors
            .Select(e => (e.FieldId, e.Message)).Order().ToList();
        Assert.Equal(Broken.Select(b => b.Id).Order(), expected.Select(e => e.FieldId));

        // The form's API: problem details, each problem under its field.
        var form = ActivatorUtilities.CreateInstance<ReturnFunctions>(app.Provider);
        var body = new JsonObject { ["values"] = new JsonObject(Broken.Select(b => KeyValuePair.Create(b.Id, (JsonNode?)JsonValue.Create(decimal.Parse(b.Value, System.Globalization.CultureInfo.InvariantCulture))))) };
        var saved = await ApiHarness.Run(form.SaveDraft(ApiHarness.Request("PUT", token, body.ToJsonString()), 2013, 24, default));
        Assert.Equal(422, saved.Status);
        var byField = saved.Body.GetProperty("errors").EnumerateObject().SelectMany(p => p.Value.EnumerateArray().Select(m => (p.Name, m.GetString()!))).Order().ToList();
        Assert.Equal(expected, byField);

        // A workbook: the upload's report, each problem at its field's cell.
        var layout = WorkbookLayout.For(Definition);
        var filled = WorkbookFiller.SetCells(await app.DownloadTemplateAsync(token, 24), [.. Broken.Select(b => WorkbookFiller.Answer(layout, b.Id, b.Value))]);
        var report = await app.UploadAndCheckAsync(token, 24, filled);
        Assert.Equal("rejected", report.GetProperty("status").GetString());
        var problems = report.GetProperty("problems").EnumerateArray().ToList();
        Assert.Equal(expected, problems.Select(p => (p.GetProperty("field").GetString()!, p.GetProperty("message").GetString()!)).Order().ToList());
        Assert.All(problems, p => Assert.Equal(layout.CellsOf(p.GetProperty("field").GetString()!)[0].Reference, p.GetProperty("cell").GetString()));

        // A CSV row (NPPN's merge of these columns): each problem on the row's line, in the field's column. A loaded row is
        // submitted, so the load also lists the answers a submitted return lacks; these three are the check's own words.
        var csv = $"service_id,{string.Join(",", Broken.Select(b => b.Id))}\n24,{string.Join(",", Broken.Select(b => b.Value))}\n";
        var loaded = await app.ImportCsvAsync(ApiHarness.AdminToken, 2013, csv, "?mode=merge");
        Assert.Equal(422, loaded.Status);
        var lines = loaded.Body.GetProperty("problems").EnumerateArray()
            .Where(p => Broken.Any(b => b.Id == p.GetProperty("column").GetString())).ToList();
        Assert.All(lines, p => Assert.Equal(2, p.GetProperty("line").GetInt32()));
        Assert.Equal(expected, lines.Select(p => (p.GetProperty("column").GetString()!, p.GetProperty("message").GetString()!)).Order().ToList());

        Assert.Null(await app.Store.GetAsync(2013, 24));
    }

    [Fact]
    public void Answers_reach_the_write_only_as_the_check_made_them()
    {
        // No public way to make a checked return but the check: its constructor and the validator behind it are the
        // domain's own, and the domain shows its internals to the tests alone.
        Assert.Empty(typeof(CheckedReturn).GetConstructors());
        Assert.All(typeof(CheckedReturn).GetConstructors(BindingFlags.Instance | BindingFlags.NonPublic), c => Assert.True(c.IsAssembly));
        Assert.Null(typeof(ReturnValidator).GetMethod(nameof(ReturnValidator.Validate), BindingFlags.Static | BindingFlags.Public));
        Assert.Equal(["Pps.Tests"], typeof(CheckedReturn).Assembly.GetCustomAttributes<InternalsVisibleToAttribute>().Select(a => a.AssemblyName));
        var makers = new[] { typeof(CheckedReturn).Assembly, typeof(ReturnService).Assembly, typeof(ReturnFunctions).Assembly }
            .SelectMany(a => a.GetExportedTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(m => m.ReturnType == typeof(CheckedReturn) && !m.IsSpecialName) // makers, not getters
            .Select(m => $"{m.DeclaringType!.Name}.{m.Name}");
        Assert.Equal(["CheckedReturn.Check"], makers);

        // The write takes raw answers, which it checks, or checked ones, which it stores: no other kind of change.
        Assert.Equal([typeof(CheckedChange), typeof(ReturnChange)],
            typeof(ReturnService).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(ReturnWrite))).OrderBy(t => t.Name));
    }

    [Fact]
    public async Task The_write_stores_what_the_check_read_and_refuses_it_once_NPPN_has_published_another_version_of_the_year()
    {
        const int year = 2014;
        using var app = await TestApp.StartAsync(new DateTimeOffset(year, 8, 1, 9, 0, 0, TimeSpan.Zero));
        var opens = new DateTimeOffset(year, 9, 1, 0, 0, 0, TimeSpan.Zero);
        await app.Get<CollectionYearStore>().SaveAsync(new CollectionYear { Year = year, Opens = opens, Closes = opens.AddDays(60), NationalServiceCount = 150 }, null);
        var store = app.Get<DefinitionStore>();
        var catalog = app.Get<IDefinitionCatalog>();
        var service = app.Get<ReturnService>();
        var raw = CompleteReturn.Raw((CaseworkUsers, "120"), (ManagerFte, "1.5"));

        Assert.IsType<DefinitionOutcome.Published>(await store.PublishAsync(Actor.Nppn, year, DefinitionDocuments.CopyOf(2013, year, version: 1).ToJsonString()));
        var checkedAgainstFirst = CheckedReturn.Check(await catalog.GetAsync(year), 24, raw, null);
        Assert.True(checkedAgainstFirst.IsValid);

        // NPPN publishes version 2 before the year opens: what the check said of the answers may not hold for it.
        Assert.IsType<DefinitionOutcome.Published>(await store.PublishAsync(Actor.Nppn, year, DefinitionDocuments.CopyOf(2013, year, version: 2).ToJsonString()));
        var refused = Assert.IsType<ReturnOutcome.Refused>(await service.SaveDraftAsync(Actor.Nppn, new CheckedChange(checkedAgainstFirst, [], null)));
        Assert.Contains("changed (version 1 to 2)", refused.Message, StringComparison.Ordinal);
        Assert.Null(await app.Get<ReturnStore>().GetAsync(year, 24));

        // Checked against the year's definition, the answers are stored as the check read them.
        var checkedAgainstSecond = CheckedReturn.Check(await catalog.GetAsync(year), 24, raw, null);
        var done = Assert.IsType<ReturnOutcome.Done>(await service.SaveDraftAsync(Actor.Nppn, new CheckedChange(checkedAgainstSecond, [], null)));
        Assert.Same(checkedAgainstSecond.Values, done.Return.Values);
        Assert.Equal(24, done.Return.ServiceId);
        Assert.Equal(year, done.Return.Year);
    }
}
