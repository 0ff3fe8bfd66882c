using System.Globalization;
using System.Text.Json;

namespace Pps.Core.Definition;

/// <summary>
/// The values of one return after validation, in canonical text form (invariant numbers, option values,
/// multi-choice values joined by ';' in definition order). A field that is absent was not given: it is
/// never read as zero. An immutable value: field id to text, nothing shared with any other return.
/// </summary>
/// <remarks>
/// A reader that holds very many returns at once may keep them in a representation of its own by deriving from this
/// type (the close does: <c>Pps.Core.Storage.PackedReturnValues</c>); what a return's values mean is defined here.
/// </remarks>
public class ReturnValues
{
    public const char ChoiceSeparator = ';';

    private readonly Dictionary<string, string>? _values;

    public ReturnValues(IEnumerable<KeyValuePair<string, string>> values)
    {
        _values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (fieldId, value) in values)
        {
            if (value is null) continue; // absent: a field with no value was not given
            if (!_values.TryAdd(fieldId, value)) throw new ArgumentException($"The field {fieldId} is given twice.", nameof(values));
        }
    }

    /// <summary>For a derived representation, which then answers <see cref="Count"/>, <see cref="Text"/> and <see cref="Pairs"/> itself.</summary>
    protected ReturnValues() { }

    /// <summary>
    /// The values of a JSON object of field id to text (how a stored return keeps its answers). A field given twice
    /// keeps its last value; a null value is no value.
    /// </summary>
    /// <exception cref="JsonException">The text is not a JSON object of strings.</exception>
    public static ReturnValues FromJson(string json)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(json));
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("A return's values must be a JSON object.");
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var fieldId = reader.GetString()!;
            reader.Read();
            if (reader.TokenType == JsonTokenType.Null) continue;
            if (reader.TokenType != JsonTokenType.String) throw new JsonException($"The value of {fieldId} must be text.");
            values[fieldId] = reader.GetString()!;
        }
        if (reader.TokenType != JsonTokenType.EndObject) throw new JsonException("A return's values must be a JSON object of texts.");
        if (reader.Read()) throw new JsonException("A return's values must be one JSON object, with nothing after it.");
        return new ReturnValues(values);
    }

    public static ReturnValues Empty { get; } = new([]);

    /// <summary>Field id to value (in no meaningful order).</summary>
    public IReadOnlyDictionary<string, string> AsDictionary() => _values ?? (IReadOnlyDictionary<string, string>)new View(this);

    public virtual int Count => _values!.Count;

    public bool Has(string fieldId) => Text(fieldId) is not null;

    public virtual string? Text(string fieldId) => _values!.GetValueOrDefault(fieldId);

    /// <summary>A number as <see cref="decimal.Parse(string, NumberStyles, IFormatProvider)"/> reads it (invariant, <see cref="NumberStyles.Number"/>), its scale kept ("1.50" has two places).</summary>
    public virtual decimal? Number(string fieldId) =>
        Text(fieldId) is { } s ? decimal.Parse(s, NumberStyles.Number, CultureInfo.InvariantCulture) : null;

    public bool? Flag(string fieldId) => Text(fieldId) is { } s ? s == "true" : null;

    public IReadOnlyList<string> Choices(string fieldId) =>
        Text(fieldId) is { } s ? s.Split(ChoiceSeparator) : [];

    /// <summary>Every field given, with its value.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string>> Pairs() => _values!;

    /// <summary>The values as a read-only dictionary, without copying them.</summary>
    private sealed class View(ReturnValues values) : IReadOnlyDictionary<string, string>
    {
        public string this[string key] => values.Text(key) ?? throw new KeyNotFoundException($"The return has no value for {key}.");
        public IEnumerable<string> Keys => values.Pairs().Select(p => p.Key);
        public IEnumerable<string> Values => values.Pairs().Select(p => p.Value);
        public int Count => values.Count;
        public bool ContainsKey(string key) => values.Has(key);

        public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out string value)
        {
            value = values.Text(key);
            return value is not null;
        }

        public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => values.Pairs().GetEnumerator();
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>Field ids whose canonical values differ between two versions (added, removed or changed).</summary>
    public static IEnumerable<FieldChange> Diff(ReturnValues before, ReturnValues after)
    {
        foreach (var id in before.Pairs().Select(p => p.Key).Union(after.Pairs().Select(p => p.Key)).Order(StringComparer.Ordinal))
        {
            var old = before.Text(id);
            var now = after.Text(id);
            if (old != now) yield return new FieldChange(id, old, now);
        }
    }

    public static string FormatNumber(decimal value) => value.ToString("0.############################", CultureInfo.InvariantCulture);
}

public sealed record FieldChange(string FieldId, string? From, string? To);
