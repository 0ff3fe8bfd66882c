using System.Collections.Concurrent;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;
using Pps.Core.Publishing;
using Pps.Core.Storage;

namespace Pps.DevHost;

/// <summary>
/// The published container at the paths the static website serves it from in Azure: GET /data/... is the blob
/// data/... (the prefix is Pps__PublishedPrefix), with the Content-Type and Cache-Control it was published
/// with, its ETag, and 304 for a matching If-None-Match. What is served is what the public container holds, as in
/// Azure, except a provisional pointer (manifest-{status}.json) or a version whose own manifest is not final:
/// <list type="bullet">
/// <item>a set's files are objects named by their SHA-256 ({year}/objects/...). Only final sets write objects to the
/// public container (the publisher writes a provisional set's objects and manifests to the private provisional
/// container only), so every object here is final content and is served;</item>
/// <item>an unfinished version (a run that died before its manifest) is one whose version folder has no manifest: no
/// pointer or manifest lists it, so nothing leads a reader to it. The objects it wrote are served if asked for by
/// their hash, as the static website would; they hold final figures the next run writes again, identically;</item>
/// <item>sets published before the content-addressed layout keep their files under their version folder: those are
/// served only when that version's manifest is there and final.</item>
/// </list>
/// </summary>
public sealed class PublishedFiles(PpsStorage storage)
{
    private readonly ConcurrentDictionary<string, bool> _finalVersions = new(StringComparer.Ordinal);

    public string Prefix => storage.Options.PublishedPrefix;

    public void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapMethods("/" + Prefix + "{**path}", ["GET", "HEAD"], ServeAsync);

    public async Task ServeAsync(HttpContext context)
    {
        var path = (context.Request.RouteValues["path"] as string ?? "").TrimStart('/');
        if (path.Length == 0 || path.Contains("..", StringComparison.Ordinal) || !await IsPublicAsync(path, context.RequestAborted))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        var blob = storage.Published.GetBlobClient(Prefix + path);
        BlobProperties properties;
        try
        {
            properties = (await blob.GetPropertiesAsync(cancellationToken: context.RequestAborted)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        var response = context.Response;
        var etag = properties.ETag.ToString("H");
        response.Headers.ETag = etag;
        if (!string.IsNullOrEmpty(properties.CacheControl)) response.Headers.CacheControl = properties.CacheControl;
        response.Headers.LastModified = properties.LastModified.ToString("R");
        var ifNoneMatch = context.Request.Headers.IfNoneMatch.ToString();
        if (ifNoneMatch.Length > 0 && EntityTagHeaderValue.TryParseList([ifNoneMatch], out var tags)
            && tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Tag.Equals(etag, StringComparison.Ordinal)))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }
        response.ContentType = string.IsNullOrEmpty(properties.ContentType) ? "application/octet-stream" : properties.ContentType;
        // Stored compressed (see BlobPublishedStore): served as stored, as Azure's static website does.
        if (!string.IsNullOrEmpty(properties.ContentEncoding)) response.Headers.ContentEncoding = properties.ContentEncoding;
        response.ContentLength = properties.ContentLength;
        if (HttpMethods.IsHead(context.Request.Method)) return;
        var download = await blob.DownloadStreamingAsync(new BlobDownloadOptions { Conditions = new BlobRequestConditions { IfMatch = properties.ETag } },
            context.RequestAborted);
        await download.Value.Content.CopyToAsync(response.Body, context.RequestAborted);
    }

    /// <summary>Not a provisional pointer, nor a version folder's file unless that version's manifest is there and final.</summary>
    private async Task<bool> IsPublicAsync(string path, CancellationToken ct)
    {
        var segments = path.Split('/');
        if (segments[^1].StartsWith("manifest-", StringComparison.Ordinal)) return false;
        if (segments.Length < 4 || segments[1] != "versions") return true;
        var versionManifest = $"{segments[0]}/versions/{segments[2]}/manifest.json";
        if (_finalVersions.TryGetValue(versionManifest, out var final)) return final;
        var stored = await BlobPublishedStore.For(storage).ReadAsync(versionManifest, ct);
        if (stored is null) return false; // a version still being written is not referenced by anything yet
        final = JsonDocument.Parse(stored.Value.Content).RootElement.TryGetProperty("status", out var status)
            && status.GetString() == Manifest.Final;
        return _finalVersions.GetOrAdd(versionManifest, final); // versions never change: remember
    }
}
