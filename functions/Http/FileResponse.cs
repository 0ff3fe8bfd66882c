using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Pps.Functions.Http;

/// <summary>A stored file as it is (JSON or CSV), written like <see cref="JsonResponse"/>: nothing needed from MVC's executors.</summary>
public sealed class FileResponse(byte[] content, string contentType) : IActionResult
{
    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public FileResponse WithHeader(string name, string value)
    {
        Headers[name] = value;
        return this;
    }

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        foreach (var (name, value) in Headers) response.Headers[name] = value;
        response.ContentType = contentType;
        response.ContentLength = content.Length;
        await response.Body.WriteAsync(content, context.HttpContext.RequestAborted);
    }
}
