namespace Pps.Core.Publishing;

/// <summary>One file of a published set, as the manifest lists it.</summary>
/// <param name="Kind">"figure" (JSON), "table" (CSV), "service" (a service's benchmarking JSON), "highlights".</param>
/// <param name="FigureId">The figure or service the file is for.</param>
public sealed record ManifestFile(string Path, string Kind, string FigureId, string Title, int Returns, string Sha256, long Bytes, string ContentType);

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
