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

    /// <summary>The level of a stored option value ("B", "G", "x", "N"); null for a blank rating.</summary>
    public static RatingLevel? Parse(string? value) => value switch
    {
        null or "" => null,
        "B" => RatingLevel.Best,
        "G" => RatingLevel.Good,
        "x" => RatingLevel.NotCompleted,
        "N" => RatingLevel.NonCompliant,
        _ => throw new FormatException($"'{value}' is not a rating (B, G, x or N)."),
    };

    /// <summary>The option value as Table C prints it.</summary>
    public static string Code(RatingLevel level) => level switch
    {
        RatingLevel.Best => "B",
        RatingLevel.Good => "G",
        RatingLevel.NotCompleted => "x",
        _ => "N",
    };

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
