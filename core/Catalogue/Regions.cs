namespace Pps.Core.Catalogue;

/// <summary>The nine English regions, spelled as the DfE spells them.</summary>
public static class Regions
{
    public static IReadOnlyList<string> All { get; } =
    [
        "North East",
        "North West",
        "Yorkshire and The Humber",
        "East Midlands",
        "West Midlands",
        "East of England",
        "London",
        "South East",
        "South West",
    ];

    public static bool IsRegion(string name) => All.Contains(name, StringComparer.Ordinal);
}
