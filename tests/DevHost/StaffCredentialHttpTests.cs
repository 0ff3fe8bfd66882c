using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Pps.Synthetic;
using Pps.Tests.Support;

namespace Pps.Tests.DevHost;

/// <summary>
/// Issue 25: NPPN's staff sign in as themselves. The configured admin token sets up the first member of staff and then
/// no longer signs in; each member issues and revokes the others' credentials; every change names its person.
/// </summary>
public class StaffCredentialHttpTests
{
    [Fact]
    public async Task The_admin_token_bootstraps_the_first_member_of_staff_each_change_names_its_person_and_a_revoked_credential_stops_at_once()
    {
        await using var host = await DevHostFixture.StartAsync();
        var admin = Client(host, DevHostFixture.AdminToken);

        var first = await admin.PostAsJsonAsync("api/staff", new { name = "Jane Smith" });
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var jane = JsonNode.Parse(await first.Content.ReadAsStringAsync())!;
        Assert.Equal("nppn", (string?)jane["issuedBy"]);
        var janeToken = (string)jane["token"]!;
        Assert.StartsWith("ppsn_", janeToken, StringComparison.Ordinal);

        // From now on the shared token no longer signs in: every change must name a person.
        var refused = await admin.GetAsync("api/years");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("own", (string)JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["detail"]!, StringComparison.Ordinal);

        var asJane = Client(host, janeToken);
        var me = JsonNode.Parse(await asJane.GetStringAsync("api/me"))!;
        Assert.True((bool)me["nppn"]!);
        Assert.Equal("Jane Smith", (string?)me["staffName"]);
        Assert.Equal("nppn:Jane Smith", (string?)me["id"]);
        var nameless = await asJane.PostAsJsonAsync("api/staff", new { name = " \u200b " });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, nameless.StatusCode);
        Assert.NotNull(JsonNode.Parse(await nameless.Content.ReadAsStringAsync())!["errors"]!["name"]);
        var second = JsonNode.Parse(await (await asJane.PostAsJsonAsync("api/staff", new { name = "Raj Patel" })).Content.ReadAsStringAsync())!;
        Assert.Equal("nppn:Jane Smith", (string?)second["issuedBy"]);
        var asRaj = Client(host, (string)second["token"]!);

        // Jane opens the year and issues a service its credential; Raj reopens its return: the records name each of them.
        var opened = await asJane.PutAsJsonAsync("api/years/2013", new
        {
            opens = new DateTimeOffset(2013, 9, 1, 0, 0, 0, TimeSpan.Zero), closes = new DateTimeOffset(2013, 10, 31, 17, 0, 0, TimeSpan.Zero), nationalServiceCount = 150,
        });
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        var credential = JsonNode.Parse(await (await asJane.PostAsJsonAsync("api/credentials", new { serviceId = 42, year = 2013 })).Content.ReadAsStringAsync())!;
        Assert.Equal("nppn:Jane Smith", (string?)credential["issuedBy"]);
        var service = Client(host, (string)credential["token"]!);
        var saved = await service.PutAsJsonAsync("api/returns/2013/42", new { values = ExampleReturn.Full(2013) });
        var submitted = await SendAsync(service, HttpMethod.Post, "api/returns/2013/42/submit", null, saved.Headers.NonValidated["ETag"].ToString());
        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        var reopened = await SendAsync(asRaj, HttpMethod.Post, "api/returns/2013/42/reopen", new { reason = "Budget queried" }, submitted.Headers.NonValidated["ETag"].ToString());
        Assert.Equal(HttpStatusCode.OK, reopened.StatusCode);
        var history = JsonNode.Parse(await asJane.GetStringAsync("api/returns/2013/42/history"))!["revisions"]!.AsArray();
        Assert.Contains(history, r => (string?)r!["by"] == "nppn:Raj Patel" && (string?)r["reason"] == "Budget queried");
        // A service may not see or issue staff credentials.
        Assert.Equal(HttpStatusCode.Forbidden, (await service.GetAsync("api/staff")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await service.PostAsJsonAsync("api/staff", new { name = "Me" })).StatusCode);

        // Nobody revokes their own credential; Raj revokes Jane's, and it stops at once.
        var janeId = (string)jane["id"]!;
        Assert.Equal(HttpStatusCode.Conflict, (await asJane.DeleteAsync($"api/staff/{janeId}")).StatusCode);
        var revoked = await asRaj.DeleteAsync($"api/staff/{janeId}");
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Equal("nppn:Raj Patel", (string?)JsonNode.Parse(await revoked.Content.ReadAsStringAsync())!["revokedBy"]);
        Assert.Equal(HttpStatusCode.Unauthorized, (await asJane.GetAsync("api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await asRaj.DeleteAsync("api/staff/0123456789abcdef")).StatusCode);
        var list = JsonNode.Parse(await asRaj.GetStringAsync("api/staff"))!.AsArray();
        Assert.Equal(2, list.Count);
        Assert.All(list, c => Assert.Null(c!["token"]));

        // A token with the right id and a wrong secret is refused (its hash is compared, in constant time).
        var forged = (string)second["token"]!;
        forged = forged[..^1] + (forged[^1] == 'A' ? 'B' : 'A');
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client(host, forged).GetAsync("api/me")).StatusCode);
    }

    private static HttpClient Client(DevHostFixture host, string token)
    {
        var client = new HttpClient { BaseAddress = host.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, object? body, string ifMatch)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return client.SendAsync(request);
    }
}
