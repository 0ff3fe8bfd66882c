using System.Net;
using System.Text.Json;
using Pps.Tests.Support;

namespace Pps.Tests.DevHost;

/// <summary>
/// The devhost's production topology (--topology production): the site, packaged by site/package.mjs as the
/// deployment packages it, served from its own origin as Azure's static website serves $web (index and 404
/// documents, the blob's headers only), and the API on a second origin with the function app's CORS.
/// </summary>
public class ProductionTopologyTests
{
    private static Task<DevHostFixture> StartAsync()
    {
        var site = RepoFiles.At("site", "dist");
        Assert.True(File.Exists(Path.Combine(site, "index.html")), $"The site is not built: run `npm ci && npm run build` in site/ ({site}).");
        return DevHostFixture.StartAsync(new Dictionary<string, string> { ["DevHost:Site"] = site, ["topology"] = "production" });
    }

    [Fact]
    public async Task The_site_is_served_as_the_static_website_serves_it_with_its_configuration_and_no_headers_of_the_host()
    {
        await using var host = await StartAsync();
        Assert.NotEqual(host.BaseUrl.GetLeftPart(UriPartial.Authority), host.SiteUrl.GetLeftPart(UriPartial.Authority));

        var root = await host.Site.GetAsync("");
        Assert.Equal(HttpStatusCode.OK, root.StatusCode);
        Assert.Equal("text/html", root.Content.Headers.ContentType?.MediaType);
        Assert.Equal("public, max-age=300", root.Headers.CacheControl?.ToString());
        Assert.False(root.Headers.Contains("Content-Security-Policy"), "the static website sends no policy: the page carries it");
        var html = await root.Content.ReadAsStringAsync();
        Assert.Contains($"connect-src 'self' {host.BaseUrl.GetLeftPart(UriPartial.Authority)};", html, StringComparison.Ordinal);
        Assert.Contains("data-page=\"index\"", html, StringComparison.Ordinal);

        using var config = JsonDocument.Parse(await host.Site.GetStringAsync("config.json"));
        Assert.Equal(new Uri(host.BaseUrl, "api/").ToString(), config.RootElement.GetProperty("apiBase").GetString());
        Assert.Equal(host.Storage.Options.PublishedPrefix, config.RootElement.GetProperty("publishedPrefix").GetString());

        var missing = await host.Site.GetAsync("no/such/page.html");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("Page not found", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The site's origin is not the API's.
        Assert.Equal(HttpStatusCode.NotFound, (await host.Site.GetAsync("api/definitions/2013")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("api/definitions/2013")).StatusCode);
    }

    [Fact]
    public async Task The_API_allows_the_site_s_origin_and_no_other()
    {
        await using var host = await StartAsync();
        var siteOrigin = host.SiteUrl.GetLeftPart(UriPartial.Authority);

        async Task<HttpResponseMessage> PreflightAsync(string origin)
        {
            using var request = new HttpRequestMessage(HttpMethod.Options, "api/returns/2013/42");
            request.Headers.Add("Origin", origin);
            request.Headers.Add("Access-Control-Request-Method", "PUT");
            request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type,if-match");
            return await host.Client.SendAsync(request);
        }

        var allowed = await PreflightAsync(siteOrigin);
        Assert.True(allowed.IsSuccessStatusCode, $"preflight from the site: {(int)allowed.StatusCode}");
        Assert.Equal(siteOrigin, allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("PUT", string.Join(",", allowed.Headers.GetValues("Access-Control-Allow-Methods")), StringComparison.Ordinal);
        Assert.Contains("if-match", string.Join(",", allowed.Headers.GetValues("Access-Control-Allow-Headers")), StringComparison.OrdinalIgnoreCase);

        var refused = await PreflightAsync("https://elsewhere.example");
        Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"), "another origin must not be allowed");

        using var get = new HttpRequestMessage(HttpMethod.Get, "api/definitions/2013");
        get.Headers.Add("Origin", siteOrigin);
        var answer = await host.Client.SendAsync(get);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(siteOrigin, answer.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }
}
