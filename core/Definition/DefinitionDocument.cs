namespace Pps.Core.Definition;

/// <summary>The return definition as plain data, for the form and for anyone reading the collection.</summary>
public sealed record DefinitionDocument(int Year, int Version, IReadOnlyList<SectionDocument> Sections, IReadOnlyList<string> Rules)
{
    /// <summary>The groups of fields that must add up to a total (the six time percentages), so that the form can show the running total.</summary>
    public IReadOnlyList<TotalDocument> Totals { get; init; } = [];

    public static DefinitionDocument From(ReturnDefinition definition) => new(
        definition.Year,
        definition.Version,
        definition.Sections.Select(s => new SectionDocument(s.Id, s.Title, s.Fields.Select(f => new FieldDocument(
            f.Id, f.Label, f.Type.ToString().ToLowerInvariant(), f.Help, f.Unit, f.Min, f.Max,
            f.Type == FieldType.Decimal ? f.Decimals : null,
            f.HasOptions ? f.Options : null,
            f.Type == FieldType.Text ? f.MaxLength : null,
            f.ReportRef) { RequiredForSubmission = f.RequiredForSubmission, Exemplification = f.Exemplification }).ToList()) { Role = s.Role }).ToList(),
        [.. definition.Rules.Select(r => r.Id), .. definition.YearOnYear.Select(r => $"{r.Id}: a change of {r.ThresholdPercent:0}% or more in {r.Label} must be confirmed")])
    {
        Totals = definition.Rules.OfType<SumRule>().Select(r => new TotalDocument(r.Id, r.FieldIds, r.Total)).ToList(),
    };
}

public sealed record SectionDocument(string Id, string Title, IReadOnlyList<FieldDocument> Fields)
{
    /// <summary>Which participation table the section counts towards (self-assessment: A; additional data: B; comments: neither).</summary>
    public SectionRole Role { get; init; } = SectionRole.AdditionalData;
}

public sealed record FieldDocument(
    string Id, string Label, string Type, string? Help, string? Unit, decimal? Min, decimal? Max, int? Decimals,
    IReadOnlyList<Option>? Options, int? MaxLength, string? ReportRef)
{
    /// <summary>The return cannot be submitted without this answer.</summary>
    public bool RequiredForSubmission { get; init; }

    /// <summary>A rating's exemplification (Best, Good, Non-compliant), shown beside it.</summary>
    public ExemplificationText? Exemplification { get; init; }
}

/// <summary>Fields that must add up to <paramref name="Total"/> before the return is submitted (a draft may differ).</summary>
public sealed record TotalDocument(string Id, IReadOnlyList<string> Fields, decimal Total);
