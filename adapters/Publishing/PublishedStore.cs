using System.IO.Compression;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Pps.Core.Publishing;

/// <summary>The published container, as the publisher needs it: write-once files and replaceable pointers.</summary>
public interface IPublishedStore
{
    /// <summary>Writes a file that must not exist yet (versioned files are never overwritten).</summary>
    Task WriteOnceAsync(string path, byte[] content, string contentType, CancellationToken ct);

    /// <summary>
    /// Replaces a pointer file (a manifest, the index) if it is still at <paramref name="ifMatch"/>;
    /// <see cref="ETag.All"/> means "only if there is none yet"; null means unconditionally.
    /// </summary>
    Task ReplaceAsync(string path, byte[] content, string contentType, ETag? ifMatch, CancellationToken ct);

    Task<(BinaryData Content, ETag ETag)?> ReadAsync(string path, CancellationToken ct);

    /// <summary>The names of the folders directly under <paramref name="folder"/> (which ends with '/').</summary>
    Task<IReadOnlyList<string>> ListFoldersAsync(string folder, CancellationToken ct);
}

/// <summary>
/// The published container; every path is read and written under <paramref name="prefix"/> (the app's
/// "Pps__PublishedPrefix", "data/" by default: see <see cref="For"/>). Paths inside manifests and the index
/// stay relative to the prefix, so a reader that found index.json at {prefix}index.json follows them from there.
/// </summary>
public sealed class BlobPublishedStore(BlobContainerClient container, string prefix = "") : IPublishedStore
{
    /// <summary>The store as the app uses it: the published container, under the configured prefix.</summary>
    public static BlobPublishedStore For(Storage.PpsStorage storage) => new(storage.Published, storage.Options.PublishedPrefix);

    public string Prefix => prefix;

    /// <summary>
    /// Files written once (objects, version manifests) are stored gzip-compressed with Content-Encoding: gzip, as a
    /// static website serves them and every browser reads them; the service pages are much repetitive JSON, and
    /// writing them whole was most of the close. <see cref="ReadAsync"/> gives back
    /// the bytes as written. Pointers (the year's manifests, the index) stay plain: they are small and replaced.
    /// </summary>
    public Task WriteOnceAsync(string path, byte[] content, string contentType, CancellationToken ct)
    {
        var (bytes, encoding) = Compress(content);
        return container.GetBlobClient(prefix + path).UploadAsync(BinaryData.FromBytes(bytes), new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = contentType, ContentEncoding = encoding, CacheControl = PublishedPaths.ImmutableCacheControl },
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
        }, ct);
    }

    /// <summary>Below this a file is stored as it is: compression saves too little to be worth a decoding step.</summary>
    private const int CompressFromBytes = 1024;
    private const string Gzip = "gzip";

    private static (byte[] Bytes, string? Encoding) Compress(byte[] content)
    {
        if (content.Length < CompressFromBytes) return (content, null);
        using var buffer = new MemoryStream(content.Length / 4);
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(content);
        return buffer.Length < content.Length ? (buffer.ToArray(), Gzip) : (content, null);
    }

    public Task ReplaceAsync(string path, byte[] content, string contentType, ETag? ifMatch, CancellationToken ct) =>
        container.GetBlobClient(prefix + path).UploadAsync(BinaryData.FromBytes(content), new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = contentType, CacheControl = PublishedPaths.PointerCacheControl },
            Conditions = ifMatch is null ? null
                : ifMatch == ETag.All ? new BlobRequestConditions { IfNoneMatch = ETag.All }
                : new BlobRequestConditions { IfMatch = ifMatch },
        }, ct);

    public async Task<IReadOnlyList<string>> ListFoldersAsync(string folder, CancellationToken ct)
    {
        var names = new List<string>();
        var under = prefix + folder;
        await foreach (var item in container.GetBlobsByHierarchyAsync(BlobTraits.None, BlobStates.None, "/", under, ct))
        {
            if (item.IsPrefix) names.Add(item.Prefix[under.Length..].TrimEnd('/'));
        }
        return names;
    }

    public async Task<(BinaryData Content, ETag ETag)?> ReadAsync(string path, CancellationToken ct)
    {
        try
        {
            var result = await container.GetBlobClient(prefix + path).DownloadContentAsync(ct);
            var content = result.Value.Content;
            if (string.Equals(result.Value.Details.ContentEncoding, Gzip, StringComparison.OrdinalIgnoreCase))
            {
                using var gzip = new GZipStream(content.ToStream(), CompressionMode.Decompress);
                using var plain = new MemoryStream();
                await gzip.CopyToAsync(plain, ct);
                content = BinaryData.FromBytes(plain.ToArray());
            }
            return (content, result.Value.Details.ETag);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }
}
