using System.Globalization;

namespace Pps.Core.Definition;

/// <summary>
/// The values of one return after validation, in canonical text form (invariant numbers, option values,
/// multi-choice values joined by ';' in definition order). A field that is absent was not given: it is
/// never read as zero.
/// </summary>
public sealed class ReturnValues
{
    public const char ChoiceSeparator = ';';
    private readonly Dictionary<string, string> _values;

    public ReturnValues(IEnumerable<KeyValuePair<string, string>> values) =>
        _values = new Dictionary<string, string>(values, StringComparer.Ordinal);

    public static ReturnValues Empty { get; } = new([]);

    public IReadOnlyDictionary<string, string> AsDictionary() => _values;

    public int Count => _values.Count;

    public bool Has(string fieldId) => _values.ContainsKey(fieldId);

    public string? Text(string fieldId) => _values.GetValueOrDefault(fieldId);

    public decimal? Number(string fieldId) =>
        _values.TryGetValue(fieldId, out var s) ? decimal.Parse(s, NumberStyles.Number, CultureInfo.InvariantCulture) : null;

    public bool? Flag(string fieldId) => _values.TryGetValue(fieldId, out var s) ? s == "true" : null;

    public IReadOnlyList<string> Choices(string fieldId) =>
        _values.TryGetValue(fieldId, out var s) ? s.Split(ChoiceSeparator) : [];

    public static string FormatNumber(decimal value) => value.ToString("0.############################", CultureInfo.InvariantCulture);

    /// <summary>Field ids whose canonical values differ between two versions (added, removed or changed).</summary>
    public static IEnumerable<FieldChange> Diff(ReturnValues before, ReturnValues after)
    {
        foreach (var id in before._values.Keys.Union(after._values.Keys).Order(StringComparer.Ordinal))
        {
            var old = before.Text(id);
            var now = after.Text(id);
            if (old != now) yield return new FieldChange(id, old, now);
        }
    }
}

public sealed record FieldChange(string FieldId, string? From, string? To);
