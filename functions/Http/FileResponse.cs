using Microsoft.AspNetCore.Mvc;

namespace Pps.Functions.Http;

/// <summary>A file download written by the API itself (like <see cref="JsonResponse"/>, it needs nothing from MVC's executors).</summary>
public sealed class FileResponse(byte[] content, string contentType, string fileName) : IActionResult
{
    public byte[] Content { get; } = content;
    public string ContentType { get; } = contentType;
    public string FileName { get; } = fileName;

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = 200;
        response.ContentType = ContentType;
        response.ContentLength = Content.Length;
        response.Headers.ContentDisposition = $"attachment; filename=\"{FileName}\"";
        response.Headers.CacheControl = "no-store";
        await response.Body.WriteAsync(Content, context.HttpContext.RequestAborted);
    }
}
