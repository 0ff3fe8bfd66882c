using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Pps.Core.Aggregation;
using Pps.Core.Publishing;
using Pps.Synthetic;
using Pps.Tests.Support;
using Xunit.Abstractions;
using static Pps.Tests.Publishing.PublishingFixtures;

namespace Pps.Tests.Publishing;

/// <summary>
/// The content-addressed layout: a file is written once, by its SHA-256, and never again while any version lists it;
/// a provisional set's files stay in the private container; services' pages come in shards listed by id range.
/// </summary>
public class PublishedLayoutTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Now = new(2013, 12, 1, 9, 0, 0, TimeSpan.Zero);

    /// <summary>Counts the writes that reach the store, and their paths.</summary>
    private sealed class CountingStore(IPublishedStore inner) : IPublishedStore
    {
        public List<string> Written { get; } = [];
        public List<string> Replaced { get; } = [];

        public async Task WriteOnceAsync(string path, byte[] content, string contentType, CancellationToken ct)
        {
            lock (Written) Written.Add(path);
            await inner.WriteOnceAsync(path, content, contentType, ct);
        }

        public async Task ReplaceAsync(string path, byte[] content, string contentType, ETag? ifMatch, CancellationToken ct)
        {
            lock (Replaced) Replaced.Add(path);
            await inner.ReplaceAsync(path, content, contentType, ifMatch, ct);
        }

        public Task<(BinaryData Content, ETag ETag)?> ReadAsync(string path, CancellationToken ct) => inner.ReadAsync(path, ct);
        public Task<IReadOnlyList<string>> ListFoldersAsync(string folder, CancellationToken ct) => inner.ListFoldersAsync(folder, ct);
    }

    private static async Task<HashSet<string>> BlobsAsync(BlobContainerClient container) =>
        (await container.GetBlobsAsync().Select(b => b.Name).ToListAsync()).ToHashSet(StringComparer.Ordinal);

    [Fact]
    public async Task A_recompute_that_changes_nothing_writes_only_its_manifest_and_the_pointers()
    {
        var storage = await Azurite.NewStorageAsync();
        var clock = new FakeClock(Now);
        var counting = new CountingStore(new BlobPublishedStore(storage.Published));
        var publisher = new Publisher(counting, clock, new BlobPublishedStore(storage.Provisional));
        var first = await publisher.PublishAsync(SmallResult(2013), Manifest.Final);
        Assert.Equal(first.Files.Select(f => f.Path).Distinct().Count() + 1, counting.Written.Count); // every object, then the version's manifest
        var before = await BlobsAsync(storage.Published);
        counting.Written.Clear();
        counting.Replaced.Clear();

        clock.Now = Now.AddDays(1);
        var second = await publisher.PublishAsync(SmallResult(2013), Manifest.Final);

        Assert.NotEqual(first.Version, second.Version);
        Assert.Equal(first.Files, second.Files);
        Assert.Equal([PublishedPaths.VersionManifest(2013, second.Version)], counting.Written);
        Assert.Equal([PublishedPaths.Manifest(2013, Manifest.Final), PublishedPaths.Index], counting.Replaced);
        var after = await BlobsAsync(storage.Published);
        Assert.Equal([PublishedPaths.VersionManifest(2013, second.Version)], after.Except(before));
        Assert.Equal(second.Version, (await publisher.CurrentAsync(2013))!.Version);
    }

    [Fact]
    public async Task A_recompute_that_changes_one_figure_writes_only_the_files_that_changed()
    {
        var storage = await Azurite.NewStorageAsync();
        var clock = new FakeClock(Now);
        var counting = new CountingStore(new BlobPublishedStore(storage.Published));
        var publisher = new Publisher(counting, clock);
        var first = await publisher.PublishAsync(SmallResult(2013), Manifest.Final);
        var before = await BlobsAsync(storage.Published);
        counting.Written.Clear();

        clock.Now = Now.AddDays(1);
        var second = await publisher.PublishAsync(WithChart1Changed(SmallResult(2013)), Manifest.Final);

        var changed = second.Files.Select(f => f.Path).Except(first.Files.Select(f => f.Path)).ToHashSet();
        // Chart 1's JSON and CSV, the file of every figure and the printed report's check (which reads Chart 1); Table X,
        // the services, the key, the highlights are as they were.
        var changedFiles = second.Files.Where(f => changed.Contains(f.Path)).Select(f => (f.Kind, f.FigureId)).Order().ToList();
        Assert.Equal([("figure", "chart-1"), ("figures", "figures"), ("reconciliation", "reconciliation"), ("table", "chart-1"), ("table", "reconciliation")], changedFiles);
        Assert.Contains(second.Files.Single(f => f.Kind == "figure" && f.FigureId == "chart-1").Path, changed);
        Assert.Contains(second.Files.Single(f => f.Kind == "figures").Path, changed);
        Assert.Equal(first.Files.Single(f => f.Kind == "figure" && f.FigureId == "table-x"), second.Files.Single(f => f.Kind == "figure" && f.FigureId == "table-x"));
        Assert.Equal([.. changed.Append(PublishedPaths.VersionManifest(2013, second.Version)).Order(StringComparer.Ordinal)],
            counting.Written.Order(StringComparer.Ordinal).ToList());
        Assert.Equal([.. changed, PublishedPaths.VersionManifest(2013, second.Version)], (await BlobsAsync(storage.Published)).Except(before).ToHashSet());

        // Rolling back serves the first version whole: its pointer, and every file it lists, unchanged.
        await publisher.RollBackAsync(2013, first.Version);
        Assert.Equal(first, (await publisher.CurrentAsync(2013))! with { Files = first.Files });
        Assert.Equal(first.Files, (await publisher.CurrentAsync(2013))!.Files);
        foreach (var file in first.Files)
        {
            var content = await publisher.VersionFileAsync(first, file);
            Assert.Equal(file.Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content!.ToArray())));
        }
    }

    [Fact]
    public async Task A_provisional_set_writes_its_own_objects_privately_even_when_the_public_container_holds_the_same()
    {
        var storage = await Azurite.NewStorageAsync();
        var clock = new FakeClock(Now);
        var privately = new CountingStore(new BlobPublishedStore(storage.Provisional));
        var publisher = new Publisher(new BlobPublishedStore(storage.Published), clock, privately);
        var final = await publisher.PublishAsync(SmallResult(2013), Manifest.Final);
        var publicBefore = await BlobsAsync(storage.Published);

        clock.Now = Now.AddDays(1);
        var provisional = await publisher.PublishAsync(WithChart1Changed(SmallResult(2013)), Manifest.Provisional);

        Assert.Equal(publicBefore, await BlobsAsync(storage.Published)); // nothing of it in the website's container
        var privateBlobs = await BlobsAsync(storage.Provisional);
        Assert.All(provisional.Files, f => Assert.Contains(f.Path, privateBlobs)); // the files the final set shares too
        Assert.Contains(provisional.Files, f => final.Files.Contains(f));
        Assert.DoesNotContain(provisional.Files.Single(f => f.Kind == "figure" && f.FigureId == "chart-1").Path, publicBefore);

        // Unchanged again: only its manifest, in the private container.
        privately.Written.Clear();
        clock.Now = Now.AddDays(2);
        var again = await publisher.PublishAsync(WithChart1Changed(SmallResult(2013)), Manifest.Provisional);
        Assert.Equal([PublishedPaths.VersionManifest(2013, again.Version)], privately.Written);
        Assert.Equal(publicBefore, await BlobsAsync(storage.Published));

        // A publisher with no private store refuses a provisional set rather than write it publicly.
        var publicOnly = PublisherOver(storage, clock);
        await Assert.ThrowsAsync<InvalidOperationException>(() => publicOnly.PublishAsync(SmallResult(2013), Manifest.Provisional));
        Assert.Equal(publicBefore, await BlobsAsync(storage.Published));
    }

    [Fact]
    public async Task An_object_left_by_a_run_that_died_is_taken_as_written()
    {
        var storage = await Azurite.NewStorageAsync();
        var publisher = PublisherOver(storage, new FakeClock(Now));
        var file = PublishedSetBuilder.Build(SmallResult(2013)).First();
        var entry = file.ToManifestEntry(2013);
        await new BlobPublishedStore(storage.Published).WriteOnceAsync(entry.Path, file.Content, file.ContentType, default);

        var manifest = await publisher.PublishAsync(SmallResult(2013), Manifest.Final);

        Assert.Contains(entry, manifest.Files);
        Assert.Equal(file.Content, (await storage.Published.ReadPublishedAsync(entry.Path)).ToArray());
    }

    /// <summary>The demo's 2013 result: 138 services' pages of 21-23 KB each.</summary>
    private static NationalResult Synthetic2013() =>
        NationalAggregator.Compute(SyntheticReturns.Generate(2013, 2009, 2013).Input(2013));

    [Fact]
    public void Services_pages_come_in_shards_of_at_most_150_KB_each_listed_by_its_id_range()
    {
        var result = Synthetic2013();
        var shards = PublishedSetBuilder.ServiceShards(result).ToList();

        Assert.All(shards, s => Assert.InRange(s.Content.Length, 1, PublishedSetBuilder.MaxShardBytes));
        var ids = new List<int>();
        foreach (var shard in shards)
        {
            var json = JsonDocument.Parse(shard.Content).RootElement;
            var inShard = json.GetProperty("services").EnumerateArray().Select(s => s.GetProperty("serviceId").GetInt32()).ToList();
            Assert.Equal(shard.First, inShard.First());
            Assert.Equal(shard.Last, inShard.Last());
            Assert.Equal(shard.First, json.GetProperty("first").GetInt32());
            Assert.Equal($"{shard.First}-{shard.Last}", shard.FigureId);
            ids.AddRange(inShard);
        }
        Assert.Equal(result.Benchmarks.Select(b => b.ServiceId).Order(), ids); // each service once, in id order, ranges disjoint
        // Every page as the site reads it from its shard is the service's page as the general serializer writes it, byte
        // for byte (the shards are written by generated code that writes each shared comparison once).
        var pages = shards.SelectMany(s => JsonDocument.Parse(s.Content).RootElement.GetProperty("services").EnumerateArray().Select(p => p.GetRawText())).ToList();
        Assert.Equal(result.Benchmarks.OrderBy(b => b.ServiceId).Select(b => JsonSerializer.Serialize(b, PublishedSetBuilder.Json)), pages);
        output.WriteLine($"{result.Benchmarks.Count} services in {shards.Count} shards: {shards.Min(s => s.Content.Length) / 1024} to {shards.Max(s => s.Content.Length) / 1024} KB, " +
                         $"{shards.Min(s => s.Last - s.First + 1)} to {shards.Max(s => s.Last - s.First + 1)} ids each");
    }

    [Fact]
    public void Pages_with_nothing_to_compare_neighbours_and_texts_to_escape_are_written_as_the_serializer_writes_them()
    {
        var real = Synthetic2013().Benchmarks.Take(2).ToList();
        var neighbours = new Comparison("statistical neighbours", 3, 1.5m, 2.10m, 1.25m, null);
        var bare = real[0] with
        {
            ServiceId = 9001, ServiceName = "St Helen's & <Knowsley> – Ynys Môn \"quoted\" 👍", Region = null, Method = null, Ratings = [],
            Lines = [.. real[0].Lines.Select((l, i) => l with { Value = i % 2 == 0 ? null : -0.125m, Rank = i % 3 == 0 ? null : l.Rank, Regional = null, Neighbours = i % 2 == 0 ? neighbours : l.National with { Group = "statistical neighbours" } })],
        };
        var unrated = real[1] with
        {
            ServiceId = 9002, Method = "Not stated",
            Ratings = [.. real[1].Ratings.Select((r, i) => i % 2 == 0 ? r with { Rating = null, RatingLabel = null, Previous = null, PreviousLabel = null, Change = null, Regional = null } : r)],
        };
        ServiceBenchmarks pages = [bare, unrated, real[0], real[1]];

        var written = PublishedSetBuilder.ServiceShards(2013, pages)
            .SelectMany(s => JsonDocument.Parse(s.Content).RootElement.GetProperty("services").EnumerateArray().Select(p => p.GetRawText()))
            .ToList();

        Assert.Equal(pages.OrderBy(p => p.ServiceId).Select(p => JsonSerializer.Serialize(p, PublishedSetBuilder.Json)), written);
    }

    [Fact]
    public void Every_figure_in_one_file_is_the_list_of_figures_as_the_serializer_writes_it()
    {
        var result = Synthetic2013();
        var all = PublishedSetBuilder.Build(result).Single(f => f.Kind == "figures");

        Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(result.Figures, PublishedSetBuilder.Json), all.Content);
    }

    [Fact]
    public void A_figure_is_written_as_the_general_serializer_writes_it()
    {
        var result = Synthetic2013();
        var general = new JsonSerializerOptions(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never };

        Assert.All(result.Figures, figure =>
            Assert.Equal(JsonSerializer.Serialize(figure, general), JsonSerializer.Serialize(figure, PublishedSetBuilder.Json)));
        // Read back, a figure's cells are what the general serializer reads.
        var table = result.Figure("table-c");
        Assert.Equal(JsonSerializer.Serialize(JsonSerializer.Deserialize<Figure>(JsonSerializer.Serialize(table, general), general), general),
            JsonSerializer.Serialize(JsonSerializer.Deserialize<Figure>(JsonSerializer.Serialize(table, PublishedSetBuilder.Json), PublishedSetBuilder.Json), general));
    }

    [Fact]
    public void The_manifest_lists_shards_not_services_and_stays_bounded_at_100_times_the_services()
    {
        var result = Synthetic2013();
        const int Copies = 100;
        // The services copied 100 times under ids of their own (as bench-close's scale copies them).
        var many = result with
        {
            Benchmarks = [.. Enumerable.Range(0, Copies).SelectMany(k => result.Benchmarks.Select(b => b with { ServiceId = b.ServiceId + 1000 * k }))],
        };
        var entries = PublishedSetBuilder.Build(many).Select(f => f.ToManifestEntry(2013)).ToList();
        var manifest = new Manifest(2013, "20131201T090000Z-abcdef", Manifest.Final, Now, 131, entries);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(manifest, PublishedSetBuilder.Json).Length;
        var shards = entries.Count(e => e.Kind == ManifestFile.Services);
        output.WriteLine($"{many.Benchmarks.Count} services: {entries.Count} manifest entries ({shards} shards), manifest {bytes / 1024} KB");

        Assert.DoesNotContain(entries, e => e.Kind == "service");
        Assert.InRange(shards, many.Benchmarks.Count / 7, many.Benchmarks.Count / 5); // 6 services a shard: one entry for every 6 services
        // 13,800 services: about 2,200 shards and a manifest of about 800 KB, where one file per service made it 13,800
        // entries and about 4.5 MB. The manifest grows with the shards (about 330 bytes each), never with the services.
        Assert.InRange(bytes, 1, 1024 * 1024);
    }
}
