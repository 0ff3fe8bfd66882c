using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Pps.Functions.Http;

/// <summary>A request body read as JSON, or the 4xx response that says why it could not be.</summary>
public sealed record BodyResult<T>(T? Value, JsonResponse? Failure) where T : class
{
    /// <summary>No body was sent (allowed only where the body is optional).</summary>
    public bool IsEmpty => Value is null && Failure is null;
}

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

    /// <summary>A CSV body as text: text/csv (UTF-8) only (415), at most 1 MiB (413), not empty (400).</summary>
    public static async Task<BodyResult<string>> ReadCsvAsync(HttpRequest request, CancellationToken ct = default)
    {
        if (request.ContentLength > MaxBytes) return new(null, Problems.TooLarge(MaxBytes));
        var bytes = await ReadLimitedAsync(request.Body, ct);
        if (bytes is null) return new(null, Problems.TooLarge(MaxBytes));
        if (bytes.Length == 0) return new(null, Problems.BadRequest("A CSV body is required, starting with its header row."));
        var csv = MediaTypeHeaderValue.TryParse(request.ContentType, out var parsed)
            && string.Equals(parsed.MediaType, "text/csv", StringComparison.OrdinalIgnoreCase)
            && (parsed.CharSet is null || string.Equals(parsed.CharSet.Trim('"'), "utf-8", StringComparison.OrdinalIgnoreCase));
        if (!csv) return new(null, Problems.UnsupportedMediaType(request.ContentType, "text/csv"));
        return new(System.Text.Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF'), null);
    }

    public static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && string.Equals(parsed.MediaType, "application/json", StringComparison.OrdinalIgnoreCase)
        && (parsed.CharSet is null || string.Equals(parsed.CharSet.Trim('"'), "utf-8", StringComparison.OrdinalIgnoreCase));

    private static async Task<byte[]?> ReadLimitedAsync(Stream body, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBytes) return null;
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
