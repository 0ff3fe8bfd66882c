using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Pps.Functions.Http;

/// <summary>A request body read as JSON, or the 4xx response that says why it could not be.</summary>
public sealed record BodyResult<T>(T? Value, JsonResponse? Failure) where T : class;

public static class RequestBody
{
    /// <summary>The largest body the API reads: 1 MiB (a full return is about 3 KiB).</summary>
    public const int MaxBytes = 1024 * 1024;

    /// <summary>
    /// Reads a JSON body strictly: application/json only (415), at most 1 MiB (413), well-formed JSON with no
    /// property the API does not know (400).
    /// </summary>
    public static async Task<BodyResult<T>> ReadJsonAsync<T>(HttpRequest request, bool optional = false, CancellationToken ct = default) where T : class
    {
        if (request.ContentLength > MaxBytes) return new(null, Problems.TooLarge(MaxBytes));
        var bytes = await ReadLimitedAsync(request.Body, ct);
        if (bytes is null) return new(null, Problems.TooLarge(MaxBytes));
        if (bytes.Length == 0)
        {
            return optional ? new(null, null) : new(null, Problems.BadRequest("A JSON body is required."));
        }
        if (!IsJson(request.ContentType)) return new(null, Problems.UnsupportedMediaType(request.ContentType));
        if (TextProblem(bytes) is { } problem) return new(null, Problems.BadRequest(problem));
        try
        {
            var value = JsonSerializer.Deserialize<T>(bytes, HttpJson.Strict);
            return value is null ? new(null, Problems.BadRequest("The body is JSON null; send an object.")) : new(value, null);
        }
        catch (JsonException e)
        {
            return new(null, Problems.BadRequest(Describe(e)));
        }
    }

    /// <summary>
    /// What makes a body unreadable before its shape is looked at: bytes that are not UTF-8, a property given
    /// twice in one object (never last-one-wins), or a string that is not valid Unicode (a lone surrogate
    /// escape such as \ud800). Null when the text is sound (malformed JSON is reported by the deserializer).
    /// </summary>
    public static string? TextProblem(byte[] bytes)
    {
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return "The body is not valid UTF-8 text; send JSON encoded as UTF-8. Nothing was saved.";
        }
        try
        {
            using var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { AllowDuplicateProperties = false });
            return InvalidTextAt(document.RootElement, "$") is { } path
                ? $"The text at {path} is not valid Unicode (it holds half of a character pair, such as \\ud800). Nothing was saved."
                : null;
        }
        catch (JsonException e) when (DuplicateName(e) is { } name)
        {
            var where = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "the body" : e.Path;
            return $"\"{name}\" twice in {where}: give each property once. Nothing was saved.";
        }
        catch (JsonException)
        {
            return null; // malformed: the deserializer says where
        }
        catch (InvalidOperationException)
        {
            // The duplicate check compares property names, and a name that is half a character pair cannot be read
            // as text: found again without that check, to say where.
            using var document = JsonDocument.Parse(bytes);
            var path = InvalidTextAt(document.RootElement, "$") ?? "$ (a property name)";
            return $"The text at {path} is not valid Unicode (it holds half of a character pair, such as \\ud800). Nothing was saved.";
        }
    }

    /// <summary>The path of the first property name or string that cannot be read as text, or null.</summary>
    private static string? InvalidTextAt(JsonElement element, string path)
    {
        // The path is put together only when something is found (every body is checked; almost none has a problem).
        var segments = new List<string>();
        return HasInvalidText(element, segments) ? path + string.Concat(Enumerable.Reverse(segments)) : null;
    }

    /// <summary>Whether the element holds a name or string that is not valid text; if so, <paramref name="path"/> gets its segments, innermost first.</summary>
    private static bool HasInvalidText(JsonElement element, List<string> path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        path.Add(" (a property name)");
                        return true;
                    }
                    if (HasInvalidText(property.Value, path))
                    {
                        path.Add("." + name);
                        return true;
                    }
                }
                return false;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (HasInvalidText(item, path))
                    {
                        path.Add($"[{i}]");
                        return true;
                    }
                    i++;
                }
                return false;
            case JsonValueKind.String:
                try
                {
                    _ = element.GetString();
                    return false;
                }
                catch (InvalidOperationException)
                {
                    return true;
                }
            default:
                return false;
        }
    }

    private static string? DuplicateName(JsonException e)
    {
        var m = System.Text.RegularExpressions.Regex.Match(e.Message, "[Dd]uplicate property '(?<name>[^']*)'");
        return m.Success ? m.Groups["name"].Value : e.Message.Contains("uplicate", StringComparison.Ordinal) ? "a property" : null;
    }

    /// <summary>A JSON body as text, with the same checks as <see cref="ReadJsonAsync{T}"/> except its shape (for documents the core checks itself).</summary>
    public static async Task<BodyResult<string>> ReadJsonTextAsync(HttpRequest request, CancellationToken ct = default)
    {
        if (request.ContentLength > MaxBytes) return new(null, Problems.TooLarge(MaxBytes));
        var bytes = await ReadLimitedAsync(request.Body, ct);
        if (bytes is null) return new(null, Problems.TooLarge(MaxBytes));
        if (bytes.Length == 0) return new(null, Problems.BadRequest("A JSON body is required."));
        if (!IsJson(request.ContentType)) return new(null, Problems.UnsupportedMediaType(request.ContentType));
        if (TextProblem(bytes) is { } problem) return new(null, Problems.BadRequest(problem));
        return new(System.Text.Encoding.UTF8.GetString(bytes), null);
    }

    /// <summary>
    /// Reads a text body of the given media type (such as text/csv), at most <paramref name="maxBytes"/> (1 MiB by
    /// default): the text, or the 400/413/415 that says why not. The text is UTF-8 unless the Content-Type names
    /// another charset (charset=windows-1252, as Excel saves "CSV" on Windows), which is then decoded as named;
    /// bytes that are not text in that charset are refused, never replaced.
    /// </summary>
    public static async Task<BodyResult<string>> ReadTextAsync(HttpRequest request, string mediaType, CancellationToken ct = default, int maxBytes = MaxBytes)
    {
        if (request.ContentLength > maxBytes) return new(null, Problems.TooLarge(maxBytes));
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var parsed) || !string.Equals(parsed.MediaType, mediaType, StringComparison.OrdinalIgnoreCase))
        {
            return new(null, Problems.UnsupportedMediaType(request.ContentType, mediaType));
        }
        var charset = parsed.CharSet?.Trim('"');
        var encoding = TextEncoding(charset);
        if (encoding is null)
        {
            return new(null, Problems.Of(StatusCodes.Status415UnsupportedMediaType, $"Send {mediaType} as UTF-8.",
                $"The charset \"{charset}\" is not one this API reads: send the file as UTF-8 (\"CSV UTF-8\" in Excel), or name windows-1252 if that is how it was saved."));
        }
        var bytes = await ReadLimitedAsync(request.Body, ct, maxBytes);
        if (bytes is null) return new(null, Problems.TooLarge(maxBytes));
        if (bytes.Length == 0) return new(null, Problems.BadRequest("The body is empty: send the file's contents."));
        try
        {
            return new(encoding.GetString(bytes).TrimStart('\uFEFF'), null);
        }
        catch (DecoderFallbackException e)
        {
            var at = e.Index >= 0 ? $" (byte {e.Index + 1:N0})" : "";
            return new(null, charset is null || encoding is UTF8Encoding
                ? Problems.BadRequest($"The file is not UTF-8 text{at}: save it as \"CSV UTF-8\" and send it again, or name its charset in the Content-Type (text/csv; charset=windows-1252). Nothing was stored.")
                : Problems.BadRequest($"The file is not {charset} text{at}: save it as \"CSV UTF-8\" and send it again. Nothing was stored."));
        }
    }

    /// <summary>A strict decoder for the charset a request names (none: UTF-8), or null for one this API does not read.</summary>
    private static Encoding? TextEncoding(string? charset)
    {
        if (string.IsNullOrWhiteSpace(charset) || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true);
        }
        // Only the single-byte charsets a spreadsheet on Windows or a Mac saves as "CSV": never a guess from the bytes.
        var codePage = charset.ToLowerInvariant() switch
        {
            "windows-1252" or "cp1252" => 1252,
            "iso-8859-1" or "latin1" or "iso-8859-15" => charset.EndsWith("15", StringComparison.Ordinal) ? 28605 : 28591,
            "us-ascii" => 20127,
            _ => 0,
        };
        if (codePage == 0) return null;
        var encoding = CodePagesEncodingProvider.Instance.GetEncoding(codePage, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback)
            ?? Encoding.GetEncoding(codePage, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
        return encoding;
    }

    public static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && string.Equals(parsed.MediaType, "application/json", StringComparison.OrdinalIgnoreCase)
        && (parsed.CharSet is null || string.Equals(parsed.CharSet.Trim('"'), "utf-8", StringComparison.OrdinalIgnoreCase));

    private static async Task<byte[]?> ReadLimitedAsync(Stream body, CancellationToken ct, int maxBytes = MaxBytes)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > maxBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static string Describe(JsonException e)
    {
        var where = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $" at {e.Path}";
        if (e.Message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            return $"The body has a property the API does not know{where}. Field answers go inside \"values\".";
        }
        var line = e.LineNumber is { } l ? $" (line {l + 1}, position {e.BytePositionInLine + 1})" : "";
        return $"The body is not valid JSON, or a value has the wrong kind{where}{line}.";
    }
}
