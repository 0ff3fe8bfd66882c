using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Pps.Functions.Http;

/// <summary>
/// A JSON response written by the API itself (status, headers, body), so that it needs nothing from MVC's
/// executors and reads the same in tests as on the wire.
/// </summary>
public sealed class JsonResponse(int status, object? body, string contentType = "application/json; charset=utf-8") : IActionResult
{
    public int StatusCode { get; } = status;
    public object? Body { get; } = body;
    public string ContentType { get; } = contentType;
    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public JsonResponse WithHeader(string name, string? value)
    {
        if (!string.IsNullOrEmpty(value)) Headers[name] = value;
        return this;
    }

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = StatusCode;
        foreach (var (name, value) in Headers) response.Headers[name] = value;
        if (Body is null) return;
        response.ContentType = ContentType;
        await JsonSerializer.SerializeAsync(response.Body, Body, Body.GetType(), HttpJson.Options, context.HttpContext.RequestAborted);
    }
}
