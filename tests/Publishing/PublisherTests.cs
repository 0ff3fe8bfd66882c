using System.Security.Cryptography;
using System.Text;
using Pps.Core.Aggregation;
using Pps.Core.Publishing;
using Pps.Synthetic;
using Pps.Tests.Support;
using static Pps.Tests.Publishing.PublishingFixtures;

namespace Pps.Tests.Publishing;

public class PublisherTests
{
    private static readonly DateTimeOffset Now = new(2013, 12, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Publishing_writes_every_file_then_the_manifest_with_checksums_and_headers()
    {
        var storage = await Azurite.NewStorageAsync();
        var publisher = PublisherOver(storage, new FakeClock(Now));

        var manifest = await publisher.PublishAsync(SmallResult(2013), Manifest.Final);

        Assert.Equal(13, manifest.Files.Count); // 2 figures x (JSON + CSV), all figures in one, 1 shard of services, highlights, key (JSON + CSV), the report's words and appendices, and (2013) reconciliation x (JSON + CSV)
        foreach (var file in manifest.Files)
        {
            var blob = storage.Published.GetBlobClient(file.Path);
            var content = await blob.DownloadContentAsync();
            // Stored as a static website serves it: compressed from 1 KB on, with its Content-Encoding; the hash is of the file itself.
            var stored = content.Value.Content.ToArray();
            var compressed = content.Value.Details.ContentEncoding == "gzip";
            Assert.Equal(file.Bytes >= 1024, compressed);
            var bytes = compressed ? Gunzip(stored) : stored;
            Assert.Equal(file.Bytes, bytes.LongLength);
            Assert.Equal(file.Sha256, Convert.ToHexStringLower(SHA256.HashData(bytes)));
            Assert.Equal(file.Sha256, Convert.ToHexStringLower(SHA256.HashData((await storage.Published.ReadPublishedAsync(file.Path)).ToArray())));
            Assert.Equal(file.ContentType, content.Value.Details.ContentType);
            Assert.Equal(PublishedPaths.ImmutableCacheControl, content.Value.Details.CacheControl);
            Assert.Equal(PublishedPaths.Object(2013, file.Sha256, file.ContentType.StartsWith("text/csv", StringComparison.Ordinal) ? "csv" : "json"), file.Path);
        }
        var pointer = await storage.Published.GetBlobClient("2013/manifest.json").DownloadContentAsync();
        Assert.Equal(PublishedPaths.PointerCacheControl, pointer.Value.Details.CacheControl);
        Assert.Equal(manifest.Version, pointer.Value.Content.ToObjectFromJson<Manifest>(PublishedSetBuilder.Json)!.Version);
        var index = (await storage.Published.ReadPublishedAsync("index.json")).ToObjectFromJson<PublishedIndex>(PublishedSetBuilder.Json)!;
        Assert.Equal(manifest.Version, Assert.Single(index.Years).Version);
    }

    [Fact]
    public async Task The_report_pdf_joins_the_set_it_was_printed_from_with_its_hash_and_never_a_newer_one()
    {
        var storage = await Azurite.NewStorageAsync();
        var clock = new FakeClock(Now);
        var publisher = PublisherOver(storage, clock);
        var published = await publisher.PublishAsync(SmallResult(2013), Manifest.Final);
        var pdf = Encoding.ASCII.GetBytes("%PDF-1.7\n" + new string('x', 3000));

        clock.Now += TimeSpan.FromMinutes(1);
        var withPdf = await publisher.AttachAsync(2013, ReportPdf.File(2013, pdf, published.Returns), published.Version);

        // Every file of the set as it was, plus the PDF as an object named by its hash; the year's pointer and the index follow.
        var entry = Assert.Single(withPdf.Files, f => f.Kind == ReportPdf.Kind);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(pdf)), entry.Sha256);
        Assert.Equal(PublishedPaths.Object(2013, entry.Sha256, "pdf"), entry.Path);
        Assert.Equal("application/pdf", entry.ContentType);
        Assert.Equal(published.Files, withPdf.Files.Where(f => f.Kind != ReportPdf.Kind));
        Assert.Equal(pdf, (await storage.Published.ReadPublishedAsync(entry.Path)).ToArray());
        Assert.Equal(withPdf.Version, (await publisher.CurrentAsync(2013))!.Version);

        // A PDF printed from a version that is no longer the published one is refused, and nothing changes.
        var stale = Encoding.ASCII.GetBytes("%PDF-1.7\nstale");
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => publisher.AttachAsync(2013, ReportPdf.File(2013, stale, 0), published.Version));
        Assert.Contains(withPdf.Version, refused.Message, StringComparison.Ordinal);
        Assert.Equal(withPdf.Version, (await publisher.CurrentAsync(2013))!.Version);

        // A new PDF of the current set takes the place of the earlier one.
        clock.Now += TimeSpan.FromMinutes(1);
        var again = await publisher.AttachAsync(2013, ReportPdf.File(2013, stale, 0), withPdf.Version);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(stale)), Assert.Single(again.Files, f => f.Kind == ReportPdf.Kind).Sha256);
        Assert.Throws<ArgumentException>(() => ReportPdf.File(2013, Encoding.ASCII.GetBytes("<html>"), 0));
    }

    [Fact]
    public async Task A_set_written_while_the_earlier_years_are_read_lists_what_the_whole_result_makes_in_the_same_order()
    {
        // As a close does: the pages from the years they read first, the figures once every year is read.
        var storage = await Azurite.NewStorageAsync();
        var publisher = PublisherOver(storage, new FakeClock(Now));
        var input = SyntheticReturns.Generate(2013, 2009, 2013).Input(2013);
        var recent = input with { Returns = [.. input.Returns.Where(r => NationalAggregator.YearsReadFor(2013).ForPages.Contains(r.Year))] };
        var everyYear = new TaskCompletionSource<AggregationInput>(TaskCreationOptions.RunContinuationsAsynchronously);

        var computing = NationalAggregator.Start(recent, everyYear.Task);
        var writing = publisher.WriteVersionAsync(BuiltSet.From(computing), Manifest.Final);
        await computing.Benchmarks.WaitAsync(TimeSpan.FromSeconds(30)); // the pages need no earlier year
        Assert.DoesNotContain(computing.Parts, p => p.IsCompleted);
        everyYear.SetResult(input);
        var manifest = await writing;

        var expected = PublishedSetBuilder.Build(NationalAggregator.Compute(input)).Select(f => f.ToManifestEntry(2013)).ToList();
        Assert.Equal(expected.Count, manifest.Files.Count);
        Assert.Equal(expected, manifest.Files);
        var (parts, all) = (await Task.WhenAll(computing.Parts), (await computing.Result).Figures);
        Assert.Equal(2, parts.Length);
        Assert.All(parts, p => Assert.NotEmpty(p));
        Assert.Equal(all, parts.SelectMany(p => p)); // each part's files written as that part was computed
    }

    [Fact]
    public async Task A_built_set_lists_its_files_in_the_manifest_order_whatever_order_they_are_made_in()
    {
        // The build step alone, without storage: shards come first from the set, but the manifest lists figures first.
        var result = SmallResult(2013);
        var set = BuiltSet.From(result);
        var made = new List<PlacedFile>();
        await foreach (var file in set.Files) made.Add(file);

        Assert.Equal(1, made[0].Section); // a shard of the services' pages, made first
        var ordered = made.OrderBy(f => (f.Section, f.Index)).Select(f => f.File.ToManifestEntry(2013)).ToList();
        Assert.Equal(PublishedSetBuilder.Build(result).Select(f => f.ToManifestEntry(2013)), ordered);
        Assert.Equal(made.Count, made.Select(f => (f.Section, f.Index)).Distinct().Count());
        Assert.Equal(3, await set.Returns); // no Table A in this result: the most returns any figure rests on (Chart 1's)
    }

    [Fact]
    public void Csv_cells_that_a_spreadsheet_would_run_are_escaped()
    {
        var csv = Encoding.UTF8.GetString(PublishedSetBuilder.Csv(SmallResult(2013).Figure("table-x")));
        var lines = csv.Split(["\r\n", "\n"], StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 5, csv);
        Assert.Equal("Name,Value", lines[0]);
        Assert.StartsWith("\"'=HYPERLINK", lines[1]);
        Assert.Equal("\"'+SUM(A1)\",", lines[2]);
        Assert.Equal("\"'@cmd\",-3", lines[3]);
        Assert.Equal("'-2,0", lines[4]);
        Assert.DoesNotContain(lines.Skip(1), l => l.StartsWith('=') || l.StartsWith('+') || l.StartsWith('@') || l.StartsWith("\"="));
    }

    [Fact]
    public void A_figure_resting_on_synthetic_data_says_so_on_every_row_of_its_csv_and_a_real_one_does_not()
    {
        var real = SmallResult(2013).Figure("table-x");
        var synthetic = real with { Synthetic = true, Notes = ["SYNTHETIC DATA: the additional data (Part 2) of 2013 are synthetic returns.", .. real.Notes] };
        var lines = Encoding.UTF8.GetString(PublishedSetBuilder.Csv(synthetic)).Split(["\r\n", "\n"], StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Name,Value,Synthetic data", lines[0]);
        Assert.Equal(5, lines.Length);
        Assert.All(lines.Skip(1), l => Assert.EndsWith(",yes", l));
        Assert.Equal("Name,Value", Encoding.UTF8.GetString(PublishedSetBuilder.Csv(real)).Split("\r\n")[0]);
    }

    [Fact]
    public async Task A_run_that_fails_midway_leaves_the_old_set_visible_and_the_next_run_completes()
    {
        var storage = await Azurite.NewStorageAsync();
        var clock = new FakeClock(Now);
        var blobs = new BlobPublishedStore(storage.Published);
        var first = await new Publisher(blobs, clock).PublishAsync(SmallResult(2013), Manifest.Final);

        clock.Now = Now.AddHours(1);
        await Assert.ThrowsAsync<IOException>(() => new Publisher(new FailingStore(blobs, failAfterWrites: 0), clock) { Parallelism = 1 }
            .PublishAsync(WithChart1Changed(SmallResult(2013)), Manifest.Final));
        var publisher = new Publisher(blobs, clock);
        Assert.Equal(first.Version, (await publisher.CurrentAsync(2013))!.Version);
        foreach (var file in first.Files) Assert.True(await storage.Published.GetBlobClient(file.Path).ExistsAsync());

        clock.Now = Now.AddHours(2);
        var next = await publisher.PublishAsync(WithChart1Changed(SmallResult(2013)), Manifest.Final);
        Assert.NotEqual(first.Version, next.Version);
        Assert.Equal(next.Version, (await publisher.CurrentAsync(2013))!.Version);
    }

    [Fact]
    public async Task A_provisional_set_goes_to_the_private_container_and_never_touches_the_public_one()
    {
        var storage = await Azurite.NewStorageAsync();
        var publisher = PublisherOver(storage, new FakeClock(Now), provisional: true);
        var provisional = await publisher.PublishAsync(SmallResult(2014), Manifest.Provisional);
        Assert.Equal(Manifest.Provisional, provisional.Status);
        Assert.Null(await publisher.CurrentAsync(2014));
        Assert.Equal(provisional.Version, (await publisher.CurrentAsync(2014, Manifest.Provisional))!.Version);
        // Nothing of it in the website's container: not its files, not its manifest, not the index.
        Assert.Empty(await storage.Published.GetBlobsAsync().ToListAsync());
        var privateFiles = await storage.Provisional.GetBlobsAsync().Select(b => b.Name).ToListAsync();
        Assert.Contains(PublishedPaths.Manifest(2014, Manifest.Provisional), privateFiles);
        Assert.Contains(PublishedPaths.VersionManifest(2014, provisional.Version), privateFiles);
        Assert.Equal(provisional.Files.Select(f => f.Path).Distinct().Count() + 2, privateFiles.Count);
        Assert.All(provisional.Files, f => Assert.Contains(f.Path, privateFiles));
        // A provisional version is found, and refused, by the rollback.
        await Assert.ThrowsAsync<InvalidOperationException>(() => publisher.RollBackAsync(2014, provisional.Version));
    }

    [Fact]
    public async Task NPPN_can_roll_the_manifest_back_to_an_earlier_final_version()
    {
        var storage = await Azurite.NewStorageAsync();
        var clock = new FakeClock(Now);
        var publisher = PublisherOver(storage, clock, provisional: true);
        var first = await publisher.PublishAsync(SmallResult(2013), Manifest.Final);
        clock.Now = Now.AddDays(1);
        var second = await publisher.PublishAsync(WithChart1Changed(SmallResult(2013)), Manifest.Final);
        Assert.Equal(second.Version, (await publisher.CurrentAsync(2013))!.Version);

        await publisher.RollBackAsync(2013, first.Version);

        Assert.Equal(first.Version, (await publisher.CurrentAsync(2013))!.Version);
        // Every file of the version rolled back to is still there, as it was: nothing published is ever removed.
        foreach (var file in first.Files)
        {
            var content = (await storage.Published.ReadPublishedAsync(file.Path));
            Assert.Equal(file.Sha256, Convert.ToHexStringLower(SHA256.HashData(content.ToArray())));
        }
        var provisional = await publisher.PublishAsync(SmallResult(2013), Manifest.Provisional);
        await Assert.ThrowsAsync<InvalidOperationException>(() => publisher.RollBackAsync(2013, provisional.Version));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => publisher.RollBackAsync(2013, "20000101T000000Z-000000"));
    }

    [Fact]
    public async Task Every_published_document_matches_its_schema()
    {
        var storage = await Azurite.NewStorageAsync();
        var publisher = PublisherOver(storage, new FakeClock(Now));
        var manifest = await publisher.PublishAsync(SmallResult(2013), Manifest.Final);
        await AssertPublishedSetMatchesSchemasAsync(storage.Published, manifest);
    }

    internal static async Task AssertPublishedSetMatchesSchemasAsync(Azure.Storage.Blobs.BlobContainerClient container, Manifest manifest)
    {
        AssertMatches("manifest", (await container.ReadPublishedAsync(PublishedPaths.Manifest(manifest.Year, manifest.Status))), "manifest");
        if (manifest.Status == Manifest.Final)
        {
            AssertMatches("index", (await container.GetBlobClient(PublishedPaths.Index).DownloadContentAsync()).Value.Content, PublishedPaths.Index);
        }
        foreach (var file in manifest.Files.Where(f => f.ContentType == "application/json"))
        {
            if (file.Kind == "figures")
            {
                var all = (await container.ReadPublishedAsync(file.Path));
                var figures = System.Text.Json.JsonDocument.Parse(all.ToMemory()).RootElement.EnumerateArray().ToList();
                Assert.Equal(manifest.Files.Count(f => f.Kind == "figure"), figures.Count);
                foreach (var figure in figures) AssertMatches("figure", BinaryData.FromString(figure.GetRawText()), file.Path);
                continue;
            }
            if (file.Kind == ManifestFile.Services)
            {
                var shard = (await container.ReadPublishedAsync(file.Path));
                AssertMatches("services", shard, file.Path);
                var services = System.Text.Json.JsonDocument.Parse(shard.ToMemory()).RootElement.GetProperty("services").EnumerateArray().ToList();
                Assert.All(services, s => Assert.InRange(s.GetProperty("serviceId").GetInt32(), file.First!.Value, file.Last!.Value));
                foreach (var service in services) AssertMatches("service", BinaryData.FromString(service.GetRawText()), file.Path);
                continue;
            }
            var schema = file.Kind switch { "figure" => "figure", "highlights" => "highlights", "key" => "key", "narrative" => "narrative", "appendices" => "appendices", "reconciliation" => "reconciliation", _ => throw new InvalidOperationException(file.Kind) };
            AssertMatches(schema, (await container.ReadPublishedAsync(file.Path)), file.Path);
        }
    }

    private static byte[] Gunzip(byte[] stored)
    {
        using var gzip = new System.IO.Compression.GZipStream(new MemoryStream(stored), System.IO.Compression.CompressionMode.Decompress);
        using var plain = new MemoryStream();
        gzip.CopyTo(plain);
        return plain.ToArray();
    }
}
