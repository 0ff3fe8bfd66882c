using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pps.Core.Catalogue;
using Pps.Core.Publishing;
using Pps.Core.Storage;
using Pps.Synthetic;
using Pps.DevHost;
using Pps.Tests.Publishing;
using Pps.Tests.Support;
using static Pps.Tests.Support.Window2013;

namespace Pps.Tests.DevHost;

/// <summary>The devhost over real sockets: the functions from functions.metadata, the published files, the close timer.</summary>
public class DevHostHttpTests
{

    private static Task OpenYear2013Async(DevHostFixture host) =>
        host.Services.GetRequiredService<CollectionYearStore>()
            .SaveAsync(Collection, null);

    [Fact]
    public async Task The_definition_route_answers_and_an_unknown_route_is_a_404_problem()
    {
        await using var host = await DevHostFixture.StartAsync();

        var definition = await host.Client.GetAsync("api/definitions/2013");
        Assert.Equal(HttpStatusCode.OK, definition.StatusCode);
        using var json = JsonDocument.Parse(await definition.Content.ReadAsStringAsync());
        Assert.Equal(2013, json.RootElement.GetProperty("year").GetInt32());
        Assert.Equal("nosniff", definition.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("script-src 'self'", definition.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);

        var noYear = await host.Client.GetAsync("api/definitions/1999");
        Assert.Equal(HttpStatusCode.NotFound, noYear.StatusCode);

        var unknown = await host.Client.GetAsync("api/no-such-function");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_return_round_trips_its_etag_and_a_stale_if_match_gets_412_problem_details()
    {
        await using var host = await DevHostFixture.StartAsync();
        await OpenYear2013Async(host);
        host.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await host.TokenForAsync(42));

        var unauthenticated = await new HttpClient { BaseAddress = host.BaseUrl }.GetAsync("api/returns/2013/42");
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
        Assert.Equal("application/problem+json", unauthenticated.Content.Headers.ContentType?.MediaType);

        var put = await host.Client.PutAsJsonAsync("api/returns/2013/42", new { values = ExampleReturn.Full(2013) });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var first = ETag(put);

        var get = await host.Client.GetAsync("api/returns/2013/42");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(first, ETag(get));

        var second = await Send(host, HttpMethod.Put, "api/returns/2013/42", new { values = ExampleReturn.Full(2013, 401) }, first);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.NotEqual(first, ETag(second));

        var stale = await Send(host, HttpMethod.Put, "api/returns/2013/42", new { values = ExampleReturn.Full(2013, 402) }, first);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal("application/problem+json", stale.Content.Headers.ContentType?.MediaType);

        var invalid = await host.Client.PutAsync("api/returns/2013/42", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal("application/problem+json", invalid.Content.Headers.ContentType?.MediaType);
    }

    private static string ETag(HttpResponseMessage response) => response.Headers.NonValidated["ETag"].ToString();

    private static Task<HttpResponseMessage> Send(DevHostFixture host, HttpMethod method, string path, object body, string ifMatch)
    {
        var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return host.Client.SendAsync(request);
    }

    [Fact]
    public async Task Published_files_are_served_under_data_with_their_headers_and_provisional_sets_are_not()
    {
        await using var host = await DevHostFixture.StartAsync();
        var publisher = host.Services.GetRequiredService<Publisher>();
        var final = await publisher.PublishAsync(PublishingFixtures.SmallResult(2013), Manifest.Final);
        var provisional = await publisher.PublishAsync(PublishingFixtures.WithChart1Changed(PublishingFixtures.SmallResult(2013)), Manifest.Provisional);

        // Written under the prefix: the blob is data/index.json in the published container.
        Assert.True(await host.Storage.Published.GetBlobClient(StorageOptions.DefaultPublishedPrefix + PublishedPaths.Index).ExistsAsync());

        var index = await host.Client.GetAsync("data/index.json");
        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
        Assert.Equal("application/json", index.Content.Headers.ContentType?.MediaType);
        Assert.Equal(PublishedPaths.PointerCacheControl, index.Headers.NonValidated["Cache-Control"].ToString());
        Assert.Equal("nosniff", index.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("default-src 'self'", index.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        var etag = index.Headers.ETag!;

        var again = new HttpRequestMessage(HttpMethod.Get, "data/index.json");
        again.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.NotModified, (await host.Client.SendAsync(again)).StatusCode);

        var figure = final.Files.First(f => f.Kind == "figure");
        var figureResponse = await host.Client.GetAsync("data/" + figure.Path);
        Assert.Equal(HttpStatusCode.OK, figureResponse.StatusCode);
        Assert.Equal(PublishedPaths.ImmutableCacheControl, figureResponse.Headers.NonValidated["Cache-Control"].ToString());
        Assert.Equal(figure.Bytes, (await figureResponse.Content.ReadAsByteArrayAsync()).Length);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("data/" + PublishedPaths.Manifest(2013, Manifest.Final))).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync("data/" + PublishedPaths.Manifest(2013, Manifest.Provisional))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync("data/" + PublishedPaths.VersionManifest(2013, provisional.Version))).StatusCode);
        // The provisional set's own objects (Chart 1 changed) are in the private container only: never served.
        var provisionalOnly = provisional.Files.Select(f => f.Path).Except(final.Files.Select(f => f.Path)).ToList();
        Assert.Contains(provisional.Files.Single(f => f.Kind == "figure" && f.FigureId == "chart-1").Path, provisionalOnly);
        foreach (var path in provisionalOnly)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync("data/" + path)).StatusCode);
            Assert.True(await host.Storage.Provisional.GetBlobClient(path).ExistsAsync());
        }
        // A version folder with no manifest (a run that died before writing it) is not served.
        await host.Storage.Published.GetBlobClient(StorageOptions.DefaultPublishedPrefix + "2013/versions/20131102T000000Z-dead00/figures/chart-1.json").UploadAsync(BinaryData.FromString("{}"));
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync("data/2013/versions/20131102T000000Z-dead00/figures/chart-1.json")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync("data/2013/nothing-here.json")).StatusCode);
    }

    [Fact]
    public async Task The_static_site_is_served_at_the_root_from_the_configured_folder()
    {
        var site = Directory.CreateTempSubdirectory("pps-site-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(site.FullName, "index.html"), "<!doctype html><title>PPS</title>");
            await using var host = await DevHostFixture.StartAsync(new Dictionary<string, string> { ["DevHost:Site"] = site.FullName });
            var page = await host.Client.GetAsync("");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            Assert.Contains("<title>PPS</title>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
            Assert.Contains("ValidateUploadedWorkbook", DevHostApp.Describe(host.App), StringComparison.Ordinal); // the upload trigger
        }
        finally
        {
            site.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_built_site_is_served_gzip_compressed_and_its_script_and_styles_are_under_150_KB_so()
    {
        var dist = RepoFiles.At("site", "dist");
        Assert.True(File.Exists(Path.Combine(dist, "index.html")), $"The site is not built: run `npm ci && npm run build` in site/ ({dist}).");
        await using var host = await DevHostFixture.StartAsync(new Dictionary<string, string> { ["DevHost:Site"] = dist });
        using var client = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = host.BaseUrl };
        async Task<HttpResponseMessage> GetGzipAsync(string path)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
            return await client.SendAsync(request);
        }
        var page = await GetGzipAsync("index.html");
        Assert.Equal("gzip", page.Content.Headers.ContentEncoding.Single());
        var html = await new StreamReader(new System.IO.Compression.GZipStream(await page.Content.ReadAsStreamAsync(), System.IO.Compression.CompressionMode.Decompress)).ReadToEndAsync();
        var assets = System.Text.RegularExpressions.Regex.Matches(html, @"(?:src|href)=""(assets/site\.[0-9a-f]{12}\.(?:js|css))""").Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.Equal(2, assets.Count);
        long compressed = 0;
        foreach (var asset in assets)
        {
            var response = await GetGzipAsync(asset);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("gzip", response.Content.Headers.ContentEncoding.Single());
            compressed += (await response.Content.ReadAsByteArrayAsync()).LongLength;
        }
        Assert.True(compressed < 150 * 1024, $"the script and styles are {compressed / 1024} KB compressed");
    }

    [Fact]
    public async Task The_scheduler_runs_the_close_function_which_publishes_a_year_whose_window_has_passed()
    {
        await using var host = await DevHostFixture.StartAsync(new Dictionary<string, string> { ["CloseYearSchedule"] = "*/1 * * * * *" }, now: Closes.AddMinutes(5));
        await OpenYear2013Async(host);
        var years = host.Services.GetRequiredService<CollectionYearStore>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        CollectionYear? year = null;
        while (DateTime.UtcNow < deadline)
        {
            year = (await years.GetAsync(2013))?.Year;
            if (year?.PublishedAt is not null) break;
            await Task.Delay(250);
        }
        Assert.NotNull(year?.ClosedAt);
        Assert.NotNull(year?.PublishedAt);
        Assert.True(host.Services.GetRequiredService<TimerScheduler>().CompletedRuns("CloseCollectionYears") >= 1);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("data/" + PublishedPaths.Manifest(2013, Manifest.Final))).StatusCode);
    }
}
