namespace Pps.Core.Definition;

/// <summary>
/// Everything a service is asked for in one collection year: sections, fields, rules across fields and
/// year-on-year checks. The form, the workbook template, the CSV columns and the validator are all
/// driven by it, so a new year's collection is a new definition, not new code.
/// </summary>
public sealed class ReturnDefinition
{
    private readonly Dictionary<string, FieldDefinition> _fields;

    /// <summary>The fields <see cref="FieldDefinition.RequiredForSubmission"/>, in the form's order: every save and read of a return asks.</summary>
    private readonly FieldDefinition[] _requiredForSubmission;

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
        _requiredForSubmission = sections.SelectMany(s => s.Fields).Where(f => f.RequiredForSubmission).ToArray();
        foreach (var field in _fields.Values)
        {
            if (FieldProblem(field) is { } problem) throw new ArgumentException($"Field {field.Id} of the {year} return definition: {problem}.");
        }
        var text = _fields.Values.Where(f => f.Type == FieldType.Text).Sum(f => (long)f.MaxLength);
        if (text > MaxTextBytes)
        {
            throw new ArgumentException(
                $"The text fields of the {year} return definition allow {text} bytes in all; at most {MaxTextBytes} bytes as stored, so that a return and its audit always fit in storage.");
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

    /// <summary>Where the definition comes from and what changed against the year before (free text, shown to NPPN).</summary>
    public string? Notes { get; init; }

    /// <summary>
    /// The most bytes all the text fields of a return may hold together, as stored (UTF-8, JSON-escaped as the store
    /// writes them: <see cref="FreeText.StoredBytes"/>; a field's <see cref="FieldDefinition.MaxLength"/> is in the same
    /// bytes), and the longest reason. With them a return, the audit it carries (every text's old and new value) and its
    /// audit row stay inside Table storage's 1 MiB per entity, which counts two bytes per stored character
    /// (docs/storage.md has the sum). Counting characters instead let 40,000 characters of emoji become 240,000 escaped.
    /// </summary>
    public const int MaxTextBytes = 40_000;
    public const int MaxReasonLength = 10_000;

    private readonly int _reasonMaxLength = 2000;

    /// <summary>The longest reason NPPN may give for changing a submitted or locked return (it is kept in the audit trail).</summary>
    public int ReasonMaxLength
    {
        get => _reasonMaxLength;
        init => _reasonMaxLength = value is >= 1 and <= MaxReasonLength
            ? value
            : throw new ArgumentException($"The reason limit of the {Year} return definition must be between 1 and {MaxReasonLength} bytes as stored ({value} given).");
    }

    private static string? FieldProblem(FieldDefinition f)
    {
        if (string.IsNullOrWhiteSpace(f.Id) || string.IsNullOrWhiteSpace(f.Label)) return "a field needs an id and a label";
        if (f.HasOptions && f.Options.Count == 0) return "a choice needs options";
        if (!f.HasOptions && f.Options.Count > 0) return $"a {f.Type} field has no options";
        var clash = f.Options.GroupBy(o => o.Value, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null) return $"option \"{clash.Key}\" is given twice (option values must differ in more than case)";
        if (f.Type == FieldType.MultiChoice && f.Options.Any(o => o.Value.IndexOfAny([';', ',', '|']) >= 0)) return "a multi-choice option value may not contain ; , or |";
        if (f.Type == FieldType.Rating && f.Options.Any(o => o.Level is null)) return "every rating option needs a level (best, good, not-completed, non-compliant)";
        if (f.Type != FieldType.Rating && f.Options.Any(o => o.Level is not null)) return "only rating options have a level";
        if (f.Type == FieldType.Text && f.MaxLength is < 1) return "a text field needs a maximum length of at least 1";
        if (f.Type == FieldType.Decimal && f.Decimals is < 0 or > 6) return "decimals must be between 0 and 6";
        if (f.Min > f.Max) return "min is above max";
        if (f.Exemplification is not null && f.Type != FieldType.Rating) return "only a rating has an exemplification";
        return null;
    }

    public IEnumerable<FieldDefinition> Fields => Sections.SelectMany(s => s.Fields);

    public bool Defines(string fieldId) => _fields.ContainsKey(fieldId);

    /// <summary>The answers the return still needs before it can be submitted, in the form's order.</summary>
    public IEnumerable<FieldDefinition> MissingForSubmission(ReturnValues values) =>
        _requiredForSubmission.Where(f => !values.Has(f.Id));

    /// <summary>
    /// The one rule of what a submitted return must hold: every answer the definition marks
    /// <see cref="FieldDefinition.RequiredForSubmission"/>. A submit without them is refused, and the completeness view
    /// and the close count a submitted return as returned (Tables A and B, every figure) only when it holds them, so a
    /// return stored as submitted before the rule, without them, counts nowhere.
    /// </summary>
    public bool CountsAsSubmitted(ReturnValues values) => !MissingForSubmission(values).Any();

    /// <summary>
    /// Table A's rule, the one the completeness view and the published figures share: a returned return (submitted,
    /// and holding what <see cref="CountsAsSubmitted"/> asks) takes part in the exemplifications survey when it rates
    /// at least one exemplification (who completed it, alone, is no rating).
    /// </summary>
    public bool RatesAnyExemplification(ReturnValues values) =>
        Fields.Any(f => f.Type == FieldType.Rating && values.Has(f.Id));

    /// <summary>
    /// Table B's rule, shared the same way: a returned return takes part in the additional data collection when it
    /// gives any field of an additional-data section (not the self-assessment, not comments alone).
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
