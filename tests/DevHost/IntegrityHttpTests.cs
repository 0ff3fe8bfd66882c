using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pps.Core.Definition;
using Pps.Core.Uploads.Workbook;
using Pps.Synthetic;
using Pps.Tests.Support;
using Pps.Tests.Uploads;
using static Pps.Tests.Support.Window2013;

namespace Pps.Tests.DevHost;

/// <summary>
/// Issue 23, over HTTP through the devhost as it was found: what a service may store never blocks the year's
/// publication, and the window rules are the same under an extension as in the open window.
/// </summary>
public class IntegrityHttpTests
{
    private const int Year = 2091;

    /// <summary>An emoji: one character on screen, two UTF-16 units, stored escaped as \uD83D\uDE00 (12 bytes).</summary>
    private const string Emoji = "\U0001F600";

    /// <summary>
    /// NPPN publishes a definition whose text fields total the documented limit; services fill them with emoji, one up to
    /// the field's limit counted in characters, one up to the limit in bytes as stored. Each save is either refused naming
    /// the field, or accepted, and then the year closes and publishes every return accepted.
    /// </summary>
    [Fact]
    public async Task A_return_at_the_text_limit_filled_with_emoji_is_refused_naming_the_field_or_published()
    {
        await using var host = await DevHostFixture.StartAsync();
        var commentsLimit = ReturnDefinition.MaxTextBytes - 200; // budget.otherName keeps its 200
        await PublishDefinitionAsync(host, commentsLimit);

        var accepted = new List<int>();
        // 42: as many emoji as the limit has characters' worth (what a character count would let through).
        // 43: as many emoji as fit in the limit's bytes as stored; 44: plain text to the byte.
        foreach (var (serviceId, comment) in new[]
                 {
                     (42, string.Concat(Enumerable.Repeat(Emoji, commentsLimit / 2))),
                     (43, string.Concat(Enumerable.Repeat(Emoji, commentsLimit / 12))),
                     (44, new string('x', commentsLimit)),
                 })
        {
            var client = await ServiceClientAsync(host, serviceId);
            var values = ExampleReturn.Full(2013, comment: comment);
            var saved = await client.PutAsJsonAsync($"api/returns/{Year}/{serviceId}", new { values });
            if (saved.StatusCode != HttpStatusCode.OK)
            {
                Assert.Equal(HttpStatusCode.UnprocessableEntity, saved.StatusCode);
                Assert.Equal("application/problem+json", saved.Content.Headers.ContentType?.MediaType);
                var problem = JsonNode.Parse(await saved.Content.ReadAsStringAsync())!;
                var message = (string)problem["errors"]![FieldIds.Comments]![0]!;
                Assert.Contains("bytes", message, StringComparison.Ordinal);
                continue;
            }
            var submit = new HttpRequestMessage(HttpMethod.Post, $"api/returns/{Year}/{serviceId}/submit");
            submit.Headers.TryAddWithoutValidation("If-Match", saved.Headers.NonValidated["ETag"].ToString());
            var submitted = await client.SendAsync(submit);
            Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
            accepted.Add(serviceId);
        }
        Assert.Contains(43, accepted);
        Assert.Contains(44, accepted);

        host.Clock.Now = Closes.AddMinutes(1);
        var recompute = await host.Client.PostAsync($"api/years/{Year}/recompute", null);
        Assert.Equal(HttpStatusCode.OK, recompute.StatusCode);
        using var manifest = JsonDocument.Parse(await recompute.Content.ReadAsStringAsync());
        Assert.Equal(accepted.Count, manifest.RootElement.GetProperty("returns").GetInt32());
        var year = JsonNode.Parse(await host.Client.GetStringAsync($"api/years/{Year}"))!;
        Assert.NotNull(year["publishedAt"]);
    }

    /// <summary>
    /// NPPN grants two services an extension after the closing date: 42 left a draft, 43 submitted on time. Under the
    /// extension 42's return is a draft it can save and submit (not "locked"); 43's stays submitted and, as in the open
    /// window, can be neither saved as a draft nor submitted again (409), so its on-time submission is what publishes.
    /// </summary>
    [Fact]
    public async Task Under_an_extension_granted_after_the_close_the_rules_are_those_of_the_open_window()
    {
        await using var host = await DevHostFixture.StartAsync();
        await OpenAsNppnAsync(host);
        var draft = await ServiceClientAsync(host, 42, 2013);
        var onTime = await ServiceClientAsync(host, 43, 2013);
        var drafted = await draft.PutAsJsonAsync("api/returns/2013/42", new { values = ExampleReturn.Full(2013) });
        Assert.Equal(HttpStatusCode.OK, drafted.StatusCode);
        var saved = await onTime.PutAsJsonAsync("api/returns/2013/43", new { values = ExampleReturn.Full(2013) });
        var submitted = await SendAsync(onTime, HttpMethod.Post, "api/returns/2013/43/submit", null, ETag(saved));
        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);

        host.Clock.Now = Closes.AddDays(1);
        foreach (var serviceId in new[] { 42, 43 })
        {
            var granted = await host.Client.PostAsJsonAsync($"api/years/2013/extensions/{serviceId}", new { until = Closes.AddDays(14) });
            Assert.True(granted.IsSuccessStatusCode, await granted.Content.ReadAsStringAsync());
        }

        var read = await draft.GetAsync("api/returns/2013/42");
        Assert.Equal("draft", (string?)JsonNode.Parse(await read.Content.ReadAsStringAsync())!["status"]);
        var window = JsonNode.Parse(await draft.GetStringAsync("api/years/2013"))!;
        Assert.True((bool)window["acceptsWrites"]!);
        var late = await SendAsync(draft, HttpMethod.Put, "api/returns/2013/42", new { values = ExampleReturn.Full(2013, 401) }, ETag(read));
        Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(draft, HttpMethod.Post, "api/returns/2013/42/submit", null, ETag(late))).StatusCode);

        var stillSubmitted = await onTime.GetAsync("api/returns/2013/43");
        Assert.Equal("submitted", (string?)JsonNode.Parse(await stillSubmitted.Content.ReadAsStringAsync())!["status"]);
        var asDraft = await SendAsync(onTime, HttpMethod.Put, "api/returns/2013/43", new { values = ExampleReturn.Full(2013, 402) }, ETag(stillSubmitted));
        Assert.Equal(HttpStatusCode.Conflict, asDraft.StatusCode);
        var again = await SendAsync(onTime, HttpMethod.Post, "api/returns/2013/43/submit", new { values = ExampleReturn.Full(2013, 402) }, ETag(stillSubmitted));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>
    /// Defect 3, the workbook path, end to end: after the closing date NPPN grants service 24 an extension; 24 uploads a
    /// workbook (the upload endpoint, then the blob trigger the devhost runs) and it is accepted as under the form: the
    /// report says so, the return is changed and reads as a draft (not "locked"), and the audit row names the upload.
    /// Service 25, without an extension, uploads after the close too: refused, saying the collection closed, nothing stored.
    /// </summary>
    [Fact]
    public async Task After_the_close_a_workbook_is_accepted_under_an_extension_and_refused_saying_why_without_one()
    {
        await using var host = await DevHostFixture.StartAsync();
        await OpenAsNppnAsync(host);
        var extended = await ServiceClientAsync(host, 24, 2013);
        var notExtended = await ServiceClientAsync(host, 25, 2013);
        // 24 left a draft in the open window (through the form); 25 sent nothing.
        var drafted = await extended.PutAsJsonAsync("api/returns/2013/24", new { values = ExampleReturn.Full(2013) });
        Assert.Equal(HttpStatusCode.OK, drafted.StatusCode);

        host.Clock.Now = Closes.AddDays(1);
        var granted = await host.Client.PostAsJsonAsync("api/years/2013/extensions/24", new { until = Closes.AddDays(14) });
        Assert.True(granted.IsSuccessStatusCode, await granted.Content.ReadAsStringAsync());

        var ratings = WorkbookEdits.Ratings2013(24);
        var (uploadId, report) = await UploadWorkbookAsync(extended, 24, ratings);
        Assert.Equal("accepted", (string?)report["status"]);
        Assert.Contains("saved as your draft", (string)report["summary"]!, StringComparison.Ordinal);
        var stored = JsonNode.Parse(await extended.GetStringAsync("api/returns/2013/24"))!;
        Assert.Equal("draft", (string?)stored["status"]);
        Assert.Equal(2, (int)stored["revision"]!);
        foreach (var (field, value) in ratings) Assert.Equal(value, (string?)stored["values"]![field]);
        var history = JsonNode.Parse(await extended.GetStringAsync("api/returns/2013/24/history"))!;
        var revision = history["revisions"]!.AsArray().Single(r => (int)r!["revision"]! == 2)!;
        Assert.StartsWith($"Workbook upload {uploadId}", (string)revision["source"]!, StringComparison.Ordinal);

        var (_, refused) = await UploadWorkbookAsync(notExtended, 25, WorkbookEdits.Ratings2013(25));
        Assert.Equal("rejected", (string?)refused["status"]);
        var why = (string)refused["summary"]!;
        Assert.Contains("nothing was changed", why, StringComparison.Ordinal);
        Assert.Contains("The 2013 collection closed on 31 October 2013", why, StringComparison.Ordinal);
        Assert.Contains("Contact NPPN", why, StringComparison.Ordinal);
        Assert.Empty(JsonNode.Parse(await notExtended.GetStringAsync("api/returns/2013/25/history"))!["revisions"]!.AsArray());
    }

    /// <summary>
    /// Defect 5, end to end: 43 submits on time; after the closing date NPPN gives it an extension. Saving it as a draft
    /// or submitting it again is refused under the extension with the 409 it gets in the open window, and it stays
    /// submitted; when NPPN closes and publishes (ending the extension), the published set, read as the site reads it
    /// (index, the year's manifest, the key of services), counts 43's return. Left a draft, it was left out.
    /// </summary>
    [Fact]
    public async Task An_on_time_submission_stays_submitted_under_an_extension_and_is_published_at_the_close()
    {
        await using var host = await DevHostFixture.StartAsync();
        await OpenAsNppnAsync(host);
        var onTime = await ServiceClientAsync(host, 43, 2013);
        var saved = await onTime.PutAsJsonAsync("api/returns/2013/43", new { values = ExampleReturn.Full(2013) });
        var submitted = await SendAsync(onTime, HttpMethod.Post, "api/returns/2013/43/submit", null, ETag(saved));
        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        // What the open window answers a service that tries to change a submitted return.
        var inWindow = await SendAsync(onTime, HttpMethod.Put, "api/returns/2013/43", new { values = ExampleReturn.Full(2013, 402) }, ETag(submitted));
        Assert.Equal(HttpStatusCode.Conflict, inWindow.StatusCode);
        var inWindowDetail = (string?)JsonNode.Parse(await inWindow.Content.ReadAsStringAsync())!["detail"];

        host.Clock.Now = Closes.AddDays(1);
        var granted = await host.Client.PostAsJsonAsync("api/years/2013/extensions/43", new { until = Closes.AddDays(14) });
        Assert.True(granted.IsSuccessStatusCode, await granted.Content.ReadAsStringAsync());
        var read = await onTime.GetAsync("api/returns/2013/43");
        foreach (var (method, path) in new[] { (HttpMethod.Put, "api/returns/2013/43"), (HttpMethod.Post, "api/returns/2013/43/submit") })
        {
            var refused = await SendAsync(onTime, method, path, new { values = ExampleReturn.Full(2013, 402) }, ETag(read));
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.Equal(inWindowDetail, (string?)JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["detail"]);
        }
        Assert.Equal("submitted", (string?)JsonNode.Parse(await onTime.GetStringAsync("api/returns/2013/43"))!["status"]);

        var closed = await host.Client.PostAsJsonAsync("api/years/2013/close", new { endExtensions = new[] { 43 } });
        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        Assert.Equal("published", (string?)JsonNode.Parse(await closed.Content.ReadAsStringAsync())!["status"]);
        var index = JsonNode.Parse(await host.Site.GetStringAsync("data/index.json"))!;
        var entry = index["years"]!.AsArray().Single(y => (int)y!["year"]! == 2013)!;
        var manifest = JsonNode.Parse(await host.Site.GetStringAsync("data/" + (string)entry["manifest"]!))!;
        Assert.Equal(1, (int)manifest["returns"]!);
        var keyFile = manifest["files"]!.AsArray().Single(f => (string?)f!["kind"] == "key")!;
        var key = JsonNode.Parse(await host.Site.GetStringAsync("data/" + (string)keyFile["path"]!))!;
        var service = key["services"]!.AsArray().Single(s => (int)s!["serviceId"]! == 43)!;
        Assert.Equal("returned", (string?)service["status"]);
    }

    /// <summary>Uploads a workbook made from the service's template with <paramref name="answers"/>, and waits for the devhost's trigger to check it.</summary>
    private static async Task<(string UploadId, JsonNode Report)> UploadWorkbookAsync(HttpClient client, int serviceId, IReadOnlyDictionary<string, string?> answers)
    {
        var template = await client.GetAsync($"api/workbooks/2013/{serviceId}");
        Assert.Equal(HttpStatusCode.OK, template.StatusCode);
        var layout = WorkbookLayout.For(BuiltInDefinitions.For(2013));
        var filled = WorkbookFiller.SetCells(await template.Content.ReadAsByteArrayAsync(), WorkbookFiller.Answers(layout, answers.Select(a => KeyValuePair.Create(a.Key, a.Value!))));
        var upload = await client.PostAsync($"api/workbooks/2013/{serviceId}/uploads",
            new ByteArrayContent(filled) { Headers = { ContentType = new MediaTypeHeaderValue(WorkbookTemplate.ContentType) } });
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        var queued = JsonNode.Parse(await upload.Content.ReadAsStringAsync())!;
        var reportPath = ((string)queued["report"]!).TrimStart('/');
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(200))
        {
            var report = JsonNode.Parse(await client.GetStringAsync(reportPath))!;
            if ((string?)report["status"] is "accepted" or "rejected" or "failed") return ((string)queued["uploadId"]!, report);
        }
        throw new TimeoutException($"Upload {reportPath} was not checked within 30 s.");
    }

    /// <summary>
    /// Defect 10: an extension to 9999-12-31 was accepted and the year never closed. The year carries a bound (28 days
    /// after the closing date unless NPPN sets another when opening it, shown in GET); a grant past it is refused naming
    /// "until" and the latest date allowed (422, as every field the API cannot take); a grant to the bound holds the close back only until then.
    /// </summary>
    [Fact]
    public async Task An_extension_is_bounded_so_no_one_return_holds_the_year_back()
    {
        await using var host = await DevHostFixture.StartAsync();
        await OpenAsNppnAsync(host);
        var year = JsonNode.Parse(await host.Client.GetStringAsync("api/years/2013"))!;
        Assert.Equal(28, (int)year["maxExtensionDays"]!);
        var latest = Closes.AddDays(28);
        Assert.Equal(latest, year["latestExtension"]!.GetValue<DateTimeOffset>());

        host.Clock.Now = Closes.AddDays(1);
        var forever = await host.Client.PostAsJsonAsync("api/years/2013/extensions/42", new { until = new DateTimeOffset(9999, 12, 31, 0, 0, 0, TimeSpan.Zero) });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, forever.StatusCode);
        Assert.Equal("application/problem+json", forever.Content.Headers.ContentType?.MediaType);
        var message = (string)JsonNode.Parse(await forever.Content.ReadAsStringAsync())!["errors"]!["until"]![0]!;
        Assert.Contains("28 November 2013, 17:00 UTC", message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await host.Client.PostAsJsonAsync("api/years/2013/extensions/42", new { until = latest.AddMinutes(1) })).StatusCode);
        var granted = await host.Client.PostAsJsonAsync("api/years/2013/extensions/42", new { until = latest });
        Assert.True(granted.IsSuccessStatusCode, await granted.Content.ReadAsStringAsync());

        // The extension holds the close back until it ends, and no longer.
        host.Clock.Now = latest.AddMinutes(-1);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsync("api/years/2013/recompute", null)).StatusCode); // provisional
        Assert.Null(JsonNode.Parse(await host.Client.GetStringAsync("api/years/2013"))!["publishedAt"]);
        host.Clock.Now = latest;
        var recompute = await host.Client.PostAsync("api/years/2013/recompute", null);
        Assert.Equal(HttpStatusCode.OK, recompute.StatusCode);
        Assert.NotNull(JsonNode.Parse(await host.Client.GetStringAsync("api/years/2013"))!["publishedAt"]);
    }

    /// <summary>NPPN sets the bound with the year's dates (and may change it): a grant past it names it; a bound out of range is refused naming it.</summary>
    [Fact]
    public async Task NPPN_sets_the_bound_on_extensions_with_the_dates()
    {
        await using var host = await DevHostFixture.StartAsync();
        host.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DevHostFixture.AdminToken);
        var tooLong = await host.Client.PutAsJsonAsync("api/years/2013", new { opens = Opens, closes = Closes, maxExtensionDays = 400 });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooLong.StatusCode);
        Assert.NotNull(JsonNode.Parse(await tooLong.Content.ReadAsStringAsync())!["errors"]!["maxExtensionDays"]);

        var opened = await host.Client.PutAsJsonAsync("api/years/2013", new { opens = Opens, closes = Closes, maxExtensionDays = 7 });
        Assert.True(opened.IsSuccessStatusCode, await opened.Content.ReadAsStringAsync());
        Assert.Equal(7, (int)JsonNode.Parse(await opened.Content.ReadAsStringAsync())!["maxExtensionDays"]!);
        var refused = await host.Client.PostAsJsonAsync("api/years/2013/extensions/42", new { until = Closes.AddDays(8) });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("7 days", (string)JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["errors"]!["until"]![0]!, StringComparison.Ordinal);

        var moved = await SendAsync(host.Client, HttpMethod.Put, "api/years/2013", new { opens = Opens, closes = Closes, maxExtensionDays = 14 }, ETag(opened));
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.Equal(14, (int)JsonNode.Parse(await host.Client.GetStringAsync("api/years/2013"))!["maxExtensionDays"]!);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsJsonAsync("api/years/2013/extensions/42", new { until = Closes.AddDays(8) })).StatusCode);
    }

    /// <summary>NPPN (the host's client from now on) opens 2013 with the tests' window.</summary>
    private static async Task OpenAsNppnAsync(DevHostFixture host)
    {
        host.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DevHostFixture.AdminToken);
        var opened = await host.Client.PutAsJsonAsync("api/years/2013", new { opens = Opens, closes = Closes, nationalServiceCount = 150 });
        Assert.True(opened.IsSuccessStatusCode, await opened.Content.ReadAsStringAsync());
    }

    private static string ETag(HttpResponseMessage response) => response.Headers.NonValidated["ETag"].ToString();

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, object? body, string ifMatch)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return client.SendAsync(request);
    }

    private static async Task PublishDefinitionAsync(DevHostFixture host, int commentsLimit)
    {
        host.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DevHostFixture.AdminToken);
        var document = DefinitionDocuments.CopyOf(2013, Year);
        DefinitionDocuments.Section(document, "H")["fields"]![0]!["maxLength"] = commentsLimit;
        var published = await host.Client.PutAsync($"api/definitions/{Year}", new StringContent(document.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        Assert.True(published.IsSuccessStatusCode, await published.Content.ReadAsStringAsync());
        var opened = await host.Client.PutAsJsonAsync($"api/years/{Year}", new { opens = Opens, closes = Closes, nationalServiceCount = 150 });
        Assert.True(opened.IsSuccessStatusCode, await opened.Content.ReadAsStringAsync());
    }

    private static async Task<HttpClient> ServiceClientAsync(DevHostFixture host, int serviceId, int year = Year)
    {
        var client = new HttpClient { BaseAddress = host.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await host.TokenForAsync(serviceId, year));
        return client;
    }
}
