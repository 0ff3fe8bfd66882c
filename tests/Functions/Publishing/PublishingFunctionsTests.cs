using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pps.Core.Intake;
using Pps.Core.Publishing;
using Pps.Core.Returns;
using Pps.Core.Storage;
using Pps.Functions.Http;
using Pps.Functions.Publishing;
using Pps.Tests.Functions.Returns;
using Pps.Tests.Support;
using static Pps.Tests.Functions.Returns.ApiHarness;
using static Pps.Tests.Support.Window2013;

namespace Pps.Tests.Functions.Publishing;

public class PublishingFunctionsTests
{
    private static async Task<(ApiHarness Api, PublishingFunctions Functions, YearCloser Closer)> StartAsync()
    {
        var api = await ApiHarness.StartAsync();
        var closer = api.App.Get<YearCloser>();
        using var csv = new StreamReader(RepoFiles.At("tests", "data", "nppn-2013-exemplification-ratings.csv"));
        foreach (var (serviceId, values) in SelfRatingsCsv.Read(csv).Take(12))
        {
            Assert.IsType<ReturnOutcome.Done>(await api.Service.SubmitAsync(Actor.ForService(serviceId), new ReturnChange(2013, serviceId, values, [], null)));
        }
        return (api, api.App.Function<PublishingFunctions>(), closer);
    }

    [Fact]
    public async Task A_service_credential_cannot_recompute_or_roll_back()
    {
        var (api, functions, _) = await StartAsync();
        var token = await api.TokenForAsync(1);
        Assert.Equal(403, (await Run(functions.Recompute(Request("POST", token), 2013, default))).Status);
        Assert.Equal(403, (await Run(functions.RollBack(Request("POST", token), 2013, "20131201T000000Z-000000", default))).Status);
        Assert.Equal(401, (await Run(functions.Recompute(Request("POST", null), 2013, default))).Status);
        Assert.False(await api.Storage.Published.GetBlobClient(api.Storage.Options.PublishedPrefix + PublishedPaths.Manifest(2013, Manifest.Provisional)).ExistsAsync());
    }

    [Fact]
    public async Task Before_the_close_NPPN_gets_a_provisional_set_and_after_it_a_final_version()
    {
        var (api, functions, _) = await StartAsync();

        var provisional = await Run(functions.Recompute(Request("POST", AdminToken), 2013, default));
        Assert.Equal(200, provisional.Status);
        Assert.Equal("provisional", provisional.Body.GetProperty("status").GetString());
        Assert.Equal(12, provisional.Body.GetProperty("returns").GetInt32());
        Assert.Contains("chart-4", provisional.Body.GetProperty("figures").EnumerateArray().Select(f => f.GetString()));
        Assert.False(await api.Storage.Published.GetBlobClient(api.Storage.Options.PublishedPrefix + PublishedPaths.Manifest(2013, Manifest.Final)).ExistsAsync());
        Assert.False(await api.Storage.Published.GetBlobClient(api.Storage.Options.PublishedPrefix + PublishedPaths.Index).ExistsAsync());
        // Provisional figures are NPPN's only: in the private container, nothing in the public one.
        Assert.True(await api.Storage.Provisional.GetBlobClient(PublishedPaths.Manifest(2013, Manifest.Provisional)).ExistsAsync());
        Assert.Empty(await api.Storage.Published.GetBlobsAsync().ToListAsync());

        api.Clock.Now = Closes.AddHours(1);
        var closing = await Run(functions.Recompute(Request("POST", AdminToken), 2013, default));
        Assert.Equal("final", closing.Body.GetProperty("status").GetString());
        Assert.Equal(12, closing.Body.GetProperty("returnsLocked").GetInt32());
        var first = closing.Body.GetProperty("version").GetString()!;

        api.Clock.Now = Closes.AddDays(2);
        var again = await Run(functions.Recompute(Request("POST", AdminToken), 2013, default));
        var second = again.Body.GetProperty("version").GetString()!;
        Assert.NotEqual(first, second);
        Assert.Equal(second, (await api.Years.GetAsync(2013))!.Value.Year.PublishedVersion);

        var restored = await Run(functions.RollBack(Request("POST", AdminToken), 2013, first, default));
        Assert.Equal(200, restored.Status);
        Assert.Equal(first, (await api.Years.GetAsync(2013))!.Value.Year.PublishedVersion);
        var pointer = (await api.Storage.Published.GetBlobClient(api.Storage.Options.PublishedPrefix + PublishedPaths.Manifest(2013, Manifest.Final)).DownloadContentAsync()).Value.Content;
        Assert.Equal(first, pointer.ToObjectFromJson<Manifest>(PublishedSetBuilder.Json)!.Version);
        Assert.Equal(404, (await Run(functions.RollBack(Request("POST", AdminToken), 2013, "20000101T000000Z-000000", default))).Status);
        Assert.Equal(404, (await Run(functions.Recompute(Request("POST", AdminToken), 2031, default))).Status);
    }

    [Fact]
    public async Task Only_NPPN_reads_a_provisional_set_and_only_by_the_paths_its_manifest_lists()
    {
        var (api, functions, _) = await StartAsync();
        var recomputed = await Run(functions.Recompute(Request("POST", AdminToken), 2013, default));
        var version = recomputed.Body.GetProperty("version").GetString()!;

        var pointer = await Run(functions.Provisional(Request("GET", AdminToken), PublishedPaths.Manifest(2013, Manifest.Provisional), default));
        Assert.Equal(200, pointer.Status);
        Assert.Equal("no-store", pointer.Headers.CacheControl.ToString());
        Assert.Equal(version, pointer.Body.GetProperty("version").GetString());
        var chart4 = pointer.Body.GetProperty("files").EnumerateArray().Single(f => f.GetProperty("kind").GetString() == "figure" && f.GetProperty("figureId").GetString() == "chart-4");
        var figure = await Run(functions.Provisional(Request("GET", AdminToken), chart4.GetProperty("path").GetString(), default));
        Assert.Equal(200, figure.Status);
        Assert.Equal("chart-4", figure.Body.GetProperty("id").GetString());

        var token = await api.TokenForAsync(1);
        Assert.Equal(403, (await Run(functions.Provisional(Request("GET", token), PublishedPaths.Manifest(2013, Manifest.Provisional), default))).Status);
        Assert.Equal(401, (await Run(functions.Provisional(Request("GET", null), PublishedPaths.Manifest(2013, Manifest.Provisional), default))).Status);
        foreach (var bad in new[] { "../secrets.json", "2013/../../x.json", "2013/manifest-provisional.txt", "", "/2013/manifest-provisional.json" })
        {
            Assert.Equal(404, (await Run(functions.Provisional(Request("GET", AdminToken), bad, default))).Status);
        }
        Assert.Equal(404, (await Run(functions.Provisional(Request("GET", AdminToken), PublishedPaths.Manifest(2014, Manifest.Provisional), default))).Status);
    }

    [Fact]
    public async Task NPPN_lists_every_version_newest_first_with_the_ones_the_manifests_point_at()
    {
        var (api, functions, _) = await StartAsync();
        Assert.Empty((await Run(functions.Versions(Request("GET", AdminToken), 2013, default))).Body.EnumerateArray());
        Assert.Equal(403, (await Run(functions.Versions(Request("GET", await api.TokenForAsync(1)), 2013, default))).Status);

        var provisional = (await Run(functions.Recompute(Request("POST", AdminToken), 2013, default))).Body.GetProperty("version").GetString();
        api.Clock.Now = Closes.AddHours(1);
        var first = (await Run(functions.Recompute(Request("POST", AdminToken), 2013, default))).Body.GetProperty("version").GetString();
        api.Clock.Now = Closes.AddDays(1);
        var second = (await Run(functions.Recompute(Request("POST", AdminToken), 2013, default))).Body.GetProperty("version").GetString();
        // A run that died before its manifest leaves a folder that is not a version.
        await api.Storage.Published.GetBlobClient(api.Storage.Options.PublishedPrefix + "2013/versions/20131102T000000Z-dead00/figures/chart-1.json").UploadAsync(BinaryData.FromString("{}"));

        var listed = await Run(functions.Versions(Request("GET", AdminToken), 2013, default));
        Assert.Equal(200, listed.Status);
        var rows = listed.Body.EnumerateArray().Select(v => (v.GetProperty("version").GetString(), v.GetProperty("status").GetString(), v.GetProperty("current").GetBoolean())).ToList();
        Assert.Equal([(second, "final", true), (first, "final", false), (provisional, "provisional", true)], rows);
        Assert.All(listed.Body.EnumerateArray(), v => Assert.Equal(12, v.GetProperty("returns").GetInt32()));

        var manifest = await Run(functions.Version(Request("GET", AdminToken), 2013, provisional!, default));
        Assert.Equal("provisional", manifest.Body.GetProperty("status").GetString());
        var figure = await Run(functions.Figure(Request("GET", AdminToken), 2013, provisional!, "chart-4", default));
        Assert.Equal(200, figure.Status);
        Assert.Equal("chart-4", figure.Body.GetProperty("id").GetString());
        Assert.Equal(404, (await Run(functions.Figure(Request("GET", AdminToken), 2013, provisional!, "chart-999", default))).Status);
        Assert.Equal(404, (await Run(functions.Version(Request("GET", AdminToken), 2013, "20000101T000000Z-000000", default))).Status);
        Assert.Equal(403, (await Run(functions.Figure(Request("GET", await api.TokenForAsync(1)), 2013, provisional!, "chart-4", default))).Status);

        await Run(functions.RollBack(Request("POST", AdminToken), 2013, first!, default));
        var after = (await Run(functions.Versions(Request("GET", AdminToken), 2013, default))).Body.EnumerateArray()
            .Where(v => v.GetProperty("current").GetBoolean()).Select(v => v.GetProperty("version").GetString()).ToList();
        Assert.Equal([first, provisional], after);
    }

    [Fact]
    public async Task The_timer_function_closes_a_due_year_once()
    {
        var (api, _, closer) = await StartAsync();
        var timer = new CloseCollectionYears(closer, NullLogger<CloseCollectionYears>.Instance);
        await timer.Run(new Microsoft.Azure.Functions.Worker.TimerInfo(), default);
        Assert.Null((await api.Years.GetAsync(2013))!.Value.Year.ClosedAt);

        api.Clock.Now = Closes.AddMinutes(5);
        await timer.Run(new Microsoft.Azure.Functions.Worker.TimerInfo(), default);
        await timer.Run(new Microsoft.Azure.Functions.Worker.TimerInfo(), default);

        var year = (await api.Years.GetAsync(2013))!.Value.Year;
        Assert.NotNull(year.PublishedAt);
        var manifests = new List<string>();
        await foreach (var blob in api.Storage.Published.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, api.Storage.Options.PublishedPrefix + "2013/versions/", CancellationToken.None))
        {
            if (blob.Name.EndsWith("/manifest.json", StringComparison.Ordinal)) manifests.Add(blob.Name);
        }
        Assert.Equal([$"{api.Storage.Options.PublishedPrefix}2013/versions/{year.PublishedVersion}/manifest.json"], manifests);
    }
}
