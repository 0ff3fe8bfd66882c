using System.Collections.Concurrent;
using System.Reflection;

namespace Pps.Core.Definition;

/// <summary>
/// The return definition of each collection year, read from its JSON document (docs/schema/return-definition.schema.json).
/// Built in: 2013, the year the system collects first, and 2009-2012, which the close reads for its five-year tables
/// (the 2013 fields relabelled for their financial year; see each document's notes). NPPN publishes a later year's
/// definition before that year opens (<c>DefinitionStore</c>), and it is registered here. A year with no definition
/// is an error, never a fallback to another year's form.
/// </summary>
public static class ReturnDefinitions
{
    private static readonly Lazy<IReadOnlyDictionary<int, ReturnDefinition>> BuiltInDefinitions = new(LoadBuiltIn);
    private static readonly ConcurrentDictionary<int, ReturnDefinition> PublishedDefinitions = new();

    /// <summary>Every year with a definition, built in or published, in order.</summary>
    public static IReadOnlyList<int> Years => BuiltInDefinitions.Value.Keys.Union(PublishedDefinitions.Keys).Order().ToList();

    /// <summary>The years whose definitions ship with the system (they cannot be replaced).</summary>
    public static IReadOnlyCollection<int> BuiltInYears => BuiltInDefinitions.Value.Keys.ToList();

    /// <summary>The definition in force for a collection year.</summary>
    /// <exception cref="UnknownDefinitionException">No definition exists for the year.</exception>
    public static ReturnDefinition For(int year) => Find(year) ?? throw new UnknownDefinitionException(year, Years);

    /// <summary>The definition of the year, or null when there is none.</summary>
    public static ReturnDefinition? Find(int year) =>
        BuiltInDefinitions.Value.TryGetValue(year, out var builtIn) ? builtIn : PublishedDefinitions.GetValueOrDefault(year);

    /// <summary>The rating options of the 2013 definition (each year's own are on its rating fields).</summary>
    public static IReadOnlyList<Option> RatingOptions => For(2013).Fields.First(f => f.Type == FieldType.Rating).Options;

    /// <summary>
    /// Makes a published definition known to this process (the store calls this when it publishes or loads one).
    /// A later version of the same year replaces an earlier one; a built-in year cannot be replaced.
    /// </summary>
    public static void Register(ReturnDefinition definition)
    {
        if (BuiltInDefinitions.Value.ContainsKey(definition.Year))
        {
            throw new DefinitionException($"The {definition.Year} definition is built in and cannot be replaced.");
        }
        PublishedDefinitions.AddOrUpdate(definition.Year, definition, (_, current) => definition.Version >= current.Version ? definition : current);
    }

    private static IReadOnlyDictionary<int, ReturnDefinition> LoadBuiltIn()
    {
        var assembly = typeof(ReturnDefinitions).Assembly;
        const string prefix = "Pps.Core.Definition.return-";
        var definitions = new Dictionary<int, ReturnDefinition>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            var definition = DefinitionJson.Parse(reader.ReadToEnd());
            if (name != $"{prefix}{definition.Year}.json")
            {
                throw new DefinitionException($"The built-in definition {name} is for {definition.Year}.");
            }
            definitions.Add(definition.Year, definition);
        }
        return definitions;
    }
}

/// <summary>A definition was asked for a year that has none: never answered with another year's form.</summary>
public sealed class UnknownDefinitionException(int year, IReadOnlyList<int> known)
    : KeyNotFoundException($"There is no return definition for {year}. Definitions exist for {string.Join(", ", known)}; NPPN publishes a new year's definition before the year opens.")
{
    public int Year { get; } = year;
}
