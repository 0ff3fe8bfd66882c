using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Azure;
using Azure.Storage.Blobs.Models;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;
using Pps.Core.Storage;

namespace Pps.DevHost;

/// <summary>
/// The production topology (--topology production): the site on one origin, served from the published container as
/// Azure's static website serves $web, and the API on another, behind the function app's CORS. Ports are fixed
/// before the host starts, because the site's config.json (written by site/package.mjs, as the deployment writes it)
/// must name the API's URL.
/// </summary>
public sealed record ProductionTopology(int ApiPort, int SitePort, IReadOnlyList<string> AllowedOrigins)
{
    public string ApiOrigin => $"http://127.0.0.1:{ApiPort.ToString(CultureInfo.InvariantCulture)}";
    public string SiteOrigin => $"http://127.0.0.1:{SitePort.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>A loopback port free now (the OS's choice, as port 0 would be).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>
/// Serves the published container the way Azure Storage's static website serves $web: the blob named by the path
/// (query ignored), index.html for the root and for a folder, 404.html with status 404 for anything else, and only
/// the blob's own headers (Content-Type, Content-Encoding, Cache-Control, ETag, Last-Modified; 304 on a matching
/// If-None-Match). No Content-Security-Policy or other header of the host's: the pages must carry their own.
/// </summary>
public sealed class StaticWebsite(PpsStorage storage)
{
    public const string IndexDocument = "index.html";
    public const string ErrorDocument = "404.html";

    public async Task ServeAsync(HttpContext context)
    {
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }
        var path = Uri.UnescapeDataString(context.Request.Path.Value ?? "/").TrimStart('/');
        var candidates = path.Length == 0 || path.EndsWith('/') ? [path + IndexDocument] : new[] { path, path + "/" + IndexDocument };
        foreach (var name in candidates)
        {
            if (await TryServeAsync(context, name, StatusCodes.Status200OK)) return;
        }
        if (!await TryServeAsync(context, ErrorDocument, StatusCodes.Status404NotFound))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
        }
    }

    private async Task<bool> TryServeAsync(HttpContext context, string name, int status)
    {
        var blob = storage.Published.GetBlobClient(name);
        BlobProperties properties;
        try
        {
            properties = (await blob.GetPropertiesAsync(cancellationToken: context.RequestAborted)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
        var response = context.Response;
        var etag = properties.ETag.ToString("H");
        response.Headers.ETag = etag;
        response.Headers.LastModified = properties.LastModified.ToString("R");
        if (!string.IsNullOrEmpty(properties.CacheControl)) response.Headers.CacheControl = properties.CacheControl;
        var ifNoneMatch = context.Request.Headers.IfNoneMatch.ToString();
        if (status == StatusCodes.Status200OK && ifNoneMatch.Length > 0 && EntityTagHeaderValue.TryParseList([ifNoneMatch], out var tags)
            && tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Tag.Equals(etag, StringComparison.Ordinal)))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return true;
        }
        response.StatusCode = status;
        response.ContentType = string.IsNullOrEmpty(properties.ContentType) ? "application/octet-stream" : properties.ContentType;
        if (!string.IsNullOrEmpty(properties.ContentEncoding)) response.Headers.ContentEncoding = properties.ContentEncoding;
        response.ContentLength = properties.ContentLength;
        if (HttpMethods.IsHead(context.Request.Method)) return true;
        var download = await blob.DownloadStreamingAsync(new BlobDownloadOptions { Conditions = new BlobRequestConditions { IfMatch = properties.ETag } },
            context.RequestAborted);
        await download.Value.Content.CopyToAsync(response.Body, context.RequestAborted);
        return true;
    }
}

/// <summary>
/// Deploys the site into the published container when the host starts, as the postdeploy hook does into $web: runs
/// site/package.mjs (the one script that decides what is uploaded) with this host's API URL and published prefix,
/// then uploads each file of its plan with the Content-Type, Cache-Control and Content-Encoding the plan gives.
/// </summary>
public sealed class SiteDeployment(ProductionTopology topology, string siteFolder, string repoRoot, string apiBase, PpsStorage storage,
    ILogger<SiteDeployment> log) : IHostedService
{
    public int Uploaded { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var staging = Directory.CreateTempSubdirectory("pps-site-");
        try
        {
            var package = Path.Combine(staging.FullName, "site");
            var plan = Path.Combine(staging.FullName, "plan.tsv");
            await RunNodeAsync(repoRoot, cancellationToken, Path.Combine(repoRoot, "site", "package.mjs"), "--dist", siteFolder, "--out", package, "--plan", plan,
                "--api-base", apiBase, "--published-prefix", storage.Options.PublishedPrefix);
            await storage.Published.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            foreach (var line in await File.ReadAllLinesAsync(plan, cancellationToken))
            {
                if (line.Length == 0) continue;
                var parts = line.Split('\t');
                var headers = new BlobHttpHeaders { ContentType = parts[1], CacheControl = parts[2], ContentEncoding = parts[3].Length == 0 ? null : parts[3] };
                await using var file = File.OpenRead(Path.Combine(package, parts[0]));
                await storage.Published.GetBlobClient(parts[0]).UploadAsync(file, new BlobUploadOptions { HttpHeaders = headers }, cancellationToken);
                Uploaded++;
            }
            log.LogInformation("Site deployed to {Container}: {Count} files, API {Api}, served at {Site}", storage.Published.Name, Uploaded, apiBase, topology.SiteOrigin);
        }
        finally
        {
            staging.Delete(recursive: true);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static async Task RunNodeAsync(string workingDirectory, CancellationToken ct, params string[] arguments)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = workingDirectory, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("node could not be started: the production topology packages the site with site/package.mjs");
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"site/package.mjs failed (exit {process.ExitCode}): {(await error).Trim()} {(await output).Trim()}");
        }
    }
}
