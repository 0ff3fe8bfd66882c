using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Pps.Tests.Support;

namespace Pps.Tests.DevHost;

/// <summary>
/// Issue 25: the console checks next year's definition before publishing it, through the API's own check (the schema and
/// what it cannot say), and draws the preview from what the check answers. Nothing is stored by a check.
/// </summary>
public class DefinitionCheckHttpTests
{
    [Fact]
    public async Task A_definition_is_checked_naming_each_problem_by_its_place_and_answered_as_the_form_reads_it_storing_nothing()
    {
        await using var host = await DevHostFixture.StartAsync();
        host.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DevHostFixture.AdminToken);
        var document = JsonNode.Parse(await host.Client.GetStringAsync("api/definitions/2013/document"))!;
        document["year"] = 2014;
        var first = document["sections"]![0]!["fields"]![0]!;
        first["label"] = "";

        var refused = await PostAsync(host.Client, "api/definitions/2014/check", document.ToJsonString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!;
        Assert.NotNull(problem["errors"]!["/sections/0/fields/0/label"]);

        first["label"] = "Who completed the 2014 self-assessment";
        var wrongYear = await PostAsync(host.Client, "api/definitions/2015/check", document.ToJsonString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrongYear.StatusCode);
        Assert.NotNull(JsonNode.Parse(await wrongYear.Content.ReadAsStringAsync())!["errors"]!["/year"]);
        var notJson = await PostAsync(host.Client, "api/definitions/2014/check", "{\"year\": 2014,");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, notJson.StatusCode);

        var ok = await PostAsync(host.Client, "api/definitions/2014/check", document.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var form = JsonNode.Parse(await ok.Content.ReadAsStringAsync())!;
        Assert.Equal(2014, (int)form["year"]!);
        Assert.Equal("Who completed the 2014 self-assessment", (string?)form["sections"]![0]!["fields"]![0]!["label"]);
        // Checked, not published: the form still has no 2014 definition.
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync("api/definitions/2014")).StatusCode);

        var service = new HttpClient { BaseAddress = host.BaseUrl };
        service.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await host.TokenForAsync(42));
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(service, "api/definitions/2014/check", document.ToJsonString())).StatusCode);
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string json) =>
        client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
}
