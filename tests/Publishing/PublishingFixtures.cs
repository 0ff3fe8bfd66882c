using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Json.Schema;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pps.Core.Catalogue;
using Pps.Core.Aggregation;
using Pps.Core.Publishing;
using Pps.Core.Storage;
using Pps.Tests.Support;

namespace Pps.Tests.Publishing;

internal static class PublishingFixtures
{
    public static NationalResult SmallResult(int year) => new(
        year,
        [
            new Figure
            {
                Id = "chart-1", ReportRef = "Chart 1", Title = "Returns by method of completion", Section = "exemplifications", Kind = "bar",
                Year = year, Years = [year], Returns = 3,
                Columns = [new("method", "Method", "text"), new("returns", "Returns", "count"), new("pct", "%", "pct")],
                Rows = [["PPO", 2, 67], ["PPO+MG", 1, 33]],
            },
            new Figure
            {
                Id = "table-x", ReportRef = "Table X", Title = "A table with awkward text", Section = "budget", Kind = "table",
                Year = year, Years = [year - 1, year], Returns = 2, ReturnsByYear = new Dictionary<int, int> { [year - 1] = 1, [year] = 2 },
                Columns = [new("name", "Name", "text"), new("value", "Value", "gbp")],
                Rows = [["=HYPERLINK(\"http://x\")", 1.5m], ["+SUM(A1)", null], ["@cmd", -3], ["-2", 0]],
                Statistics = [new("mean", "Mean", "count", 1.5m), new("median", "Median", "count", null)],
                Notes = ["Extrapolated by population."],
            },
        ],
        [new Highlight("comply-all", "exemplifications", "chart-1", "{pct}% comply with all", new Dictionary<string, decimal> { ["pct"] = 45 })],
        [new ServiceBenchmark(1, "Sheffield", "Yorkshire and The Humber", year,
            [new BenchmarkLine("budget", "Core budget", "gbp", 100m, new Comparison("national", 3, 90m, 95m), new Comparison("Yorkshire and The Humber", 1, 100m, 100m), null)])]);

    /// <summary>A publisher over the test's containers as the app builds it: the public one, and the private one for provisional sets when asked.</summary>
    public static Publisher PublisherOver(PpsStorage storage, TimeProvider clock, bool provisional = false) =>
        new(new BlobPublishedStore(storage.Published), clock, provisional ? new BlobPublishedStore(storage.Provisional) : null);

    /// <summary>A published file's bytes as a reader gets them from <paramref name="container"/> (stored gzipped, read plain).</summary>
    public static async Task<BinaryData> ReadPublishedAsync(this BlobContainerClient container, string path) =>
        (await new BlobPublishedStore(container).ReadAsync(path, CancellationToken.None))?.Content
            ?? throw new FileNotFoundException($"No published file {path} in {container.Name}.");

    /// <summary>
    /// A close over <paramref name="storage"/> built as the app builds it, with the stores a test may replace: where
    /// the set is written (<paramref name="store"/>, the public container by default) and the log.
    /// </summary>
    public static YearCloser Closer(PpsStorage storage, CollectionYearStore years, TimeProvider clock, IPublishedStore? store = null, ILogger<YearCloser>? log = null)
    {
        var loader = new CloseInputLoader(new ReturnStore(storage), years, new ReferenceDataStore(storage, ServiceCatalogue.BuiltIn),
            new DefinitionCatalog(new DefinitionStore(storage, years, clock), years, clock), ServicesNationally.BuiltIn, ServiceCatalogue.BuiltIn,
            new NarrativeStore(storage, years, clock));
        return new YearCloser(storage, years, loader, new Publisher(store ?? new BlobPublishedStore(storage.Published), clock), clock, log ?? NullLogger<YearCloser>.Instance);
    }

    /// <summary>The same result with one figure changed (Chart 1's counts), as a recompute after one return changed.</summary>
    public static NationalResult WithChart1Changed(NationalResult result) => result with
    {
        Figures = result.Figures.Select(f => f.Id != "chart-1" ? f : f with { Returns = 4, Rows = [["PPO", 3, 75], ["PPO+MG", 1, 25]] }).ToList(),
    };

    /// <summary>Counts file writes and fails after a set number, as a run that dies midway would.</summary>
    public sealed class FailingStore(IPublishedStore inner, int failAfterWrites) : IPublishedStore
    {
        private int _writes;

        public Task WriteOnceAsync(string path, byte[] content, string contentType, CancellationToken ct) =>
            Interlocked.Increment(ref _writes) > failAfterWrites
                ? throw new IOException($"Simulated failure after {failAfterWrites} files.")
                : inner.WriteOnceAsync(path, content, contentType, ct);

        public Task ReplaceAsync(string path, byte[] content, string contentType, ETag? ifMatch, CancellationToken ct) =>
            inner.ReplaceAsync(path, content, contentType, ifMatch, ct);

        public Task<(BinaryData Content, ETag ETag)?> ReadAsync(string path, CancellationToken ct) => inner.ReadAsync(path, ct);

        public Task<IReadOnlyList<string>> ListFoldersAsync(string prefix, CancellationToken ct) => inner.ListFoldersAsync(prefix, ct);
    }

    private static readonly Dictionary<string, JsonSchema> Schemas = new();

    public static JsonSchema Schema(string name)
    {
        lock (Schemas)
        {
            if (!Schemas.TryGetValue(name, out var schema))
            {
                schema = JsonSchema.FromText(File.ReadAllText(RepoFiles.At("docs", "schema", name + ".schema.json")));
                Schemas[name] = schema;
            }
            return schema;
        }
    }

    public static void AssertMatches(string schemaName, BinaryData document, string path)
    {
        using var json = JsonDocument.Parse(document.ToMemory());
        var result = Schema(schemaName).Evaluate(json.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, $"{path} does not match {schemaName}.schema.json: " +
            string.Join("; ", (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
    }
}
