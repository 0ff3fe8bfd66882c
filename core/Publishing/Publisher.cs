using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Pps.Core.Aggregation;

namespace Pps.Core.Publishing;

/// <summary>
/// Publishes a national result as a new version: every file first, in parallel, under a folder of its
/// own; then the version's manifest; then the year's manifest pointer; then (for a final set) the index.
/// A run that dies before the pointer moves leaves the previous set in place and visible.
/// Provisional sets go to <paramref name="provisionalStore"/> when there is one (in the app: a private
/// container that only NPPN reads, never the public website's), final sets to <paramref name="store"/>.
/// </summary>
public sealed class Publisher(IPublishedStore store, TimeProvider clock, IPublishedStore? provisionalStore = null)
{
    private IPublishedStore StoreFor(string status) => status == Manifest.Final ? store : provisionalStore ?? store;

    /// <summary>How many files are written at once.</summary>
    public int Parallelism { get; init; } = 16;

    public async Task<Manifest> PublishAsync(NationalResult result, string status, CancellationToken ct = default)
    {
        var manifest = await WriteVersionAsync(result, status, ct);
        await MakeCurrentAsync(manifest, ct);
        return manifest;
    }

    /// <summary>
    /// Writes a new version's files and its own manifest, and nothing a reader follows: until
    /// <see cref="MakeCurrentAsync"/> the version is invisible.
    /// </summary>
    public async Task<Manifest> WriteVersionAsync(NationalResult result, string status, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var version = $"{now:yyyyMMdd'T'HHmmss'Z'}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";
        var files = PublishedSetBuilder.Build(result, version);
        await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct },
            async (file, token) => await StoreFor(status).WriteOnceAsync(file.Path, file.Content, file.ContentType, token));

        var returns = result.Figures.FirstOrDefault(f => f.Id == "table-a")?.Returns
            ?? (result.Figures.Count == 0 ? 0 : result.Figures.Max(f => f.Returns));
        var manifest = new Manifest(result.Year, version, status, now, returns, files.Select(f => f.ToManifestEntry()).ToList());
        await StoreFor(status).WriteOnceAsync(PublishedPaths.VersionManifest(result.Year, version),
            JsonSerializer.SerializeToUtf8Bytes(manifest, PublishedSetBuilder.Json), "application/json", ct);
        return manifest;
    }

    /// <summary>Points the year's manifest for the version's status at it and, for a final version, the index.</summary>
    public async Task MakeCurrentAsync(Manifest manifest, CancellationToken ct = default)
    {
        await StoreFor(manifest.Status).ReplaceAsync(PublishedPaths.Manifest(manifest.Year, manifest.Status),
            JsonSerializer.SerializeToUtf8Bytes(manifest, PublishedSetBuilder.Json), "application/json", null, ct);
        if (manifest.Status == Manifest.Final)
        {
            await UpdateIndexAsync(manifest, ct);
        }
    }

    /// <summary>Points the year's final manifest back at an earlier final version, which stays as it was written.</summary>
    public async Task<Manifest> RollBackAsync(int year, string version, CancellationToken ct = default)
    {
        var stored = await store.ReadAsync(PublishedPaths.VersionManifest(year, version), ct)
            ?? (provisionalStore is null ? null : await provisionalStore.ReadAsync(PublishedPaths.VersionManifest(year, version), ct))
            ?? throw new KeyNotFoundException($"No published version {version} for {year}.");
        var manifest = stored.Content.ToObjectFromJson<Manifest>(PublishedSetBuilder.Json)!;
        if (manifest.Status != Manifest.Final)
        {
            throw new InvalidOperationException($"Version {version} of {year} is {manifest.Status}; only a final version can be made current.");
        }
        await MakeCurrentAsync(manifest, ct);
        return manifest;
    }

    public async Task<Manifest?> CurrentAsync(int year, string status = Manifest.Final, CancellationToken ct = default)
    {
        var stored = await StoreFor(status).ReadAsync(PublishedPaths.Manifest(year, status), ct);
        return stored?.Content.ToObjectFromJson<Manifest>(PublishedSetBuilder.Json);
    }

    private async Task UpdateIndexAsync(Manifest manifest, CancellationToken ct)
    {
        // Two years published at once both rewrite the index: retry on a lost race rather than lose a year.
        for (var attempt = 1; ; attempt++)
        {
            var current = await store.ReadAsync(PublishedPaths.Index, ct);
            var index = current?.Content.ToObjectFromJson<PublishedIndex>(PublishedSetBuilder.Json) ?? new PublishedIndex([]);
            var years = index.Years.Where(y => y.Year != manifest.Year)
                .Append(new PublishedYear(manifest.Year, manifest.Version, PublishedPaths.Manifest(manifest.Year, Manifest.Final), manifest.CreatedAt, manifest.Returns))
                .OrderByDescending(y => y.Year).ToList();
            try
            {
                await store.ReplaceAsync(PublishedPaths.Index, JsonSerializer.SerializeToUtf8Bytes(new PublishedIndex(years), PublishedSetBuilder.Json),
                    "application/json", current?.ETag ?? ETag.All, ct);
                return;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 or 404 && attempt < 5)
            {
            }
        }
    }
}
