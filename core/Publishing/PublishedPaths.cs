namespace Pps.Core.Publishing;

/// <summary>
/// Where published files live. Everything under a version folder is written once and never changed; the
/// year's manifest and the index are the only files that are replaced.
/// </summary>
public static class PublishedPaths
{
    public const string Index = "index.json";

    public static string Manifest(int year, string status) =>
        status == Publishing.Manifest.Final ? $"{year}/manifest.json" : $"{year}/manifest-{status}.json";

    /// <summary>The folder holding every version of a year, one subfolder each.</summary>
    public static string VersionsFolder(int year) => $"{year}/versions/";
    public static string VersionFolder(int year, string version) => $"{year}/versions/{version}";
    public static string VersionManifest(int year, string version) => $"{VersionFolder(year, version)}/manifest.json";
    public static string FigureJson(int year, string version, string figureId) => $"{VersionFolder(year, version)}/figures/{figureId}.json";
    public static string TableCsv(int year, string version, string figureId) => $"{VersionFolder(year, version)}/tables/{figureId}.csv";
    public static string ServiceJson(int year, string version, int serviceId) => $"{VersionFolder(year, version)}/services/{serviceId}.json";
    public static string Highlights(int year, string version) => $"{VersionFolder(year, version)}/highlights.json";
    /// <summary>Every figure of the version in one file (the same JSON as the figure files, as an array), so a page that shows them all makes one request.</summary>
    public static string Figures(int year, string version) => $"{VersionFolder(year, version)}/figures.json";
    /// <summary>Appendix 1, the key to service numbers: key.json and key.csv.</summary>
    public static string Key(int year, string version, string extension) => $"{VersionFolder(year, version)}/key.{extension}";
    /// <summary>The printed report's statements beside the returns: reconciliation.json and reconciliation.csv.</summary>
    public static string Reconciliation(int year, string version, string extension) => $"{VersionFolder(year, version)}/reconciliation.{extension}";

    /// <summary>Versioned files never change: a browser or CDN may keep them for a year.</summary>
    public const string ImmutableCacheControl = "public, max-age=31536000, immutable";
    /// <summary>Pointers change when a new set is published or rolled back: keep them briefly.</summary>
    public const string PointerCacheControl = "public, max-age=60, must-revalidate";
}
