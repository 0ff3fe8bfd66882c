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

    public Task WriteOnceAsync(string path, byte[] content, string contentType, CancellationToken ct) =>
        container.GetBlobClient(prefix + path).UploadAsync(BinaryData.FromBytes(content), new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = contentType, CacheControl = PublishedPaths.ImmutableCacheControl },
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
        }, ct);

    public Task ReplaceAsync(string path, byte[] content, string contentType, ETag? ifMatch, CancellationToken ct) =>
        container.GetBlobClient(prefix + path).UploadAsync(BinaryData.FromBytes(content), new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = contentType, CacheControl = PublishedPaths.PointerCacheControl },
            Conditions = ifMatch is null ? null
                : ifMatch == ETag.All ? new BlobRequestConditions { IfNoneMatch = ETag.All }
                : new BlobRequestConditions { IfMatch = ifMatch },
        }, ct);

    public async Task<(BinaryData Content, ETag ETag)?> ReadAsync(string path, CancellationToken ct)
    {
        try
        {
            var result = await container.GetBlobClient(prefix + path).DownloadContentAsync(ct);
            return (result.Value.Content, result.Value.Details.ETag);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }
}
