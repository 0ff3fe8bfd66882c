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

    // A close holds every return of five years at once (69,000 at 100x today's services): each return keeps a
    // number per field, indexed by a process-wide number per field id, not a dictionary of its own. Short values
    // (ratings, flags, options, small counts) are numbered process-wide and shared between returns; a return holds
    // only its longer texts itself. Numbers, not references, so the collector has nothing to trace in them.
    private readonly ushort[] _codes;
    private readonly string[]? _own;

    /// <summary>A code: 0 no value, below this a shared value's number, from this up the place of one of the return's own values.</summary>
    private const ushort Own = 0x8000;

    public ReturnValues(IEnumerable<KeyValuePair<string, string>> values)
    {
        var pairs = values as ICollection<KeyValuePair<string, string>> ?? values.ToList();
        var packing = new Packing(FieldSlots.Count + pairs.Count);
        foreach (var (fieldId, value) in pairs)
        {
            if (value is null) continue; // absent: a field with no value was not given
            var slot = FieldSlots.Of(fieldId);
            if (packing.Has(slot)) throw new ArgumentException($"The field {fieldId} is given twice.", nameof(values));
            packing.Set(slot, value);
        }
        (_codes, _own, Count) = packing.Done();
    }

    private ReturnValues((ushort[] Codes, string[]? Own, int Count) packed) => (_codes, _own, Count) = packed;

    /// <summary>The codes and own values of a return being read, slot by slot.</summary>
    private struct Packing(int slots)
    {
        private ushort[] _codes = new ushort[slots];
        private List<string>? _own;
        private int _used, _count;

        public readonly bool Has(int slot) => slot < _codes.Length && _codes[slot] != 0;

        /// <summary>The slot's value (a field given twice keeps its last value).</summary>
        public void Set(int slot, ReadOnlySpan<char> value, string? asString = null)
        {
            if (slot >= _codes.Length) Array.Resize(ref _codes, Math.Max(slot + 1, _codes.Length * 2));
            if (_codes[slot] == 0) _count++;
            var code = asString is null ? FieldSlots.Code(value) : FieldSlots.Code(asString);
            if (code == 0)
            {
                _own ??= [];
                code = (ushort)(Own | _own.Count);
                _own.Add(asString ?? new string(value));
            }
            _codes[slot] = code;
            _used = Math.Max(_used, slot + 1);
        }

        public void Set(int slot, string value) => Set(slot, value, value);

        public readonly (ushort[], string[]?, int) Done() => (_used == _codes.Length ? _codes : _codes[.._used], _own?.ToArray(), _count);
    }

    /// <summary>
    /// The values of a JSON object of field id to text (how a stored return keeps its answers), read straight into
    /// the slots: no dictionary and no field-id strings on the way (the close reads 68,000 of these at 100x).
    /// A field given twice keeps its last value; a null value is no value.
    /// </summary>
    /// <exception cref="System.Text.Json.JsonException">The text is not a JSON object of strings.</exception>
    public static ReturnValues FromJson(string json) => FromPlainJson(json) ?? FromAnyJson(json);

    /// <summary>
    /// The answers as the store writes them, <c>{"id":"text",...}</c> with no whitespace and nothing escaped in any
    /// text, read straight from the string's characters (no UTF-8 copy, no reader); null for anything else (an escape,
    /// a null, a space), which <see cref="FromAnyJson"/> reads or refuses.
    /// </summary>
    private static ReturnValues? FromPlainJson(string json)
    {
        var text = json.AsSpan();
        if (text.Length < 2 || text[0] != '{' || text[^1] != '}') return null;
        var packing = new Packing(FieldSlots.Count);
        int at = 1, slot = -1;
        while (text.Length > 2)
        {
            if (!PlainString(text, ref at, out var id) || at >= text.Length || text[at++] != ':' || !PlainString(text, ref at, out var value)) return null;
            // Every return is written in the same order of fields, the order this process numbered them in when it
            // first read one: the next field is nearly always the next slot.
            slot = FieldSlots.Of(id, slot + 1);
            packing.Set(slot, value);
            if (at >= text.Length) return null;
            var next = text[at++];
            if (next == '}') break;
            if (next != ',') return null;
        }
        return text.Length == 2 || at == text.Length ? new ReturnValues(packing.Done()) : null;
    }

    /// <summary>A quoted text at <paramref name="at"/> with no escape and no control character in it; moves past its closing quote.</summary>
    private static bool PlainString(ReadOnlySpan<char> text, ref int at, out ReadOnlySpan<char> value)
    {
        value = default;
        if (at >= text.Length || text[at] != '"') return false;
        var rest = text[(at + 1)..];
        var end = rest.IndexOfAny('"', '\\');
        if (end < 0 || rest[end] == '\\' || rest[..end].IndexOfAnyInRange('\0', '\u001f') >= 0) return false;
        value = rest[..end];
        at += end + 2;
        return true;
    }

    private static ReturnValues FromAnyJson(string json)
    {
        var rented = System.Buffers.ArrayPool<byte>.Shared.Rent(System.Text.Encoding.UTF8.GetMaxByteCount(json.Length));
        try
        {
            var length = System.Text.Encoding.UTF8.GetBytes(json, rented);
            var reader = new System.Text.Json.Utf8JsonReader(rented.AsSpan(0, length));
            if (!reader.Read() || reader.TokenType != System.Text.Json.JsonTokenType.StartObject)
            {
                throw new System.Text.Json.JsonException("A return's values must be a JSON object.");
            }
            var packing = new Packing(FieldSlots.Count);
            Span<char> text = stackalloc char[64];
            while (reader.Read() && reader.TokenType == System.Text.Json.JsonTokenType.PropertyName)
            {
                var slot = reader.ValueIsEscaped || reader.ValueSpan.Length > text.Length
                    ? FieldSlots.Of(reader.GetString()!)
                    : FieldSlots.Of(text[..reader.CopyString(text)]);
                reader.Read();
                if (reader.TokenType == System.Text.Json.JsonTokenType.Null) continue;
                if (reader.TokenType != System.Text.Json.JsonTokenType.String)
                {
                    throw new System.Text.Json.JsonException($"The value of {FieldSlots.IdOf(slot)} must be text.");
                }
                if (reader.ValueIsEscaped || reader.ValueSpan.Length > text.Length) packing.Set(slot, reader.GetString()!);
                else packing.Set(slot, text[..reader.CopyString(text)]);
            }
            if (reader.TokenType != System.Text.Json.JsonTokenType.EndObject) throw new System.Text.Json.JsonException("A return's values must be a JSON object of texts.");
            if (reader.Read()) throw new System.Text.Json.JsonException("A return's values must be one JSON object, with nothing after it.");
            return new ReturnValues(packing.Done());
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public static ReturnValues Empty { get; } = new([]);

    /// <summary>Field id to value, in the order field ids were first seen by the process (not a meaningful order).</summary>
    public IReadOnlyDictionary<string, string> AsDictionary() => new View(this);

    public int Count { get; }

    public bool Has(string fieldId) => Text(fieldId) is not null;

    public string? Text(string fieldId) => FieldSlots.Find(fieldId) is var slot && slot >= 0 && slot < _codes.Length ? ValueOf(_codes[slot]) : null;

    private string? ValueOf(ushort code) => code == 0 ? null : code >= Own ? _own![code - Own] : FieldSlots.Shared(code);

    public decimal? Number(string fieldId) => Text(fieldId) is { } s ? ParseNumber(s) : null;

    /// <summary>
    /// A number as <see cref="decimal.Parse(string, NumberStyles, IFormatProvider)"/> reads it (invariant, <see
    /// cref="NumberStyles.Number"/>), the scale kept ("1.50" has two places). The canonical form the store keeps,
    /// an optional minus and at most 18 digits with an optional point among them, is read digit by digit: the
    /// recompute reads every number of five years' returns several times over.
    /// </summary>
    private static decimal ParseNumber(string text)
    {
        if (text.Length is > 0 and <= 20)
        {
            var negative = text[0] == '-';
            ulong digits = 0;
            int count = 0, scale = -1;
            var i = negative ? 1 : 0;
            for (; i < text.Length; i++)
            {
                var c = text[i];
                if (char.IsAsciiDigit(c))
                {
                    digits = digits * 10 + (uint)(c - '0');
                    count++;
                    if (scale >= 0) scale++;
                }
                else if (c == '.' && scale < 0) scale = 0;
                else break;
            }
            // Anything else (a sign alone, "5.", "-0", a group separator, spaces) is left to the general parser.
            if (i == text.Length && count is > 0 and <= 18 && scale != 0 && !(negative && digits == 0))
            {
                return new decimal((int)(uint)digits, (int)(uint)(digits >> 32), 0, negative, (byte)Math.Max(scale, 0));
            }
        }
        return decimal.Parse(text, NumberStyles.Number, CultureInfo.InvariantCulture);
    }

    public bool? Flag(string fieldId) => Text(fieldId) is { } s ? s == "true" : null;

    public IReadOnlyList<string> Choices(string fieldId) =>
        Text(fieldId) is { } s ? s.Split(ChoiceSeparator) : [];

    private IEnumerable<KeyValuePair<string, string>> Pairs()
    {
        for (var slot = 0; slot < _codes.Length; slot++)
        {
            if (ValueOf(_codes[slot]) is { } value) yield return KeyValuePair.Create(FieldSlots.IdOf(slot), value);
        }
    }

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

    /// <summary>
    /// The process-wide numbering of field ids (a few hundred at most: ids come from the years' definitions) and of the
    /// short values returns share (up to 32,639 of them; any more are held by each return). Reads take a snapshot
    /// without locking; a new id or value is added under a lock.
    /// </summary>
    private static class FieldSlots
    {
        private const int ShareUpToLength = 12;
        private const int MaxShared = Own; // codes from Own up are a return's own values
        private const int OneCharacter = 128; // codes 1-128: the ASCII characters, numbered before anything else
        private static readonly Lock Adding = new();
        private static volatile Dictionary<string, int> _slotOf = new(StringComparer.Ordinal);
        private static volatile string[] _ids = [];
        private static volatile string[] _shared = [null!, .. Enumerable.Range(0, OneCharacter).Select(c => ((char)c).ToString()), .. new string[1024]];
        private static int _sharedCount = 1 + OneCharacter;
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, ushort> CodeOf = new(StringComparer.Ordinal);

        public static int Count => _ids.Length;

        public static int Find(string fieldId) => _slotOf.TryGetValue(fieldId, out var slot) ? slot : -1;

        public static string IdOf(int slot) => _ids[slot];

        /// <summary>The slot of a field id given as characters (a new id is added).</summary>
        public static int Of(ReadOnlySpan<char> fieldId) =>
            _slotOf.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(fieldId, out var slot) ? slot : Of(new string(fieldId));

        /// <summary><see cref="Of(ReadOnlySpan{char})"/>, comparing with the id of the slot <paramref name="likely"/> before looking it up.</summary>
        public static int Of(ReadOnlySpan<char> fieldId, int likely) =>
            _ids is var ids && (uint)likely < (uint)ids.Length && fieldId.SequenceEqual(ids[likely]) ? likely : Of(fieldId);

        /// <summary>The code of a short value, numbered the first time it is met; 0 for a value not shared (long, or too many).</summary>
        public static ushort Code(ReadOnlySpan<char> value) =>
            value.Length == 1 && value[0] < OneCharacter ? (ushort)(1 + value[0]) // ratings, flags, most options: no lookup
            : value.Length > ShareUpToLength ? (ushort)0
            : CodeOf.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(value, out var code) ? code
            : Add(new string(value));

        public static ushort Code(string value) =>
            value.Length == 1 && value[0] < OneCharacter ? (ushort)(1 + value[0])
            : value.Length > ShareUpToLength ? (ushort)0
            : CodeOf.TryGetValue(value, out var code) ? code
            : Add(value);

        public static string Shared(ushort code) => _shared[code];

        private static ushort Add(string value)
        {
            lock (Adding)
            {
                if (CodeOf.TryGetValue(value, out var code)) return code;
                if (_sharedCount >= MaxShared) return 0;
                var table = _shared;
                if (_sharedCount == table.Length) table = [.. table, .. new string[table.Length]];
                table[_sharedCount] = value;
                _shared = table; // the value is in the table before anyone can read its code
                code = (ushort)_sharedCount++;
                CodeOf[value] = code;
                return code;
            }
        }

        public static int Of(string fieldId)
        {
            if (_slotOf.TryGetValue(fieldId, out var slot)) return slot;
            lock (Adding)
            {
                if (_slotOf.TryGetValue(fieldId, out slot)) return slot;
                slot = _ids.Length;
                _ids = [.. _ids, fieldId];
                _slotOf = new Dictionary<string, int>(_slotOf, StringComparer.Ordinal) { [fieldId] = slot };
                return slot;
            }
        }

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
