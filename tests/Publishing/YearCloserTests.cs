using Microsoft.Extensions.Logging.Abstractions;
using Pps.Core.Aggregation;
using Pps.Core.Catalogue;
using Pps.Core.Intake;
using Pps.Core.Publishing;
using Pps.Core.Returns;
using Pps.Core.Storage;
using Pps.Tests.Support;
using Part1 = Pps.Tests.Aggregation.Part1;
using static Pps.Tests.Support.Window2013;

namespace Pps.Tests.Publishing;

public class YearCloserTests
{

    private sealed record Setup(PpsStorage Storage, FakeClock Clock, ReturnStore Returns, CollectionYearStore Years, ReturnService Service)
    {
        public YearCloser Closer(IPublishedStore? store = null) => PublishingFixtures.Closer(Storage, Years, Clock, store);
    }

    /// <summary>The 2013 window with the real self-ratings of the report's Table C submitted by each service.</summary>
    private static async Task<Setup> Year2013WithRealRatingsAsync(int? take = null)
    {
        var storage = await Azurite.NewStorageAsync();
        var clock = new FakeClock(Opens.AddDays(1));
        var returns = new ReturnStore(storage);
        var years = new CollectionYearStore(storage);
        var service = new ReturnService(returns, years, clock, new DefinitionCatalog(new DefinitionStore(storage, years, clock), years, clock), ServiceCatalogue.BuiltIn);
        await years.SaveAsync(Collection, null);
        using var csv = new StreamReader(RepoFiles.At("..", "shared", "data", "nppn-2013-exemplification-ratings.csv"));
        var rows = SelfRatingsCsv.Read(csv).Take(take ?? int.MaxValue).ToList();
        await Parallel.ForEachAsync(rows, async (row, _) =>
        {
            var outcome = await service.SubmitAsync(Actor.ForService(row.ServiceId), new ReturnChange(2013, row.ServiceId, row.Values, [], null));
            Assert.IsType<ReturnOutcome.Done>(outcome);
        });
        return new Setup(storage, clock, returns, years, service);
    }

    [Fact]
    public async Task Nothing_is_closed_while_the_window_is_open()
    {
        var setup = await Year2013WithRealRatingsAsync(take: 5);
        Assert.Empty(await setup.Closer().CloseDueYearsAsync());
        Assert.Null((await setup.Years.GetAsync(2013))!.Value.Year.ClosedAt);
    }

    [Fact]
    public async Task Closing_locks_every_return_publishes_and_refuses_later_service_writes()
    {
        var setup = await Year2013WithRealRatingsAsync(take: 10);
        setup.Clock.Now = Closes.AddMinutes(1);

        var outcome = Assert.Single(await setup.Closer().CloseDueYearsAsync());

        Assert.Equal(CloseOutcome.Published, outcome.Result);
        Assert.Equal(10, outcome.ReturnsLocked);
        var year = (await setup.Years.GetAsync(2013))!.Value.Year;
        Assert.Equal(CollectionState.Published, year.StateAt(setup.Clock.Now));
        Assert.Equal(outcome.Manifest!.Version, year.PublishedVersion);
        Assert.All(await setup.Returns.ListYearAsync(2013), r => Assert.Equal(ReturnStatus.Locked, r.AsOf(year, setup.Clock.Now).Status));
        var completeness = (await setup.Service.CompletenessAsync(2013))!;
        Assert.Equal(10, completeness.Services.Count(s => s.State == ReturnState.Locked));

        var stored = (await setup.Returns.GetAsync(2013, 1))!;
        var refused = await setup.Service.SaveDraftAsync(Actor.ForService(1),
            new ReturnChange(2013, 1, stored.Values.AsDictionary().ToDictionary(kv => kv.Key, kv => (string?)kv.Value), [], stored.ETag));
        Assert.Contains("closed on 31 October 2013", Assert.IsType<ReturnOutcome.Refused>(refused).Message);
        Assert.Empty(await setup.Closer().CloseDueYearsAsync());
    }

    [Fact]
    public async Task Two_concurrent_runs_publish_exactly_once()
    {
        var setup = await Year2013WithRealRatingsAsync(take: 20);
        setup.Clock.Now = Closes.AddMinutes(1);

        var runs = await Task.WhenAll(setup.Closer().CloseDueYearsAsync(), setup.Closer().CloseDueYearsAsync());

        var outcomes = runs.SelectMany(r => r).ToList();
        Assert.Single(outcomes, o => o.Result == CloseOutcome.Published);
        var versions = new HashSet<string>();
        await foreach (var blob in setup.Storage.Published.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, "2013/versions/", CancellationToken.None))
        {
            versions.Add(blob.Name.Split('/')[2]);
        }
        Assert.Single(versions);
    }

    [Fact]
    public async Task A_run_that_dies_midway_is_finished_by_the_next_one()
    {
        var setup = await Year2013WithRealRatingsAsync(take: 10);
        setup.Clock.Now = Closes.AddMinutes(1);

        await Assert.ThrowsAsync<IOException>(() =>
            setup.Closer(new PublishingFixtures.FailingStore(new BlobPublishedStore(setup.Storage.Published), failAfterWrites: 1)).CloseDueYearsAsync());
        var halfway = (await setup.Years.GetAsync(2013))!.Value.Year;
        Assert.NotNull(halfway.ClosedAt);
        Assert.Null(halfway.PublishedAt);
        Assert.False(await setup.Storage.Published.GetBlobClient(PublishedPaths.Manifest(2013, Manifest.Final)).ExistsAsync());

        setup.Clock.Now = Closes.AddMinutes(6);
        var outcome = Assert.Single(await setup.Closer().CloseDueYearsAsync());
        Assert.Equal(CloseOutcome.Published, outcome.Result);
        Assert.Equal(0, outcome.ReturnsLocked);
        Assert.True(await setup.Storage.Published.GetBlobClient(PublishedPaths.Manifest(2013, Manifest.Final)).ExistsAsync());
    }

    [Fact]
    public async Task The_published_2013_set_from_the_real_ratings_matches_the_schemas()
    {
        var setup = await Year2013WithRealRatingsAsync();
        setup.Clock.Now = Closes.AddMinutes(1);
        var outcome = Assert.Single(await setup.Closer().CloseDueYearsAsync());
        await PublisherTests.AssertPublishedSetMatchesSchemasAsync(setup.Storage.Published, outcome.Manifest!);
    }

    [Fact]
    public async Task The_2013_figures_read_back_from_the_published_blobs_equal_what_the_aggregation_tests_pin()
    {
        var setup = await Year2013WithRealRatingsAsync();
        setup.Clock.Now = Closes.AddMinutes(1);
        var manifest = Assert.Single(await setup.Closer().CloseDueYearsAsync()).Manifest!;

        var figures = new List<Figure>();
        foreach (var file in manifest.Files.Where(f => f.Kind == "figure"))
        {
            var json = (await setup.Storage.Published.ReadPublishedAsync(file.Path));
            var figure = json.ToObjectFromJson<Figure>(PublishedSetBuilder.Json)!;
            figures.Add(figure with { Rows = figure.Rows.Select(row => (IReadOnlyList<object?>)row.Select(PlainCell).ToList()).ToList() });
        }
        var highlightsFile = manifest.Files.Single(f => f.Kind == "highlights");
        var highlights = (await setup.Storage.Published.ReadPublishedAsync(highlightsFile.Path))
            .ToObjectFromJson<List<Highlight>>(PublishedSetBuilder.Json)!;
        var published = new PartResult(figures, highlights);

        Assert.Equal(91, Part1.ReportFigures2013.Stated.Count);
        foreach (var stated in Part1.ReportFigures2013.Stated)
        {
            var value = Part1.FigureReader.Number(Part1.FigureReader.Read(published, stated.Figure, stated.Row, stated.Column));
            Assert.True(stated.Expected == value, $"{stated.StatementId}: published {value}, the aggregation tests pin {stated.Expected}");
        }
        Assert.Equal(131, published.Figures.Single(f => f.Id == "chart-4").Returns);
    }

    [Fact]
    public async Task A_service_page_compares_it_with_the_statistical_neighbours_NPPN_loaded()
    {
        var setup = await Year2013WithRealRatingsAsync(take: 6);
        var reference = new ReferenceDataStore(setup.Storage, ServiceCatalogue.BuiltIn);
        Assert.True((await reference.ImportNeighboursCsvAsync(new StringReader("service_id,neighbour_id\n1,2\n1,3\n"))).Succeeded);
        setup.Clock.Now = Closes.AddMinutes(1);

        var manifest = Assert.Single(await setup.Closer().CloseDueYearsAsync()).Manifest!;

        async Task<ServiceBenchmark> PageOf(int serviceId) =>
            (await setup.Storage.Published.ReadPublishedAsync(manifest.Files.Single(f => f.Kind == ManifestFile.Services && f.First <= serviceId && serviceId <= f.Last).Path)).ToObjectFromJson<ServiceShard>(PublishedSetBuilder.Json)!.Services.Single(s => s.ServiceId == serviceId);
        var withNeighbours = await PageOf(1);
        Assert.NotEmpty(withNeighbours.Lines);
        Assert.All(withNeighbours.Lines, l => Assert.Equal("statistical neighbours", l.Neighbours!.Group));
        Assert.All((await PageOf(4)).Lines, l => Assert.Null(l.Neighbours));
    }

    private sealed record ServiceShard(int Year, int First, int Last, List<ServiceBenchmark> Services);

    /// <summary>A JSON cell as the aggregation produced it: whole number, decimal, text or null.</summary>
    private static object? PlainCell(object? cell) => cell switch
    {
        System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Number } n => n.TryGetInt64(out var whole) ? whole : n.GetDecimal(),
        System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.String } t => t.GetString(),
        System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Null } => null,
        System.Text.Json.JsonElement other => other.ToString(),
        _ => cell,
    };
}
