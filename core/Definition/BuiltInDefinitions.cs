using System.Reflection;

namespace Pps.Core.Definition;

/// <summary>
/// The definitions that ship with the system, read from the documents embedded in this assembly
/// (docs/schema/return-definition.schema.json): 2013, the year the system collects first, and 2009-2012, which the
/// close reads for its five-year tables (the 2013 fields relabelled for their financial year; see each document's
/// notes). They never change while the process runs, so they are plain data here; every later year is published
/// by NPPN and found through the injected <see cref="IDefinitionCatalog"/>, which starts from these.
/// </summary>
public static class BuiltInDefinitions
{
    private static readonly Lazy<DefinitionSet> Loaded = new(Load);

    /// <summary>The built-in definitions, 2009-2013.</summary>
    public static DefinitionSet All => Loaded.Value;

    /// <summary>The years whose definitions ship with the system (they cannot be replaced).</summary>
    public static IReadOnlyList<int> Years => All.Years;

    /// <summary>A built-in year's definition.</summary>
    /// <exception cref="UnknownDefinitionException">The year is not built in.</exception>
    public static ReturnDefinition For(int year) => All.For(year);

    /// <summary>A built-in year's definition, or null when the year is not built in.</summary>
    public static ReturnDefinition? Find(int year) => All.Find(year);

    private static DefinitionSet Load()
    {
        var assembly = typeof(BuiltInDefinitions).Assembly;
        const string prefix = "Pps.Core.Definition.return-";
        var definitions = new List<ReturnDefinition>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            var definition = DefinitionJson.Parse(reader.ReadToEnd());
            if (name != $"{prefix}{definition.Year}.json")
            {
                throw new DefinitionException($"The built-in definition {name} is for {definition.Year}.");
            }
            definitions.Add(definition);
        }
        return new DefinitionSet(definitions);
    }
}

/// <summary>A definition was asked for a year that has none: never answered with another year's form.</summary>
public sealed class UnknownDefinitionException(int year, IReadOnlyList<int> known)
    : KeyNotFoundException($"There is no return definition for {year}. Definitions exist for {string.Join(", ", known)}; NPPN publishes a new year's definition before the year opens.")
{
    public int Year { get; } = year;
}
