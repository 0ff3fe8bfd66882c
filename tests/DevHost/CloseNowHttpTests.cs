using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Pps.Core.Catalogue;
using Pps.Synthetic;
using Pps.Tests.Support;

namespace Pps.Tests.DevHost;

/// <summary>
/// Issue 23 (defect 10) and 25: NPPN closes and publishes a year with extensions outstanding, after a preview of what the
/// close leaves out, so no single service can hold a year back. Over HTTP through the devhost, as the console calls it.
/// </summary>
public class CloseNowHttpTests
{
    private static readonly DateTimeOffset Opens = new(2013, 9, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Closes = new(2013, 10, 31, 17, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task NPPN_sees_what_a_close_leaves_out_then_publishes_with_extensions_outstanding_ending_them_on_record()
    {
        await using var host = await DevHostFixture.StartAsync();
        host.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DevHostFixture.AdminToken);
        // The longest bound on extensions NPPN may set (a year past the closing date), so that 46 can be given a year.
        var opened = await host.Client.PutAsJsonAsync("api/years/2013", new { opens = Opens, closes = Closes, nationalServiceCount = 150, maxExtensionDays = 365 });
        Assert.True(opened.IsSuccessStatusCode, await opened.Content.ReadAsStringAsync());

        // 42 and 44 submit, 43 leaves a draft; 45 and 46 are given until well after the closing date (the far one a year on).
        foreach (var serviceId in new[] { 42, 43, 44 })
        {
            var client = await ServiceClientAsync(host, serviceId);
            var saved = await client.PutAsJsonAsync($"api/returns/2013/{serviceId}", new { values = ExampleReturn.Full(2013) });
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
            if (serviceId == 43) continue;
            var submit = new HttpRequestMessage(HttpMethod.Post, $"api/returns/2013/{serviceId}/submit");
            submit.Headers.TryAddWithoutValidation("If-Match", saved.Headers.NonValidated["ETag"].ToString());
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(submit)).StatusCode);
        }
        foreach (var (serviceId, until) in new[] { (45, Closes.AddDays(8)), (46, Closes.AddYears(1)) })
        {
            var granted = await host.Client.PostAsJsonAsync($"api/years/2013/extensions/{serviceId}", new { until });
            Assert.True(granted.IsSuccessStatusCode, await granted.Content.ReadAsStringAsync());
        }
        host.Clock.Now = Closes.AddDays(1);

        // The preview: what counts, the draft left out and the extensions still running, each by the service's name.
        var preview = JsonNode.Parse(await host.Client.GetStringAsync("api/years/2013/close"))!;
        Assert.True((bool)preview["canClose"]!);
        Assert.Equal(2, (int)preview["returnsCounted"]!);
        Assert.Equal([43], Ids(preview["draftsLeftOut"]!));
        // Not started: of the year's 150 services (as NPPN opened it), not of the register's services of 2013.
        Assert.Equal(150 - 3, (int)preview["notStarted"]!);
        Assert.Equal(ServiceCatalogue.BuiltIn.Find(43)!.Name, (string?)preview["draftsLeftOut"]![0]!["name"]);
        Assert.Equal([45, 46], Ids(preview["openExtensions"]!));
        Assert.Equal(ServiceCatalogue.BuiltIn.Find(46)!.Name, (string?)preview["openExtensions"]![1]!["name"]);
        Assert.Equal(Closes.AddYears(1), (DateTimeOffset)preview["openExtensions"]![1]!["at"]!);
        // The scheduled close would wait for 46 a whole year: the year is not due.
        Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsync("api/years/2013/recompute", null)).StatusCode);
        Assert.Null(JsonNode.Parse(await host.Client.GetStringAsync("api/years/2013"))!["publishedAt"]);

        // A service may neither look nor close.
        var service = await ServiceClientAsync(host, 42);
        Assert.Equal(HttpStatusCode.Forbidden, (await service.GetAsync("api/years/2013/close")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await service.PostAsJsonAsync("api/years/2013/close", new { endExtensions = new[] { 45, 46 } })).StatusCode);

        // Confirming other extensions than those running ends none and closes nothing: 409 with the preview as it is now.
        var stale = await host.Client.PostAsJsonAsync("api/years/2013/close", new { endExtensions = new[] { 45 } });
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal("application/problem+json", stale.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await stale.Content.ReadAsStringAsync())!;
        Assert.Contains(ServiceCatalogue.BuiltIn.Find(46)!.Name, (string)problem["detail"]!, StringComparison.Ordinal);
        Assert.Equal([45, 46], Ids(problem["preview"]!["openExtensions"]!));
        var untouched = JsonNode.Parse(await host.Client.GetStringAsync("api/years/2013"))!;
        Assert.Equal(2, untouched["extensions"]!.AsObject().Count);
        Assert.Null(untouched["closedAt"]);
        // A body the API cannot read is a 400 naming the problem, never a 500.
        var unreadable = await host.Client.PostAsync("api/years/2013/close", new StringContent("{\"endExtensions\": \"45\"}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, unreadable.StatusCode);

        // Close and publish now, ending both extensions.
        var closed = await host.Client.PostAsJsonAsync("api/years/2013/close", new { endExtensions = new[] { 45, 46 } });
        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        var outcome = JsonNode.Parse(await closed.Content.ReadAsStringAsync())!;
        Assert.Equal("published", (string?)outcome["status"]);
        Assert.Equal(2, (int)outcome["returnsCounted"]!);
        Assert.Equal([43], Ids(outcome["draftsLeftOut"]!));
        Assert.Equal([45, 46], Ids(outcome["extensionsEnded"]!));
        Assert.Equal("nppn", (string?)outcome["extensionsEnded"]![0]!["endedBy"]);

        // The year is published with that version, its extensions gone and recorded as ended, by whom and when.
        var year = JsonNode.Parse(await host.Client.GetStringAsync("api/years/2013"))!;
        Assert.Equal("published", (string?)year["state"]);
        Assert.Empty(year["extensions"]!.AsObject());
        Assert.Equal([45, 46], Ids(year["endedExtensions"]!));
        Assert.Equal(host.Clock.Now, (DateTimeOffset)year["endedExtensions"]![1]!["endedAt"]!);
        Assert.Equal(Closes.AddYears(1), (DateTimeOffset)year["endedExtensions"]![1]!["until"]!);
        var manifest = JsonNode.Parse(await host.Site.GetStringAsync("data/2013/manifest.json"))!;
        Assert.Equal((string?)outcome["version"], (string?)manifest["version"]);
        Assert.Equal(2, (int)manifest["returns"]!);

        // 46's extension is over: its return can no longer be written; the service sees its own ended extension.
        var late = await ServiceClientAsync(host, 46);
        Assert.Equal(HttpStatusCode.Conflict, (await late.PutAsJsonAsync("api/returns/2013/46", new { values = ExampleReturn.Full(2013) })).StatusCode);
        var seen = JsonNode.Parse(await late.GetStringAsync("api/years/2013"))!;
        Assert.False((bool)seen["acceptsWrites"]!);
        Assert.Equal([46], Ids(seen["endedExtensions"]!));

        // Each ended extension is in that service's return history, as the service and NPPN read it: 46 never saved (no
        // revision), 45 neither; 42's history, with no extension, has its revisions and no event.
        foreach (var (serviceId, until) in new[] { (45, Closes.AddDays(8)), (46, Closes.AddYears(1)) })
        {
            foreach (var reader in new[] { await ServiceClientAsync(host, serviceId), host.Client })
            {
                var history = JsonNode.Parse(await reader.GetStringAsync($"api/returns/2013/{serviceId}/history"))!;
                Assert.Empty(history["revisions"]!.AsArray());
                var ending = Assert.Single(history["events"]!.AsArray())!;
                Assert.Equal("extension-ended", (string?)ending["action"]);
                Assert.Equal(until, (DateTimeOffset)ending["until"]!);
                Assert.Equal(host.Clock.Now, (DateTimeOffset)ending["at"]!);
                Assert.Equal("nppn", (string?)ending["by"]);
            }
        }
        var submittedHistory = JsonNode.Parse(await host.Client.GetStringAsync("api/returns/2013/42/history"))!;
        Assert.Equal(2, submittedHistory["revisions"]!.AsArray().Count);
        Assert.Empty(submittedHistory["events"]!.AsArray());

        // Once published, a close is refused in words (the preview says so too), and an unknown year is a 404.
        var again = JsonNode.Parse(await host.Client.GetStringAsync("api/years/2013/close"))!;
        Assert.False((bool)again["canClose"]!);
        Assert.Contains("published", (string)again["refusal"]!, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, (await host.Client.PostAsJsonAsync("api/years/2013/close", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync("api/years/2099/close")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.PostAsync("api/years/2099/close", null)).StatusCode);
    }

    [Fact]
    public async Task A_year_not_yet_open_cannot_be_closed_and_an_open_one_closes_now_without_a_body()
    {
        await using var host = await DevHostFixture.StartAsync(now: Opens.AddDays(-10));
        host.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DevHostFixture.AdminToken);
        var opened = await host.Client.PutAsJsonAsync("api/years/2013", new { opens = Opens, closes = Closes, nationalServiceCount = 150 });
        Assert.True(opened.IsSuccessStatusCode, await opened.Content.ReadAsStringAsync());

        var early = await host.Client.PostAsync("api/years/2013/close", null);
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Contains("not opened", (string)JsonNode.Parse(await early.Content.ReadAsStringAsync())!["detail"]!, StringComparison.Ordinal);

        // In the open window, with nothing returned and no extension: the closing date moves to now and an empty set publishes.
        host.Clock.Now = Opens.AddDays(5);
        var closed = await host.Client.PostAsync("api/years/2013/close", null);
        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        Assert.Equal(0, (int)JsonNode.Parse(await closed.Content.ReadAsStringAsync())!["returnsCounted"]!);
        var year = JsonNode.Parse(await host.Client.GetStringAsync("api/years/2013"))!;
        Assert.Equal(host.Clock.Now, (DateTimeOffset)year["closes"]!);
        Assert.NotNull(year["publishedAt"]);
    }

    private static List<int> Ids(JsonNode list) => list.AsArray().Select(n => (int)n!["serviceId"]!).ToList();

    private static async Task<HttpClient> ServiceClientAsync(DevHostFixture host, int serviceId)
    {
        var client = new HttpClient { BaseAddress = host.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await host.TokenForAsync(serviceId, 2013));
        return client;
    }
}
