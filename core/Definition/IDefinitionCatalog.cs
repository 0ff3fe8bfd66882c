namespace Pps.Core.Definition;

/// <summary>
/// The return definition of each collection year: the built-in years and those NPPN has published. The one way
/// every path (the form, the returns API, the workbook, the CSV import, the close, the cli) finds a year's
/// definition. What NPPN publishes through one instance of the app is what every other instance answers from then on.
/// </summary>
public interface IDefinitionCatalog
{
    /// <summary>The year's definition, or null when it has none.</summary>
    ValueTask<ReturnDefinition?> FindAsync(int year, CancellationToken ct = default);

    /// <summary>Every year with a definition, built in or published, in order.</summary>
    Task<IReadOnlyList<int>> YearsAsync(CancellationToken ct = default);

    /// <summary>Every definition of <paramref name="lastYear"/> and the years before it, fixed for one piece of work (a close).</summary>
    Task<DefinitionSet> UpToAsync(int lastYear, CancellationToken ct = default);
}

public static class DefinitionCatalogExtensions
{
    /// <summary>The year's definition.</summary>
    /// <exception cref="UnknownDefinitionException">The year has none.</exception>
    public static async ValueTask<ReturnDefinition> GetAsync(this IDefinitionCatalog catalog, int year, CancellationToken ct = default) =>
        await catalog.FindAsync(year, ct) ?? throw new UnknownDefinitionException(year, await catalog.YearsAsync(ct));
}
