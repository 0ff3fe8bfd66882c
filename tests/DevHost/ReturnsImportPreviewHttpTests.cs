using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Pps.Core.Catalogue;
using Pps.Core.Storage;
using Pps.Synthetic;
using Pps.Tests.Support;

namespace Pps.Tests.DevHost;

/// <summary>
/// Issue 25: NPPN sees what a returns CSV would change before loading it (rows, services, each field from and to, what
/// would refuse it), and nothing is stored by the preview.
/// </summary>
public class ReturnsImportPreviewHttpTests
{
    [Fact]
    public async Task A_preview_says_what_each_row_would_change_and_what_refuses_it_storing_nothing()
    {
        await using var host = await DevHostFixture.StartAsync();
        await host.Services.GetRequiredService<CollectionYearStore>().SaveAsync(new CollectionYear
        {
            Year = 2013, Opens = new(2013, 9, 1, 0, 0, 0, TimeSpan.Zero), Closes = new(2013, 10, 31, 17, 0, 0, TimeSpan.Zero), NationalServiceCount = 150,
        }, null);
        using (var put = new HttpRequestMessage(HttpMethod.Put, "api/returns/2013/24") { Content = JsonContent.Create(new { values = ExampleReturn.Full(2013) }) })
        {
            put.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await host.TokenForAsync(24));
            Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(put)).StatusCode);
        }
        host.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DevHostFixture.AdminToken);
        var store = host.Services.GetRequiredService<ReturnStore>();
        var before = (await store.GetAsync(2013, 24))!;

        // A merge of one column for 24, and a new return for 25 that lacks every required answer.
        var preview = await PostAsync(host, "service_id,comments.text\n24,Changed by the CSV\n25,Hello\n", "?mode=merge&preview=true");
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        var doc = JsonNode.Parse(await preview.Content.ReadAsStringAsync())!;
        Assert.False((bool)doc["canImport"]!);
        Assert.Equal("merge", (string?)doc["mode"]);
        var rows = doc["rows"]!.AsArray();
        Assert.Equal([24, 25], rows.Select(r => (int)r!["serviceId"]!));
        Assert.Equal(ServiceCatalogue.BuiltIn.Find(24)!.Name, (string?)rows[0]!["name"]);
        Assert.Equal("changed", (string?)rows[0]!["change"]);
        var change = Assert.Single(rows[0]!["fieldsChanged"]!.AsArray());
        Assert.Equal("comments.text", (string?)change!["fieldId"]);
        Assert.Equal("Changed by the CSV", (string?)change["to"]);
        Assert.Equal("new", (string?)rows[1]!["change"]);
        Assert.Equal(1, (int)doc["changed"]!);
        Assert.Equal(1, (int)doc["new"]!);
        Assert.All(doc["problems"]!.AsArray(), p => Assert.Equal(3, (int)p!["line"]!));
        Assert.NotEmpty(doc["problems"]!.AsArray());
        var after = (await store.GetAsync(2013, 24))!;
        Assert.Equal(before.ETag, after.ETag);
        Assert.Null(await store.GetAsync(2013, 25));

        // Without 25, the preview says it can load; loading it changes exactly what the preview said.
        const string csv = "service_id,comments.text\n24,Changed by the CSV\n";
        var ok = JsonNode.Parse(await (await PostAsync(host, csv, "?mode=merge&preview=true")).Content.ReadAsStringAsync())!;
        Assert.True((bool)ok["canImport"]!);
        Assert.Empty(ok["problems"]!.AsArray());
        Assert.Equal(before.ETag, (await store.GetAsync(2013, 24))!.ETag);
        var loaded = await PostAsync(host, csv, "?mode=merge");
        Assert.Equal(HttpStatusCode.OK, loaded.StatusCode);
        Assert.Equal("Changed by the CSV", (await store.GetAsync(2013, 24))!.Values.AsDictionary()["comments.text"]);
        var again = JsonNode.Parse(await (await PostAsync(host, csv, "?mode=merge&preview=true")).Content.ReadAsStringAsync())!;
        Assert.Equal("unchanged", (string?)again["rows"]![0]!["change"]);

        // An unreadable file is refused as a load would be (400 by line and column); a preview flag it cannot read is a 400.
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(host, "service_id,comments.text\n24,\"open\n", "?mode=merge&preview=true")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(host, csv, "?mode=merge&preview=yes")).StatusCode);
    }

    private static Task<HttpResponseMessage> PostAsync(DevHostFixture host, string csv, string query)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("text/csv");
        return host.Client.PostAsync($"api/years/2013/returns/import{query}", content);
    }
}
