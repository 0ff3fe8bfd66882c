using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Pps.Core.Aggregation;

namespace Pps.Core.Publishing;

/// <summary>
/// Publishes a national result as a new version. Every file is an object named by its content's SHA-256
/// (<see cref="PublishedPaths.Object"/>): the files are made one at a time and each is written as it is made
/// (<see cref="Parallelism"/> at once), unless the store already holds it, so a recompute that changes nothing writes
/// no file at all. Then the version's own manifest, then the year's manifest pointer, then (for a final set) the index.
/// A run that dies before the pointer moves leaves the previous set in place and visible.
/// Provisional sets go to <paramref name="provisionalStore"/> (in the app: a private container that only NPPN reads,
/// never the public website's), objects and manifests alike; final sets to <paramref name="store"/>. A publisher
/// without a provisional store refuses to publish a provisional set.
/// </summary>
public sealed class Publisher(IPublishedStore store, TimeProvider clock, IPublishedStore? provisionalStore = null)
{
    private IPublishedStore StoreFor(string status) => status == Manifest.Final ? store
        : provisionalStore is { } own && !ReferenceEquals(own, store) ? own : throw new InvalidOperationException(
            $"A {status} set is published only to a private store of its own, and this publisher has none: its files must never reach the public container.");

    /// <summary>Where a set of this status is read from; null for a provisional set when there is no provisional store (so there is none).</summary>
    private IPublishedStore? ReaderFor(string status) => status == Manifest.Final ? store : provisionalStore;

    /// <summary>How many files are written at once.</summary>
    public int Parallelism { get; init; } = 16;

    public Task<Manifest> PublishAsync(NationalResult result, string status, CancellationToken ct = default) =>
        PublishAsync(BuiltSet.From(result), status, ct);

    /// <inheritdoc cref="WriteVersionAsync(BuiltSet, string, CancellationToken)"/>
    public async Task<Manifest> PublishAsync(BuiltSet set, string status, CancellationToken ct = default)
    {
        var manifest = await WriteVersionAsync(set, status, ct);
        await MakeCurrentAsync(manifest, ct);
        return manifest;
    }

    /// <inheritdoc cref="WriteVersionAsync(BuiltSet, string, CancellationToken)"/>
    public Task<Manifest> WriteVersionAsync(NationalResult result, string status, CancellationToken ct = default) =>
        WriteVersionAsync(BuiltSet.From(result), status, ct);

    /// <summary>
    /// Writes a new version's files that its store does not hold yet, and its own manifest, and nothing a reader
    /// follows: until <see cref="MakeCurrentAsync"/> the version is invisible. Each file is written as it comes from the
    /// set; the manifest lists them in their places (<see cref="PlacedFile"/>) whatever order they were written in.
    /// </summary>
    public async Task<Manifest> WriteVersionAsync(BuiltSet set, string status, CancellationToken ct = default)
    {
        var target = StoreFor(status);
        var now = clock.GetUtcNow();
        var version = $"{now:yyyyMMdd'T'HHmmss'Z'}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";
        // What the store holds already: every object the year's current manifests in this store list (each was
        // written before its manifest). Claimed by the first file that has it, so equal files are written once.
        var held = await HeldObjectsAsync(target, set.Year, ct);
        var entries = new ConcurrentDictionary<(int Section, int Index), ManifestFile>();
        await Parallel.ForEachAsync(set.Files,
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct },
            async (item, token) =>
            {
                var entry = item.File.ToManifestEntry(set.Year);
                entries[(item.Section, item.Index)] = entry;
                if (held.TryAdd(entry.Path, 0)) await WriteObjectAsync(target, entry.Path, item.File, token);
            });

        var manifest = new Manifest(set.Year, version, status, now, await set.Returns, entries.OrderBy(e => e.Key).Select(e => e.Value).ToList());
        await WriteVersionManifestAsync(target, manifest, ct);
        return manifest;
    }

    /// <summary>The objects of <paramref name="year"/> that <paramref name="target"/> holds for certain: those its final and provisional manifests list.</summary>
    private static async Task<ConcurrentDictionary<string, byte>> HeldObjectsAsync(IPublishedStore target, int year, CancellationToken ct)
    {
        var pointers = await Task.WhenAll(new[] { Manifest.Final, Manifest.Provisional }.Select(s => target.ReadAsync(PublishedPaths.Manifest(year, s), ct)));
        var held = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        foreach (var pointer in pointers)
        {
            if (pointer is null) continue;
            foreach (var file in pointer.Value.Content.ToObjectFromJson<Manifest>(PublishedSetBuilder.Json)!.Files) held.TryAdd(file.Path, 0);
        }
        return held;
    }

    /// <summary>
    /// Writes one object, create-only. One that is there already (written by a run that died before its manifest, or
    /// by a version older than the current ones) has the same bytes, since its name is their hash: that is success.
    /// </summary>
    private static async Task WriteObjectAsync(IPublishedStore target, string path, PublishedFile file, CancellationToken ct)
    {
        try
        {
            await target.WriteOnceAsync(path, file.Content, file.ContentType, ct);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
        }
    }

    /// <summary>
    /// Writes a version's own manifest, create-only. The version's name is new to this run (its time and random bytes), so
    /// one found there already is this run's own: written by an attempt whose answer was lost, then sent again by the SDK.
    /// </summary>
    private static async Task WriteVersionManifestAsync(IPublishedStore target, Manifest manifest, CancellationToken ct)
    {
        try
        {
            await target.WriteOnceAsync(PublishedPaths.VersionManifest(manifest.Year, manifest.Version),
                JsonSerializer.SerializeToUtf8Bytes(manifest, PublishedSetBuilder.Json), "application/json", ct);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
        }
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

    /// <summary>
    /// Adds a file made outside the close to the year's current final set: the report's PDF, which headless Chromium
    /// renders from the published pages (scripts/report-pdf.sh --publish), a step the function app cannot run. The file
    /// is written as an object like any other, then a new version lists every file of the current one plus it (in place
    /// of an earlier file of its kind) and is made current. <paramref name="renderedFrom"/> is the version the file was
    /// made from: when the current set is another (a recompute published meanwhile), nothing is changed, since the
    /// file would describe figures that are no longer the published ones.
    /// </summary>
    public async Task<Manifest> AttachAsync(int year, PublishedFile file, string renderedFrom, CancellationToken ct = default)
    {
        var current = await CurrentAsync(year, Manifest.Final, ct)
            ?? throw new InvalidOperationException($"{year} has no published set to add {file.Title} to.");
        if (current.Version != renderedFrom)
        {
            throw new InvalidOperationException($"{file.Title} was made from version {renderedFrom} of {year}, but version {current.Version} is published now: make it again.");
        }
        var now = clock.GetUtcNow();
        var version = $"{now:yyyyMMdd'T'HHmmss'Z'}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";
        var entry = file.ToManifestEntry(year);
        await WriteObjectAsync(store, entry.Path, file, ct);
        var manifest = current with { Version = version, CreatedAt = now, Files = [.. current.Files.Where(f => f.Kind != file.Kind), entry] };
        await WriteVersionManifestAsync(store, manifest, ct);
        await MakeCurrentAsync(manifest, ct);
        return manifest;
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

    /// <summary>A file of a set with the given status, by its path in the manifest; null when there is none.</summary>
    public async Task<BinaryData?> ReadFileAsync(string status, string path, CancellationToken ct = default) =>
        ReaderFor(status) is { } reader ? (await reader.ReadAsync(path, ct))?.Content : null;

    public async Task<Manifest?> CurrentAsync(int year, string status = Manifest.Final, CancellationToken ct = default)
    {
        var stored = ReaderFor(status) is { } reader ? await reader.ReadAsync(PublishedPaths.Manifest(year, status), ct) : null;
        return stored?.Content.ToObjectFromJson<Manifest>(PublishedSetBuilder.Json);
    }

    /// <summary>
    /// Every version of a year written so far, newest first, each read from its own manifest; a version folder
    /// with no manifest (a run that died midway) is not a version and is left out. Current marks what the year's
    /// final and provisional manifests point at.
    /// </summary>
    public async Task<IReadOnlyList<PublishedVersion>> VersionsAsync(int year, CancellationToken ct = default)
    {
        var current = await Task.WhenAll(CurrentAsync(year, Manifest.Final, ct), CurrentAsync(year, Manifest.Provisional, ct));
        var pointed = current.Where(m => m is not null).Select(m => m!.Version).ToHashSet(StringComparer.Ordinal);
        var manifests = new List<Manifest>();
        // Final versions in the published store; provisional ones in their own store when the app has one.
        foreach (var where in Stores)
        {
            var folders = await where.ListFoldersAsync(PublishedPaths.VersionsFolder(year), ct);
            var read = await Task.WhenAll(folders.Select(v => where.ReadAsync(PublishedPaths.VersionManifest(year, v), ct)));
            manifests.AddRange(read.Where(m => m is not null).Select(m => m!.Value.Content.ToObjectFromJson<Manifest>(PublishedSetBuilder.Json)!));
        }
        return manifests
            .Select(m => new PublishedVersion(m.Version, m.Status, m.CreatedAt, m.Returns, m.Files.Count, pointed.Contains(m.Version)))
            .OrderByDescending(v => v.CreatedAt).ThenByDescending(v => v.Version, StringComparer.Ordinal).ToList();
    }

    /// <summary>A version's own manifest, whatever its status (NPPN looks at provisional sets this way); null if there is none.</summary>
    public async Task<Manifest?> VersionAsync(int year, string version, CancellationToken ct = default)
    {
        foreach (var where in Stores)
        {
            var stored = await where.ReadAsync(PublishedPaths.VersionManifest(year, version), ct);
            if (stored is not null) return stored.Value.Content.ToObjectFromJson<Manifest>(PublishedSetBuilder.Json);
        }
        return null;
    }

    /// <summary>The content of one file a version's manifest lists (from the store of its status); null when the manifest does not list it.</summary>
    public async Task<BinaryData?> VersionFileAsync(Manifest manifest, ManifestFile file, CancellationToken ct = default)
    {
        if (!manifest.Files.Contains(file)) return null;
        return ReaderFor(manifest.Status) is { } reader ? (await reader.ReadAsync(file.Path, ct))?.Content : null;
    }

    private IEnumerable<IPublishedStore> Stores => provisionalStore is null || ReferenceEquals(provisionalStore, store) ? [store] : [store, provisionalStore];

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
