using Pps.Core.Definition;

namespace Pps.Core.Aggregation.Part1;

/// <summary>
/// A self-rating on one exemplification. The numeric order is the order of merit used for Table C's
/// higher / lower / same: Best above Good above Not completed above Non-compliant.
/// </summary>
public enum RatingLevel
{
    NonCompliant = 0,
    NotCompleted = 1,
    Good = 2,
    Best = 3,
}

/// <summary>How Part 1 reads, names and orders the rating levels.</summary>
public static class RatingLevels
{
    /// <summary>The order the report's charts show the levels in.</summary>
    public static IReadOnlyList<RatingLevel> ChartOrder { get; } =
        [RatingLevel.Best, RatingLevel.Good, RatingLevel.NotCompleted, RatingLevel.NonCompliant];

    /// <summary>The level of a stored option value of a rating field, as its definition says ("B" is best in 2013); null for a blank rating.</summary>
    public static RatingLevel? Parse(FieldDefinition field, string? value)
    {
        if (string.IsNullOrEmpty(value)) return null;
        var option = field.Options.FirstOrDefault(o => o.Value == value)
            ?? throw new FormatException($"'{value}' is not a rating option of {field.Id} ({string.Join(", ", field.Options.Select(o => o.Value))}).");
        return Of(option.Level ?? throw new FormatException($"Rating option {value} of {field.Id} has no level."));
    }

    public static RatingLevel Of(RatingLevelName name) => name switch
    {
        RatingLevelName.Best => RatingLevel.Best,
        RatingLevelName.Good => RatingLevel.Good,
        RatingLevelName.NotCompleted => RatingLevel.NotCompleted,
        _ => RatingLevel.NonCompliant,
    };

    /// <summary>The option value of a level in a rating field, as Table C prints it ("B", "x" in 2013).</summary>
    public static string Code(FieldDefinition field, RatingLevel level) =>
        field.Options.First(o => o.Level is { } name && Of(name) == level).Value;

    /// <summary>
    /// <see cref="Code(FieldDefinition, RatingLevel)"/> of the <paramref name="index"/>th exemplification's rating field
    /// in a year's definition, each looked up once per definition: Table C and every service's page print 34 a service.
    /// </summary>
    public static string Code(ReturnDefinition definition, int index, RatingLevel level)
    {
        var codes = CodesByDefinition.GetValue(definition, _ => new string?[Catalogue.Exemplifications.All.Count, Enum.GetValues<RatingLevel>().Length]);
        return codes[index, (int)level] ??= Code(definition.Field(FieldIds.Rating(Catalogue.Exemplifications.All[index].Code)), level);
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ReturnDefinition, string?[,]> CodesByDefinition = new();

    /// <summary>Machine name used in column and row ids.</summary>
    public static string Key(RatingLevel level) => level switch
    {
        RatingLevel.Best => "best",
        RatingLevel.Good => "good",
        RatingLevel.NotCompleted => "not_completed",
        _ => "non_compliant",
    };

    public static string Label(RatingLevel level) => level switch
    {
        RatingLevel.Best => "Best Practice",
        RatingLevel.Good => "Good Practice",
        RatingLevel.NotCompleted => "Not completed",
        _ => "Non-compliant",
    };

    public static bool IsBestOrGood(RatingLevel level) => level is RatingLevel.Best or RatingLevel.Good;

    /// <summary>Table C's mark for a rating against the same service's rating the year before.</summary>
    public static string Change(RatingLevel before, RatingLevel now) =>
        now > before ? "higher" : now < before ? "lower" : "same";
}
