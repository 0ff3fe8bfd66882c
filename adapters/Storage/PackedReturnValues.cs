using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Pps.Core.Definition;

namespace Pps.Core.Storage;

/// <summary>
/// The answers of a year's stored returns as the close holds them, all at once and read many times over: each return
/// keeps a number per field instead of a dictionary of its own. The numbering belongs to one <see cref="Reader"/>
/// (one read of a year) and goes with it: field ids get a slot, and short values (ratings, flags, options, small
/// counts) a code shared by that read's returns; a return holds only its longer texts itself. Numbers, not
/// references, so the collector has nothing to trace in them. A test holds these to <see cref="ReturnValues"/> read
/// the plain way.
/// </summary>
internal sealed class PackedReturnValues : ReturnValues
{
    private readonly Reader _reader;
    private readonly ushort[] _codes;
    private readonly string[]? _own;
    private readonly int _count;

    /// <summary>A code: 0 no value, below this a shared value's number, from this up the place of one of the return's own values.</summary>
    private const ushort Own = 0x8000;

    private PackedReturnValues(Reader reader, ushort[] codes, string[]? own, int count) =>
        (_reader, _codes, _own, _count) = (reader, codes, own, count);

    public override int Count => _count;

    public override string? Text(string fieldId) =>
        _reader.Find(fieldId) is var slot && slot >= 0 && slot < _codes.Length ? ValueOf(_codes[slot]) : null;

    private string? ValueOf(ushort code) => code == 0 ? null : code >= Own ? _own![code - Own] : _reader.Shared(code);

    public override decimal? Number(string fieldId) => Text(fieldId) is { } s ? ParseNumber(s) : null;

    protected override IEnumerable<KeyValuePair<string, string>> Pairs()
    {
        for (var slot = 0; slot < _codes.Length; slot++)
        {
            if (ValueOf(_codes[slot]) is { } value) yield return KeyValuePair.Create(_reader.IdOf(slot), value);
        }
    }

    /// <summary>
    /// A number as <see cref="ReturnValues.Number"/> reads it. The canonical form the store keeps, an optional minus and
    /// at most 18 digits with an optional point among them, is read digit by digit: the close reads every number of
    /// five years' returns several times over.
    /// </summary>
    internal static decimal ParseNumber(string text)
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

    /// <summary>
    /// One read's numbering of field ids (a few hundred at most: ids come from the years' definitions) and of the short
    /// values its returns share (up to 32,639; any more are held by each return). Used by one reader at a time.
    /// </summary>
    internal sealed class Reader
    {
        private const int ShareUpToLength = 12;
        private const int OneCharacter = 128; // codes 1-128: the ASCII characters, numbered before anything else
        private readonly Dictionary<string, int> _slotOf = new(StringComparer.Ordinal);
        private readonly List<string> _ids = [];
        private readonly List<string> _shared = [null!, .. Enumerable.Range(0, OneCharacter).Select(c => ((char)c).ToString())];
        private readonly Dictionary<string, ushort> _codeOf = new(StringComparer.Ordinal);

        public int Find(string fieldId) => _slotOf.TryGetValue(fieldId, out var slot) ? slot : -1;

        public string IdOf(int slot) => _ids[slot];

        public string Shared(ushort code) => _shared[code];

        /// <summary>
        /// The values of a JSON object of field id to text, read straight into slots: no dictionary and no field-id
        /// strings on the way. A field given twice keeps its last value; a null value is no value.
        /// </summary>
        /// <exception cref="JsonException">The text is not a JSON object of strings.</exception>
        public ReturnValues FromJson(string json) => FromPlainJson(json) ?? FromAnyJson(json);

        /// <summary>
        /// The answers as the store writes them, <c>{"id":"text",...}</c> with no whitespace and nothing escaped in any
        /// text, read straight from the string's characters (no UTF-8 copy, no reader); null for anything else (an
        /// escape, a null, a space), which <see cref="FromAnyJson"/> reads or refuses.
        /// </summary>
        private PackedReturnValues? FromPlainJson(string json)
        {
            var text = json.AsSpan();
            if (text.Length < 2 || text[0] != '{' || text[^1] != '}') return null;
            var packing = new Packing(this, _ids.Count);
            int at = 1, slot = -1;
            while (text.Length > 2)
            {
                if (!PlainString(text, ref at, out var id) || at >= text.Length || text[at++] != ':' || !PlainString(text, ref at, out var value)) return null;
                // Every return is written in the same order of fields, the order this read numbered them in when it
                // first met one: the next field is nearly always the next slot.
                slot = SlotOf(id, slot + 1);
                packing.Set(slot, value);
                if (at >= text.Length) return null;
                var next = text[at++];
                if (next == '}') break;
                if (next != ',') return null;
            }
            return text.Length == 2 || at == text.Length ? packing.Done() : null;
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

        private PackedReturnValues FromAnyJson(string json)
        {
            var rented = ArrayPool<byte>.Shared.Rent(System.Text.Encoding.UTF8.GetMaxByteCount(json.Length));
            try
            {
                var length = System.Text.Encoding.UTF8.GetBytes(json, rented);
                var reader = new Utf8JsonReader(rented.AsSpan(0, length));
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                {
                    throw new JsonException("A return's values must be a JSON object.");
                }
                var packing = new Packing(this, _ids.Count);
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var slot = SlotOf(reader.GetString()!);
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Null) continue;
                    if (reader.TokenType != JsonTokenType.String) throw new JsonException($"The value of {IdOf(slot)} must be text.");
                    packing.Set(slot, reader.GetString()!);
                }
                if (reader.TokenType != JsonTokenType.EndObject) throw new JsonException("A return's values must be a JSON object of texts.");
                if (reader.Read()) throw new JsonException("A return's values must be one JSON object, with nothing after it.");
                return packing.Done();
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        /// <summary>The slot of a field id given as characters (a new id is added), comparing with the id of the slot <paramref name="likely"/> before looking it up.</summary>
        private int SlotOf(ReadOnlySpan<char> fieldId, int likely) =>
            (uint)likely < (uint)_ids.Count && fieldId.SequenceEqual(_ids[likely]) ? likely
            : _slotOf.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(fieldId, out var slot) ? slot
            : SlotOf(new string(fieldId));

        private int SlotOf(string fieldId)
        {
            if (_slotOf.TryGetValue(fieldId, out var slot)) return slot;
            slot = _ids.Count;
            _ids.Add(fieldId);
            _slotOf[fieldId] = slot;
            return slot;
        }

        /// <summary>The code of a short value, numbered the first time it is met; 0 for a value not shared (long, or too many).</summary>
        private ushort Code(ReadOnlySpan<char> value)
        {
            if (value.Length == 1 && value[0] < OneCharacter) return (ushort)(1 + value[0]); // ratings, flags, most options: no lookup
            if (value.Length > ShareUpToLength) return 0;
            if (_codeOf.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(value, out var code)) return code;
            if (_shared.Count >= Own) return 0;
            code = (ushort)_shared.Count;
            var shared = new string(value);
            _shared.Add(shared);
            _codeOf[shared] = code;
            return code;
        }

        /// <summary>The codes and own values of a return being read, slot by slot.</summary>
        private struct Packing(Reader reader, int slots)
        {
            private ushort[] _codes = new ushort[slots];
            private List<string>? _own;
            private int _used, _count;

            /// <summary>The slot's value (a field given twice keeps its last value).</summary>
            public void Set(int slot, ReadOnlySpan<char> value)
            {
                if (slot >= _codes.Length) Array.Resize(ref _codes, Math.Max(slot + 1, _codes.Length * 2));
                if (_codes[slot] == 0) _count++;
                var code = reader.Code(value);
                if (code == 0)
                {
                    _own ??= [];
                    code = (ushort)(Own | _own.Count);
                    _own.Add(new string(value));
                }
                _codes[slot] = code;
                _used = Math.Max(_used, slot + 1);
            }

            public readonly PackedReturnValues Done() =>
                new(reader, _used == _codes.Length ? _codes : _codes[.._used], _own?.ToArray(), _count);
        }
    }
}
