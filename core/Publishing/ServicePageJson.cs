using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Pps.Core.Aggregation;

namespace Pps.Core.Publishing;

/// <summary>
/// Writes services' pages (docs/schema/service.schema.json) as <see cref="PublishedSetBuilder.Json"/> does, byte for
/// byte, at the pace a close at 100x today's services needs (13,800 pages, 300 MB): with serialization code generated
/// at build time, and each national or regional comparison, which every page of a region repeats, turned into JSON
/// once. One instance per set of pages: it remembers the comparisons it has written.
/// </summary>
internal sealed class ServicePageJson
{
    /// <summary>
    /// The most comparisons remembered. The national and regional ones (15 measures and 34 ratings, for the nation and
    /// each region: about 500) come on the first pages; the neighbours' comparisons are each service's own and are
    /// written as they come once this is reached.
    /// </summary>
    private const int MaxRemembered = 4096;

    private readonly JsonTypeInfo<ServiceBenchmark> _page;

    public ServicePageJson()
    {
        var options = new JsonSerializerOptions(ServicePageContext.Default.Options)
        {
            Converters = { new WrittenOnce<Comparison>(ServicePageContext.Default.Comparison), new WrittenOnce<RatingShares>(ServicePageContext.Default.RatingShares) },
        };
        _page = (JsonTypeInfo<ServiceBenchmark>)options.GetTypeInfo(typeof(ServiceBenchmark));
    }

    public void Write(Utf8JsonWriter writer, ServiceBenchmark page) => JsonSerializer.Serialize(writer, page, _page);

    /// <summary>Writes a value as <paramref name="plain"/> would, turning each instance into JSON only the first time it is met.</summary>
    private sealed class WrittenOnce<T>(JsonTypeInfo<T> plain) : JsonConverter<T> where T : class
    {
        private readonly Dictionary<T, byte[]> _written = new(ReferenceEqualityComparer.Instance);

        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("Pages are only written.");

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
        {
            if (!_written.TryGetValue(value, out var json))
            {
                json = JsonSerializer.SerializeToUtf8Bytes(value, plain);
                if (_written.Count < MaxRemembered) _written[value] = json;
            }
            writer.WriteRawValue(json, skipInputValidation: true);
        }
    }
}

/// <summary>The page types, with the options of <see cref="PublishedSetBuilder.Json"/> (a test holds the two to the same bytes).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never, WriteIndented = false)]
[JsonSerializable(typeof(ServiceBenchmark))]
internal sealed partial class ServicePageContext : JsonSerializerContext;
