using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Pps.Core.Catalogue;
using Pps.Core.Definition;
using Pps.Core.Returns;
using Pps.Core.Storage;
using Pps.Core.Uploads;
using Pps.Core.Uploads.Workbook;
using Pps.Functions.Admin;
using Pps.Functions.Definitions;
using Pps.Functions.Returns;
using Pps.Functions.Uploads;
using Pps.Synthetic;
using Pps.Tests.Support;
using static Pps.Tests.Functions.Returns.ApiHarness;

namespace Pps.Tests.Functions.Definitions;

/// <summary>
/// One definition catalog per app instance, over one storage account: what NPPN publishes through one instance
/// every other instance uses at once, for every path (the form, the workbook, the CSV import).
/// </summary>
public class DefinitionCatalogTests
{
    private const int Year = 2014;
    private const string Website = "access.website";
    private static readonly DateTimeOffset Opens = new(Year, 9, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>2013's definition copied for 2014, with a field 2013 did not ask.</summary>
    private static JsonObject Document2014(int version, string websiteLabel)
    {
        var document = DefinitionDocuments.CopyOf(2013, Year, version);
        DefinitionDocuments.Section(document, "C")["title"] = "Budget (financial year 2014-15)";
        DefinitionDocuments.Section(document, "E")["fields"]!.AsArray().Add(new JsonObject
        {
            ["id"] = Website, ["label"] = websiteLabel, ["type"] = "text", ["maxLength"] = 300,
        });
        return document;
    }

    private static async Task<string> LabelServedAsync(TestApp app)
    {
        var form = await Run(app.Function<GetReturnDefinition>().Run(Request("GET", null), Year));
        Assert.True(form.Status == 200, $"GET /api/definitions/{Year}: {form.Status} {form.Detail}");
        return form.Body.GetProperty("sections").EnumerateArray().SelectMany(s => s.GetProperty("fields").EnumerateArray())
            .Single(f => f.GetProperty("id").GetString() == Website).GetProperty("label").GetString()!;
    }

    [Fact]
    public async Task A_definition_NPPN_publishes_through_one_instance_is_used_at_once_by_another_for_the_form_a_workbook_and_a_CSV()
    {
        var before = new DateTimeOffset(Year, 8, 1, 9, 0, 0, TimeSpan.Zero);
        using var first = await TestApp.StartAsync(before);
        using var second = await TestApp.StartAsync(before, first.Options); // another instance on the same storage account

        // The second instance is asked before there is anything to find: it must not remember "none".
        Assert.Equal(404, (await Run(second.Function<GetReturnDefinition>().Run(Request("GET", null), Year))).Status);

        var publish = first.Function<DefinitionFunctions>();
        Assert.Equal(201, (await Run(publish.Publish(Request("PUT", AdminToken, Document2014(1, "Web address").ToJsonString()), Year, default))).Status);
        Assert.Equal("Web address", await LabelServedAsync(second));

        // A second version before the year opens: the other instance serves it at once, not the version it read before.
        Assert.Equal(200, (await Run(publish.Publish(Request("PUT", AdminToken, Document2014(2, "Website address").ToJsonString()), Year, default))).Status);
        Assert.Equal("Website address", await LabelServedAsync(second));

        // NPPN opens the year through the first instance; the services use the second.
        Assert.Equal(201, (await Run(first.Function<YearFunctions>().SetWindow(
            Request("PUT", AdminToken, new { opens = Opens, closes = Opens.AddDays(60) }), Year, default))).Status);
        first.Clock.Now = second.Clock.Now = Opens.AddDays(14);
        var definition = await second.Get<IDefinitionCatalog>().GetAsync(Year);
        Assert.Equal(2, definition.Version);

        // A workbook: downloaded, filled in (the new field too) and uploaded through the second instance.
        var token = (await second.Get<CredentialStore>().IssueAsync(42, Year, "nppn", second.Clock.GetUtcNow(), "test")).Token;
        var workbooks = second.Function<WorkbookFunctions>();
        var (status, template) = await RawAsync(workbooks.Template(Request("GET", token), Year, 42, default));
        Assert.True(status == 200, $"template: {status} {Encoding.UTF8.GetString(template)}");
        var layout = WorkbookLayout.For(definition);
        var filled = WorkbookFiller.SetCells(template, WorkbookFiller.Answer(layout, Website, "https://pps.example"), WorkbookFiller.Answer(layout, FieldIds.CaseworkUsers, "120"));
        var uploaded = await Run(UploadRequest(workbooks, token, filled));
        Assert.True(uploaded.Status == 202, $"upload: {uploaded.Status} {uploaded.Detail}");
        var uploadId = uploaded.Body.GetProperty("uploadId").GetString()!;
        var blob = new UploadName(Year, 42, uploadId).BlobName;
        await second.Function<ValidateUploadedWorkbook>().Run(second.Get<PpsStorage>().Uploads.GetBlobClient(blob), blob, default);
        var report = await Run(workbooks.Report(Request("GET", token), Year, 42, uploadId, default));
        Assert.True(report.Body.GetProperty("status").GetString() == "accepted", report.Body.ToString());
        Assert.Equal("https://pps.example", (await second.Get<ReturnStore>().GetAsync(Year, 42))!.Values.Text(Website));

        // A CSV bulk load through the second instance, with the new field as a column (a merge: only these columns).
        // (The 34 ratings too: a return is loaded as submitted, and 2014, copied from 2013, requires them.)
        var answers = CompleteReturn.With((Website, "https://24.example"), (FieldIds.CaseworkUsers, "80"));
        var csv = $"service_id,{string.Join(',', answers.Select(a => a.Id))}\n24,{string.Join(',', answers.Select(a => a.Value))}\n";
        var csvRequest = Request("POST", AdminToken, csv, contentType: "text/csv");
        csvRequest.QueryString = new Microsoft.AspNetCore.Http.QueryString("?mode=merge");
        var imported = await Run(second.Function<ReturnsCsvFunctions>().Import(csvRequest, Year, default));
        Assert.True(imported.Status == 200, imported.Body.ToString());
        Assert.Equal(1, imported.Body.GetProperty("imported").GetInt32());

        // And the returns API of the second instance shows it.
        var read = await Run(second.Function<ReturnFunctions>().Get(Request("GET", AdminToken), Year, 24, default));
        Assert.Equal("https://24.example", read.Values.GetProperty(Website).GetString());
        Assert.Equal(80, read.Values.GetProperty(FieldIds.CaseworkUsers).GetInt32());
    }

    [Fact]
    public async Task A_published_year_is_read_again_until_it_has_opened_and_then_kept_without_reading_storage()
    {
        var before = new DateTimeOffset(Year, 8, 1, 9, 0, 0, TimeSpan.Zero);
        using var app = await TestApp.StartAsync(before);
        var catalog = app.Get<IDefinitionCatalog>();
        var store = app.Get<DefinitionStore>();
        Assert.IsType<DefinitionOutcome.Published>(await store.PublishAsync(Actor.Nppn, Year, Document2014(1, "Web address").ToJsonString()));
        Assert.Equal(1, (await catalog.GetAsync(Year)).Version);

        // What is stored is what is served while the year has not opened (here written as another instance's store writes it).
        var blob = app.Get<PpsStorage>().Reference.GetBlobClient($"definitions/return-{Year}.json");
        await blob.UploadAsync(BinaryData.FromString(Document2014(2, "Website").ToJsonString()), overwrite: true);
        Assert.Equal(2, (await catalog.GetAsync(Year)).Version);

        await app.Get<CollectionYearStore>().SaveAsync(new CollectionYear { Year = Year, Opens = Opens, Closes = Opens.AddDays(60), NationalServiceCount = 150 }, null);
        app.Clock.Now = Opens.AddSeconds(30); // open, but a publish that began before the opening may still be landing
        await blob.UploadAsync(BinaryData.FromString(Document2014(3, "Site").ToJsonString()), overwrite: true);
        Assert.Equal(3, (await catalog.GetAsync(Year)).Version);

        // Settled: the definition can no longer change, so it is kept. The blob is changed behind the store's back
        // (which the store itself refuses) only to show that the catalog no longer reads it.
        app.Clock.Now = Opens + DefinitionCatalog.Settle;
        Assert.Equal(3, (await catalog.GetAsync(Year)).Version);
        await blob.UploadAsync(BinaryData.FromString(Document2014(4, "Web").ToJsonString()), overwrite: true);
        Assert.Equal(3, (await catalog.GetAsync(Year)).Version);
        Assert.IsType<DefinitionOutcome.Refused>(await store.PublishAsync(Actor.Nppn, Year, Document2014(5, "Web").ToJsonString()));

        // Nor can the year be made to look unopened again, which would let a new version through.
        var (_, etag) = (await app.Get<CollectionYearStore>().GetAsync(Year))!.Value;
        var later = app.Clock.Now.AddDays(1);
        var moved = await app.Get<CollectionWindowService>().SetWindowAsync(Actor.Nppn, Year, new WindowChange(later, later.AddDays(60), null), etag);
        Assert.Contains("cannot move into the future", Assert.IsType<YearOutcome.Refused>(moved).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_close_reads_the_definitions_of_its_year_and_those_before_it_and_no_later_one()
    {
        using var app = await TestApp.StartAsync(new DateTimeOffset(Year, 8, 1, 9, 0, 0, TimeSpan.Zero));
        var store = app.Get<DefinitionStore>();
        Assert.IsType<DefinitionOutcome.Published>(await store.PublishAsync(Actor.Nppn, Year, Document2014(1, "Web address").ToJsonString()));
        Assert.IsType<DefinitionOutcome.Published>(await store.PublishAsync(Actor.Nppn, Year + 1, DefinitionDocuments.CopyOf(2013, Year + 1).ToJsonString()));
        var catalog = app.Get<IDefinitionCatalog>();
        Assert.Equal([2009, 2010, 2011, 2012, 2013, Year, Year + 1], await catalog.YearsAsync());
        Assert.Equal([2009, 2010, 2011, 2012, 2013, Year], (await catalog.UpToAsync(Year)).Years);
        Assert.Equal([2009, 2010, 2011, 2012, 2013], (await catalog.UpToAsync(2013)).Years);
    }

    private static Task<IActionResult> UploadRequest(WorkbookFunctions workbooks, string token, byte[] file)
    {
        var request = Request("POST", token);
        request.Body = new MemoryStream(file);
        request.ContentLength = file.Length;
        request.ContentType = WorkbookTemplate.ContentType;
        return workbooks.Upload(request, Year, 42, default);
    }

    private static async Task<(int Status, byte[] Body)> RawAsync(Task<IActionResult> call)
    {
        var result = await call;
        var context = new DefaultHttpContext();
        var body = new MemoryStream();
        context.Response.Body = body;
        await result.ExecuteResultAsync(new ActionContext(context, new Microsoft.AspNetCore.Routing.RouteData(), new Microsoft.AspNetCore.Mvc.Abstractions.ActionDescriptor()));
        return (context.Response.StatusCode, body.ToArray());
    }
}
