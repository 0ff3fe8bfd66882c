using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pps.Core.Catalogue;
using Pps.Core.Storage;
using Pps.Synthetic;
using Pps.Tests.Support;
using static Pps.Tests.Support.Window2013;

namespace Pps.Tests.DevHost;

/// <summary>Issue 23's findings on the JSON endpoints, the workbook upload and caching, over HTTP through the local host.</summary>
public class RequestHardeningHttpTests
{

    private static async Task<(DevHostFixture Host, string ServiceToken)> StartAsync()
    {
        var host = await DevHostFixture.StartAsync();
        await host.Services.GetRequiredService<CollectionYearStore>()
            .SaveAsync(Collection, null);
        var token = await host.TokenForAsync(24);
        using var put = Request(HttpMethod.Put, "api/returns/2013/24", token, JsonContent.Create(new { values = ExampleReturn.Full(2013) }));
        var saved = await host.Client.SendAsync(put);
        Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync());
        return (host, token);
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, string token, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private static async Task<(string ETag, int Audit)> StoredAsync(DevHostFixture host)
    {
        var store = host.Services.GetRequiredService<ReturnStore>();
        return ((await store.GetAsync(2013, 24))!.ETag!, (await store.HistoryAsync(2013, 24)).Count);
    }

    [Theory]
    [InlineData("PUT", "api/returns/2013/24", false)]
    [InlineData("POST", "api/returns/2013/24/submit", false)]
    [InlineData("POST", "api/returns/2013/24/reopen", true)]
    [InlineData("PUT", "api/years/2014", true)]
    [InlineData("POST", "api/years/2013/extensions/24", true)]
    [InlineData("POST", "api/credentials", true)]
    [InlineData("PUT", "api/definitions/2014", true)]
    public async Task A_lone_surrogate_in_a_property_name_is_a_400_on_every_JSON_endpoint(string method, string path, bool asNppn)
    {
        var (host, serviceToken) = await StartAsync();
        await using var _ = host;
        var before = await StoredAsync(host);
        foreach (var body in new[] { "{\"\\ud800\":1}", "{\"values\":{\"\\udfff\":\"x\"}}", "{\"values\":{\"a\\ud800b\":\"x\"}}" })
        {
            using var request = Request(new HttpMethod(method), path, asNppn ? DevHostFixture.AdminToken : serviceToken,
                new StringContent(body, Encoding.UTF8, "application/json"));
            request.Headers.TryAddWithoutValidation("If-Match", before.ETag);
            var response = await host.Client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{method} {path} {body}: {(int)response.StatusCode} {text}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("property name", JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        Assert.Equal(before, await StoredAsync(host));
        Assert.Null(await host.Services.GetRequiredService<CollectionYearStore>().GetAsync(2014));
    }

    [Fact]
    public async Task An_answer_lists_at_most_100_field_errors_and_says_how_many_more_there_are()
    {
        var (host, serviceToken) = await StartAsync();
        await using var _ = host;
        var before = await StoredAsync(host);
        var values = Enumerable.Range(0, 30_000).ToDictionary(i => $"no.such.field{i:00000}", _ => "1");
        using var request = Request(HttpMethod.Put, "api/returns/2013/24", serviceToken, JsonContent.Create(new { values }));
        request.Headers.TryAddWithoutValidation("If-Match", before.ETag);
        var response = await host.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"{(int)response.StatusCode} {text[..Math.Min(500, text.Length)]}");
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal(100, problem.GetProperty("errors").EnumerateObject().Count());
        Assert.Equal(30_000 - 100, problem.GetProperty("moreErrors").GetInt32());
        Assert.Contains("30,000 field(s)", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(text.Length < 32 * 1024, $"{text.Length} characters of errors");
        Assert.Equal(before, await StoredAsync(host));
    }

    [Fact]
    public async Task A_workbook_for_a_year_with_no_definition_is_refused_at_upload_and_nothing_is_stored()
    {
        var (host, _) = await StartAsync();
        await using var __ = host;
        await host.Services.GetRequiredService<CollectionYearStore>().SaveAsync(new CollectionYear
        {
            Year = 2030, Opens = Opens.AddYears(17), Closes = Closes.AddYears(17), NationalServiceCount = 150,
        }, null);
        foreach (var (year, token) in new[] { (1999, DevHostFixture.AdminToken), (2030, DevHostFixture.AdminToken), (2030, await host.TokenForAsync(24, 2030)) })
        {
            var content = new ByteArrayContent(new byte[] { 0x50, 0x4B, 3, 4, 0, 0 });
            content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
            using var request = Request(HttpMethod.Post, $"api/workbooks/{year}/24/uploads", token, content);
            var response = await host.Client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{year}: {(int)response.StatusCode} {text}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains($"no return definition for {year}", text, StringComparison.Ordinal);
        }
        await foreach (var blob in host.Storage.Uploads.GetBlobsAsync()) Assert.Fail($"{blob.Name} was stored");
        await foreach (var blob in host.Storage.Reports.GetBlobsAsync()) Assert.Fail($"{blob.Name} was stored");
    }

    [Theory]
    [InlineData("GET", "api/returns/2013/24", false, HttpStatusCode.OK)]
    [InlineData("GET", "api/returns/2013/24/history", false, HttpStatusCode.OK)]
    [InlineData("GET", "api/me", false, HttpStatusCode.OK)]
    [InlineData("GET", "api/years/2013", false, HttpStatusCode.OK)]
    [InlineData("GET", "api/years", true, HttpStatusCode.OK)]
    [InlineData("GET", "api/credentials", true, HttpStatusCode.OK)]
    [InlineData("GET", "api/years/2013/completeness", true, HttpStatusCode.OK)]
    [InlineData("GET", "api/returns/2013/25", false, HttpStatusCode.Forbidden)]
    public async Task Every_authenticated_answer_says_no_store(string method, string path, bool asNppn, HttpStatusCode status)
    {
        var (host, serviceToken) = await StartAsync();
        await using var _ = host;
        using var request = Request(new HttpMethod(method), path, asNppn ? DevHostFixture.AdminToken : serviceToken);
        var response = await host.Client.SendAsync(request);
        Assert.True(status == response.StatusCode, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());

        var anonymous = await host.Client.GetAsync("api/returns/2013/24");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("no-store", anonymous.Headers.CacheControl?.ToString());
    }
}
