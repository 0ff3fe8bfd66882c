using System.Text.Json.Serialization;

namespace Pps.Core.Publishing;

/// <summary>One file of a published set, as the manifest lists it.</summary>
/// <param name="Path">The object holding it, <see cref="PublishedPaths.Object"/>: named by its SHA-256, so shared by every version it did not change in.</param>
/// <param name="Kind">"figure" (JSON), "figures" (all of them in one), "table" (CSV), "services" (a shard of services' pages),
/// "highlights", "key", "reconciliation"; sets published before the shards list one "service" file per service.</param>
/// <param name="FigureId">The figure the file is for; for a shard of services, its id range ("1-6").</param>
/// <param name="First">For a shard of services: the lowest service id in it (null otherwise).</param>
/// <param name="Last">For a shard of services: the highest service id in it; a service's page is in the shard whose range holds its id.</param>
public sealed record ManifestFile(
    string Path, string Kind, string FigureId, string Title, int Returns, string Sha256, long Bytes, string ContentType,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? First = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Last = null)
{
    public const string Services = "services";
}

/// <summary>
/// The list of a published set's files. Written after every file it lists, it is the only thing a reader
/// follows, so a reader sees a whole set or the one before it.
/// </summary>
public sealed record Manifest(
    int Year,
    string Version,
    string Status,
    DateTimeOffset CreatedAt,
    int Returns,
    IReadOnlyList<ManifestFile> Files)
{
    public const string Final = "final";
    public const string Provisional = "provisional";
}

/// <summary>The years with a final published set, for the site's year picker.</summary>
public sealed record PublishedIndex(IReadOnlyList<PublishedYear> Years);

public sealed record PublishedYear(int Year, string Version, string Manifest, DateTimeOffset PublishedAt, int Returns);

/// <summary>One version of a year's published figures as NPPN's console lists it: which one each manifest points at.</summary>
public sealed record PublishedVersion(string Version, string Status, DateTimeOffset CreatedAt, int Returns, int Files, bool Current);
