using System.Security.Cryptography;
using Pps.Core.Publishing;
using Pps.Tests.Support;
using Xunit.Abstractions;

namespace Pps.Tests.Publishing;

/// <summary>
/// The close publishes the same bytes as before a change that was not meant to change them. The cli's main job
/// (`pps pipeline`: the real 2013 ratings stored through ReturnService, the window closed, the close-of-year run) runs
/// on fresh storage; every file of the set it publishes, read back from the blobs, must hash as recorded in
/// tests/data/published-2013-pipeline.tsv. A change that alters published output on purpose updates that file in the
/// same commit (the test writes what the code publishes to tests/artifacts/), so the diff says which files a change touched.
/// </summary>
public class PublishedBytesTests(ITestOutputHelper output)
{
    private const string Recorded = "published-2013-pipeline.tsv";

    [Fact]
    public async Task The_main_job_publishes_the_recorded_bytes_for_2013()
    {
        var options = Azurite.NewOptions();
        using var app = await TestApp.StartAsync(DateTimeOffset.UtcNow, options);
        var (exit, log) = await CliProcess.RunAsync(options, "pipeline", "--data", Path.Combine(AppContext.BaseDirectory, "data"));
        Assert.True(exit == 0, log);

        var publisher = app.Get<Publisher>();
        var manifest = await publisher.CurrentAsync(2013);
        Assert.NotNull(manifest);
        var published = new List<string>();
        foreach (var file in manifest.Files)
        {
            var content = await publisher.VersionFileAsync(manifest, file);
            Assert.NotNull(content);
            published.Add(Line(file, Convert.ToHexStringLower(SHA256.HashData(content.ToArray()))));
        }
        published.Sort(StringComparer.Ordinal);

        var recorded = File.ReadAllLines(DataFile(Recorded)).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        var missing = recorded.Except(published).ToList();
        var added = published.Except(recorded).ToList();
        if (missing.Count + added.Count > 0)
        {
            var actual = Path.Combine(Pps.Tests.Site.PublishedSiteFixture.Artifacts, Recorded);
            await File.WriteAllLinesAsync(actual, [.. File.ReadAllLines(DataFile(Recorded)).Where(l => l.StartsWith('#')), .. published]);
            output.WriteLine($"What this code publishes is in {actual}: copy it to tests/data/{Recorded} only if the change is meant.");
        }
        Assert.True(missing.Count + added.Count == 0,
            $"{missing.Count} recorded file(s) not published as recorded, {added.Count} published file(s) not recorded:\n- " +
            string.Join("\n- ", missing.Select(m => "recorded  " + m).Concat(added.Select(a => "published " + a)).Take(40)));
        Assert.Equal(manifest.Files.Count, recorded.Count);
    }

    /// <summary>A file as the record names it: what it is (kind and figure, unique in a set) and the hash of its bytes.</summary>
    private static string Line(ManifestFile file, string sha256) => $"{file.Kind}\t{file.FigureId}\t{sha256}";

    private static string DataFile(string name) => Path.Combine(AppContext.BaseDirectory, "data", name);
}
