namespace Pps.Core.Definition;

/// <summary>The return definition as plain data, for the form and for anyone reading the collection.</summary>
public sealed record DefinitionDocument(int Year, int Version, IReadOnlyList<SectionDocument> Sections, IReadOnlyList<string> Rules)
{
    public static DefinitionDocument From(ReturnDefinition definition) => new(
        definition.Year,
        definition.Version,
        definition.Sections.Select(s => new SectionDocument(s.Id, s.Title, s.Fields.Select(f => new FieldDocument(
            f.Id, f.Label, f.Type.ToString().ToLowerInvariant(), f.Help, f.Unit, f.Min, f.Max,
            f.Type == FieldType.Decimal ? f.Decimals : null,
            f.HasOptions ? f.Options : null,
            f.Type == FieldType.Text ? f.MaxLength : null,
            f.ReportRef)).ToList()) { Role = s.Role }).ToList(),
        [.. definition.Rules.Select(r => r.Id), .. definition.YearOnYear.Select(r => $"{r.Id}: a change of {r.ThresholdPercent:0}% or more in {r.Label} must be confirmed")]);
}

public sealed record SectionDocument(string Id, string Title, IReadOnlyList<FieldDocument> Fields)
{
    /// <summary>Which participation table the section counts towards (self-assessment: A; additional data: B; comments: neither).</summary>
    public SectionRole Role { get; init; } = SectionRole.AdditionalData;
}

public sealed record FieldDocument(
    string Id, string Label, string Type, string? Help, string? Unit, decimal? Min, decimal? Max, int? Decimals,
    IReadOnlyList<Option>? Options, int? MaxLength, string? ReportRef);
