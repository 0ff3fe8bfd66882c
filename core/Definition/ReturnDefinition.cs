namespace Pps.Core.Definition;

/// <summary>
/// Everything a service is asked for in one collection year: sections, fields, rules across fields and
/// year-on-year checks. The form, the workbook template, the CSV columns and the validator are all
/// driven by it, so a new year's collection is a new definition, not new code.
/// </summary>
public sealed class ReturnDefinition
{
    private readonly Dictionary<string, FieldDefinition> _fields;

    public ReturnDefinition(
        int year,
        int version,
        IReadOnlyList<SectionDefinition> sections,
        IReadOnlyList<CrossFieldRule> rules,
        IReadOnlyList<YearOnYearRule> yearOnYear)
    {
        Year = year;
        Version = version;
        Sections = sections;
        Rules = rules;
        YearOnYear = yearOnYear;
        _fields = new Dictionary<string, FieldDefinition>(StringComparer.Ordinal);
        foreach (var field in sections.SelectMany(s => s.Fields))
        {
            if (!_fields.TryAdd(field.Id, field))
            {
                throw new ArgumentException($"Field id {field.Id} is defined twice in the {year} return definition.");
            }
        }
        foreach (var id in rules.SelectMany(RuleFieldIds).Concat(yearOnYear.SelectMany(r => r.FieldIds)))
        {
            if (!_fields.ContainsKey(id))
            {
                throw new ArgumentException($"A rule of the {year} return definition names the unknown field {id}.");
            }
        }
    }

    public int Year { get; }
    public int Version { get; }
    public IReadOnlyList<SectionDefinition> Sections { get; }
    public IReadOnlyList<CrossFieldRule> Rules { get; }
    public IReadOnlyList<YearOnYearRule> YearOnYear { get; }

    /// <summary>The longest reason NPPN may give for changing a submitted or locked return (it is kept in the audit trail).</summary>
    public int ReasonMaxLength { get; init; } = 2000;

    public IEnumerable<FieldDefinition> Fields => Sections.SelectMany(s => s.Fields);

    public bool Defines(string fieldId) => _fields.ContainsKey(fieldId);

    /// <summary>
    /// Table A's rule, the one the completeness view and the published figures share: a return takes part in the
    /// exemplifications survey when it rates at least one exemplification (who completed it, alone, is no rating).
    /// </summary>
    public bool RatesAnyExemplification(ReturnValues values) =>
        Fields.Any(f => f.Type == FieldType.Rating && values.Has(f.Id));

    /// <summary>
    /// Table B's rule, shared the same way: a return takes part in the additional data collection when it gives
    /// any field of an additional-data section (not the self-assessment, not comments alone).
    /// </summary>
    public bool GivesAdditionalData(ReturnValues values) =>
        Sections.Where(s => s.Role == SectionRole.AdditionalData).SelectMany(s => s.Fields).Any(f => values.Has(f.Id));

    public FieldDefinition Field(string fieldId) =>
        _fields.TryGetValue(fieldId, out var f) ? f : throw new KeyNotFoundException($"No field {fieldId} in the {Year} return.");

    private static IEnumerable<string> RuleFieldIds(CrossFieldRule rule) => rule switch
    {
        SumRule s => s.FieldIds,
        OnlyWhenRule o => [o.FieldId, o.ConditionFieldId],
        NotGreaterThanRule n => [n.LowerFieldId, n.UpperFieldId],
        CountCoversChoicesRule c => [c.CountFieldId, c.ChoicesFieldId],
        ChoiceTickedRule t => [t.FieldId, t.ChoicesFieldId],
        _ => [],
    };
}
