namespace Pps.Core.Publishing;

/// <summary>
/// Where published files live. Every file of a set is an object named by the SHA-256 of its content, so it is
/// written once, never changes, and a file unchanged since an earlier version is never written again; each
/// version has only its own manifest, listing the objects. The year's manifest pointers and the index are the
/// only files that are replaced.
/// </summary>
public static class PublishedPaths
{
    public const string Index = "index.json";

    public static string Manifest(int year, string status) =>
        status == Publishing.Manifest.Final ? $"{year}/manifest.json" : $"{year}/manifest-{status}.json";

    /// <summary>The folder holding every version of a year, one subfolder each (holding only its manifest).</summary>
    public static string VersionsFolder(int year) => $"{year}/versions/";
    public static string VersionFolder(int year, string version) => $"{year}/versions/{version}";
    public static string VersionManifest(int year, string version) => $"{VersionFolder(year, version)}/manifest.json";

    /// <summary>The folder of a year's content-addressed files, shared by all its versions of one status (one store).</summary>
    public static string ObjectsFolder(int year) => $"{year}/objects/";

    /// <summary>A published file by its content: <c>{year}/objects/{sha256}.{json|csv}</c>.</summary>
    public static string Object(int year, string sha256, string extension) => $"{ObjectsFolder(year)}{sha256}.{extension}";

    /// <summary>Published files never change: a browser or CDN may keep them for a year.</summary>
    public const string ImmutableCacheControl = "public, max-age=31536000, immutable";
    /// <summary>Pointers change when a new set is published or rolled back: keep them briefly.</summary>
    public const string PointerCacheControl = "public, max-age=60, must-revalidate";
}
