using System.Runtime.CompilerServices;

namespace Pps.Tests.Support;

/// <summary>Files of this repository and of the shared folder beside it, found from this source file.</summary>
public static class RepoFiles
{
    public static string Root([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", ".."));

    public static string At(params string[] parts) => Path.Combine([Root(), .. parts]);
}
