namespace Pps.Core.Definition;

/// <summary>
/// Some years' definitions, fixed: what one piece of work (a close, a recompute) reads throughout, so every
/// figure of it sees the same forms whatever NPPN publishes meanwhile.
/// </summary>
public sealed class DefinitionSet
{
    private readonly SortedDictionary<int, ReturnDefinition> _byYear;

    /// <exception cref="ArgumentException">Two definitions are for the same year.</exception>
    public DefinitionSet(IEnumerable<ReturnDefinition> definitions)
    {
        _byYear = new SortedDictionary<int, ReturnDefinition>();
        foreach (var definition in definitions)
        {
            if (!_byYear.TryAdd(definition.Year, definition))
            {
                throw new ArgumentException($"Two definitions are for {definition.Year}.", nameof(definitions));
            }
        }
        Years = _byYear.Keys.ToList();
    }

    /// <summary>The years it holds, in order.</summary>
    public IReadOnlyList<int> Years { get; }

    /// <summary>Its definitions, oldest year first.</summary>
    public IEnumerable<ReturnDefinition> All => _byYear.Values;

    /// <exception cref="UnknownDefinitionException">The set has no definition for the year.</exception>
    public ReturnDefinition For(int year) => Find(year) ?? throw new UnknownDefinitionException(year, Years);

    public ReturnDefinition? Find(int year) => _byYear.GetValueOrDefault(year);

    /// <summary>The same definitions and <paramref name="others"/> (which win for a year both have).</summary>
    public DefinitionSet With(IEnumerable<ReturnDefinition> others)
    {
        var merged = new SortedDictionary<int, ReturnDefinition>(_byYear);
        foreach (var d in others) merged[d.Year] = d;
        return new DefinitionSet(merged.Values);
    }

    /// <summary>
    /// A field as the year asks it, or as the latest other year that asks it (for its labels and options: no
    /// return of the year has a value for it).
    /// </summary>
    /// <exception cref="KeyNotFoundException">No definition of the set has the field.</exception>
    public FieldDefinition FieldFor(int year, string fieldId) =>
        Find(year) is { } d && d.Defines(fieldId)
            ? d.Field(fieldId)
            : _byYear.Values.LastOrDefault(d => d.Defines(fieldId))?.Field(fieldId)
              ?? throw new KeyNotFoundException($"No return definition has the field {fieldId}.");
}
