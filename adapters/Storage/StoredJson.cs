using System.Text.Json;
using Azure.Data.Tables;

namespace Pps.Core.Storage;

/// <summary>
/// JSON and long text as the tables store them. Text is stored as written, not ASCII-escaped (an Arabic
/// letter is one character, not the six of "\u0627"), and a text longer than one property may hold is
/// split over numbered properties (Name, Name_1, Name_2, ...) so that it is kept whole wherever the entity
/// itself has room.
/// </summary>
public static class StoredJson
{
    /// <summary>Table storage holds at most 64 KiB in a string property: 32,768 UTF-16 characters. Keep a margin.</summary>
    public const int MaxPropertyChars = 30_000;

    /// <summary>For JSON kept in storage: only what JSON itself requires is escaped.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        Encoder = Definition.FreeText.StoredEncoder, // the encoder limits are measured with (FreeText.StoredBytes)
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Options)!;

    /// <summary>Writes <paramref name="text"/> into <paramref name="name"/> and as many numbered properties after it as it needs.</summary>
    public static void WriteLong(TableEntity entity, string name, string? text)
    {
        if (text is null) return;
        var part = 0;
        var start = 0;
        do
        {
            var length = Math.Min(MaxPropertyChars, text.Length - start);
            // Never split a surrogate pair: each part must be valid text on its own.
            if (length > 0 && start + length < text.Length && char.IsHighSurrogate(text[start + length - 1])) length--;
            entity[part == 0 ? name : $"{name}_{part}"] = text.Substring(start, length);
            start += length;
            part++;
        }
        while (start < text.Length);
    }

    /// <summary>Reads back what <see cref="WriteLong"/> wrote; null when the property is absent.</summary>
    public static string? ReadLong(TableEntity entity, string name)
    {
        var first = entity.GetString(name);
        if (first is null || !entity.ContainsKey($"{name}_1")) return first;
        var builder = new System.Text.StringBuilder(first);
        for (var part = 1; entity.GetString($"{name}_{part}") is { } next; part++) builder.Append(next);
        return builder.ToString();
    }
}
