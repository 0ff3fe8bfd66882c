using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Pps.Core.Aggregation;

namespace Pps.Core.Publishing;

/// <summary>
/// Writes services' pages (docs/schema/service.schema.json) as <see cref="PublishedSetBuilder.Json"/> does, byte for
/// byte (a test holds the two to the same bytes), at the pace a close needs (a page per service, the largest part of a
/// published set): straight into the output, each national or regional comparison, which every page of a region repeats,
/// turned into JSON once, and each text the pages repeat (titles, codes, labels) encoded once. One instance per set
/// of pages: it remembers what it has written.
/// </summary>
internal sealed class ServicePageJson
{
    /// <summary>
    /// The most comparisons (or texts) remembered. The national and regional ones (15 measures and 34 ratings, for
    /// the nation and each region: about 500) come on the first pages; the neighbours' comparisons are each service's
    /// own and are written as they come once this is reached.
    /// </summary>
    private const int MaxRemembered = 4096;

    private readonly Dictionary<object, byte[]> _comparisons = new(ReferenceEqualityComparer.Instance);
    // Titles, codes and labels are the same few string instances on every page: looked up by reference, not hashed.
    private readonly Dictionary<string, byte[]> _texts = new(ReferenceEqualityComparer.Instance);
    // Regions are read from the reference data, a string per row: looked up by value.
    private readonly Dictionary<string, byte[]> _regions = new(StringComparer.Ordinal);

    public void Write(IBufferWriter<byte> output, ServiceBenchmark page)
    {
        Raw(output, "{\"serviceId\":"u8);
        Number(output, page.ServiceId);
        Raw(output, ",\"serviceName\":"u8);
        Text(output, page.ServiceName, remembered: null);
        Raw(output, ",\"region\":"u8);
        Text(output, page.Region, _regions);
        Raw(output, ",\"year\":"u8);
        Number(output, page.Year);
        Raw(output, ",\"lines\":["u8);
        for (var i = 0; i < page.Lines.Count; i++)
        {
            var line = page.Lines[i];
            Raw(output, i == 0 ? "{\"measureId\":"u8 : ",{\"measureId\":"u8);
            Text(output, line.MeasureId);
            Raw(output, ",\"title\":"u8);
            Text(output, line.Title);
            Raw(output, ",\"unit\":"u8);
            Text(output, line.Unit);
            Raw(output, ",\"value\":"u8);
            Number(output, line.Value);
            Raw(output, ",\"national\":"u8);
            Once(output, line.National, ServicePageContext.Default.Comparison);
            Raw(output, ",\"regional\":"u8);
            Once(output, line.Regional, ServicePageContext.Default.Comparison);
            Raw(output, ",\"neighbours\":"u8);
            Once(output, line.Neighbours, ServicePageContext.Default.Comparison);
            Raw(output, ",\"rank\":"u8);
            Number(output, line.Rank);
            Raw(output, "}"u8);
        }
        Raw(output, "],\"method\":"u8);
        Text(output, page.Method);
        Raw(output, ",\"ratings\":["u8);
        for (var i = 0; i < page.Ratings.Count; i++)
        {
            var rating = page.Ratings[i];
            Raw(output, i == 0 ? "{\"code\":"u8 : ",{\"code\":"u8);
            Text(output, rating.Code);
            Raw(output, ",\"title\":"u8);
            Text(output, rating.Title);
            Raw(output, ",\"area\":"u8);
            Number(output, rating.Area);
            Raw(output, ",\"rating\":"u8);
            Text(output, rating.Rating);
            Raw(output, ",\"ratingLabel\":"u8);
            Text(output, rating.RatingLabel);
            Raw(output, ",\"previous\":"u8);
            Text(output, rating.Previous);
            Raw(output, ",\"previousLabel\":"u8);
            Text(output, rating.PreviousLabel);
            Raw(output, ",\"change\":"u8);
            Text(output, rating.Change);
            Raw(output, ",\"national\":"u8);
            Once(output, rating.National, ServicePageContext.Default.RatingShares);
            Raw(output, ",\"regional\":"u8);
            Once(output, rating.Regional, ServicePageContext.Default.RatingShares);
            Raw(output, "}"u8);
        }
        Raw(output, "],\"synthetic\":["u8);
        for (var i = 0; i < page.Synthetic.Count; i++)
        {
            if (i > 0) Raw(output, ","u8);
            Text(output, page.Synthetic[i], remembered: null);
        }
        Raw(output, "]}"u8);
    }

    private static void Raw(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes) => output.Write(bytes);

    private static void Number(IBufferWriter<byte> output, int? value)
    {
        if (value is not { } number)
        {
            Raw(output, "null"u8);
            return;
        }
        Utf8Formatter.TryFormat(number, output.GetSpan(16), out var written);
        output.Advance(written);
    }

    // The format Utf8JsonWriter writes a decimal in (Utf8Formatter's default), so that the bytes are the serializer's.
    private static void Number(IBufferWriter<byte> output, decimal? value)
    {
        if (value is not { } number)
        {
            Raw(output, "null"u8);
            return;
        }
        Utf8Formatter.TryFormat(number, output.GetSpan(64), out var written);
        output.Advance(written);
    }

    /// <summary>A JSON string as the serializer's default encoder escapes it (or null).</summary>
    private void Text(IBufferWriter<byte> output, string? value) => Text(output, value, _texts);

    private static void Text(IBufferWriter<byte> output, string? value, Dictionary<string, byte[]>? remembered)
    {
        if (value is null)
        {
            Raw(output, "null"u8);
            return;
        }
        if (remembered is null || !remembered.TryGetValue(value, out var json))
        {
            var encoded = JsonEncodedText.Encode(value).EncodedUtf8Bytes;
            json = new byte[encoded.Length + 2];
            json[0] = json[^1] = (byte)'"';
            encoded.CopyTo(json.AsSpan(1));
            if (remembered is not null && remembered.Count < MaxRemembered) remembered[value] = json;
        }
        Raw(output, json);
    }

    /// <summary>A value as <paramref name="plain"/> writes it, each instance turned into JSON only the first time it is met (or null).</summary>
    private void Once<T>(IBufferWriter<byte> output, T? value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> plain) where T : class
    {
        if (value is null)
        {
            Raw(output, "null"u8);
            return;
        }
        if (!_comparisons.TryGetValue(value, out var json))
        {
            json = JsonSerializer.SerializeToUtf8Bytes(value, plain);
            if (_comparisons.Count < MaxRemembered) _comparisons[value] = json;
        }
        Raw(output, json);
    }
}

/// <summary>The shared parts of pages, with the options of <see cref="PublishedSetBuilder.Json"/> (a test holds the two to the same bytes).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never, WriteIndented = false)]
[JsonSerializable(typeof(Comparison))]
[JsonSerializable(typeof(RatingShares))]
internal sealed partial class ServicePageContext : JsonSerializerContext;
