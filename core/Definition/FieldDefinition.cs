namespace Pps.Core.Definition;

public enum FieldType
{
    /// <summary>A self-rating: B, G, N or x.</summary>
    Rating,
    /// <summary>One value from a list.</summary>
    Choice,
    /// <summary>Any number of values from a list.</summary>
    MultiChoice,
    /// <summary>A whole number (a count, an age, whole pounds).</summary>
    Integer,
    /// <summary>A number with at most <see cref="FieldDefinition.Decimals"/> decimals.</summary>
    Decimal,
    /// <summary>Yes or no.</summary>
    Boolean,
    /// <summary>Free text.</summary>
    Text,
}

/// <summary>What a rating option means, in the order of merit Part 1 uses (Best above Good above Not completed above Non-compliant).</summary>
public enum RatingLevelName
{
    NonCompliant,
    NotCompleted,
    Good,
    Best,
}

/// <summary>One option of a choice. A rating option also says which level it is (<see cref="Level"/>), so the codes ("B", "x") live in the definition only.</summary>
public sealed record Option(string Value, string Label)
{
    public RatingLevelName? Level { get; init; }
}

/// <summary>
/// One field of the annual return. Every field is optional: a missing value stays missing, never 0.
/// The id is stable across years so that last year's value can be found; a field whose meaning changes
/// gets a new id.
/// </summary>
public sealed record FieldDefinition
{
    public required string Id { get; init; }
    public required string Label { get; init; }
    public required FieldType Type { get; init; }
    public string? Help { get; init; }
    /// <summary>Unit shown beside the input: "£", "FTE", "people", "%", "working days".</summary>
    public string? Unit { get; init; }
    public decimal? Min { get; init; }
    public decimal? Max { get; init; }
    /// <summary>Decimal places allowed for <see cref="FieldType.Decimal"/>.</summary>
    public int Decimals { get; init; }
    public IReadOnlyList<Option> Options { get; init; } = [];
    /// <summary>
    /// For <see cref="FieldType.Text"/>: the most bytes the answer may take as stored (UTF-8, JSON-escaped:
    /// <see cref="FreeText.StoredBytes"/>): a plain letter 1, an accented letter 2, an emoji 12.
    /// </summary>
    public int MaxLength { get; init; } = 200;
    /// <summary>The report figures that use this field, for the help text and the data dictionary.</summary>
    public string? ReportRef { get; init; }

    /// <summary>
    /// The return is not complete without this answer: a service cannot submit without it, and a return lacking it
    /// counts in neither Table A nor Table B (<see cref="ReturnDefinition.CountsAsSubmitted"/>).
    /// </summary>
    public bool RequiredForSubmission { get; init; }

    /// <summary>A rating's exemplification: what Best practice, Good practice and Non-compliant look like, shown beside the rating.</summary>
    public ExemplificationText? Exemplification { get; init; }

    public bool IsNumeric => Type is FieldType.Integer or FieldType.Decimal;
    public bool HasOptions => Type is FieldType.Rating or FieldType.Choice or FieldType.MultiChoice;
}

/// <summary>The exemplification of one standard in practice, as the 2010 exemplifications document words it.</summary>
public sealed record ExemplificationText(string Best, string Good, string NonCompliant);

/// <summary>What a section is for: it decides which participation table (A or B) a return counts towards.</summary>
public enum SectionRole
{
    /// <summary>The figures of the additional data collection (Table B counts a return that gives any of them).</summary>
    AdditionalData,
    /// <summary>The self-assessment against the exemplifications: the ratings and who completed it (Table A counts a return that rates any).</summary>
    SelfAssessment,
    /// <summary>Free comments: they count towards neither table.</summary>
    Comments,
}

public sealed record SectionDefinition(string Id, string Title, IReadOnlyList<FieldDefinition> Fields)
{
    public string? Help { get; init; }

    public SectionRole Role { get; init; } = SectionRole.AdditionalData;
}
