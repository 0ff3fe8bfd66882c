using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pps.Core.Definition;

/// <summary>
/// A return definition as a versioned JSON document, one per collection year (docs/schema/return-definition.schema.json).
/// The form, the workbook template, the CSV columns and the validator are all driven by the definition read
/// from it, so a new year's collection is a new document, not new code.
/// </summary>
public static class DefinitionJson
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = true,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            AllowDuplicateProperties = false,
            ReadCommentHandling = JsonCommentHandling.Disallow,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>Reads a definition document.</summary>
    /// <exception cref="DefinitionException">The document is not a valid definition; the message says where.</exception>
    public static ReturnDefinition Parse(string json)
    {
        DefinitionFile file;
        try
        {
            file = JsonSerializer.Deserialize<DefinitionFile>(json, Options) ?? throw new DefinitionException("The definition document is JSON null.");
        }
        catch (JsonException e)
        {
            throw new DefinitionException($"The definition document is not valid{(string.IsNullOrEmpty(e.Path) ? "" : $" at {e.Path}")}: {e.Message}", e);
        }
        return file.ToDefinition();
    }

    public static string Write(ReturnDefinition definition) => JsonSerializer.Serialize(DefinitionFile.From(definition), Options);

    /// <summary>The errors of the failing nodes, descending only into nodes that failed (a oneOf that passed says nothing of its other branches).</summary>
    private static void CollectErrors(Json.Schema.EvaluationResults node, List<ValidationIssue> problems)
    {
        if (node.IsValid) return;
        var at = node.InstanceLocation.ToString() is { Length: > 0 } location ? location : "/";
        foreach (var (_, message) in node.Errors ?? new Dictionary<string, string>())
        {
            problems.Add(ValidationIssue.Error(at, "schema", $"{(at == "/" ? "the document" : at)}: {message}"));
        }
        foreach (var child in node.Details ?? []) CollectErrors(child, problems);
    }

    private static readonly Lazy<Json.Schema.JsonSchema> Schema = new(() =>
    {
        using var stream = typeof(DefinitionJson).Assembly.GetManifestResourceStream("Pps.Core.Definition.DefinitionSchema.json")!;
        using var reader = new StreamReader(stream);
        // A registry of its own: the schema's $id must not clash with anyone else loading the same file.
        return Json.Schema.JsonSchema.FromText(reader.ReadToEnd(), new Json.Schema.BuildOptions { SchemaRegistry = new Json.Schema.SchemaRegistry() });
    });

    /// <summary>
    /// Checks a document against docs/schema/return-definition.schema.json and then against the rules the schema
    /// cannot say (field ids unique, rules naming fields that exist, limits that keep a return within storage),
    /// and reads it. Each problem names where it is: a JSON pointer into the document, or the field.
    /// </summary>
    public static (ReturnDefinition? Definition, IReadOnlyList<ValidationIssue> Problems) Check(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            return (null, [ValidationIssue.Error(string.IsNullOrEmpty(e.Path) ? "$" : e.Path, "json", $"The document is not valid JSON: {e.Message}")]);
        }
        using (document)
        {
            var result = Schema.Value.Evaluate(document.RootElement, new Json.Schema.EvaluationOptions { OutputFormat = Json.Schema.OutputFormat.Hierarchical });
            if (!result.IsValid)
            {
                var problems = new List<ValidationIssue>();
                CollectErrors(result, problems);
                return (null, problems.Count > 0
                    ? problems.DistinctBy(i => i.Message).Take(50).ToList()
                    : [ValidationIssue.Error("/", "schema", "The document does not match the definition schema.")]);
            }
        }
        try
        {
            return (Parse(json), []);
        }
        catch (DefinitionException e)
        {
            return (null, [ValidationIssue.Error("/", "definition", e.Message)]);
        }
    }
}

/// <summary>A definition document that cannot be used, with what is wrong.</summary>
public sealed class DefinitionException(string message, Exception? inner = null) : Exception(message, inner);

internal sealed record DefinitionFile
{
    public required int Year { get; init; }
    public required int Version { get; init; }
    /// <summary>Free text: where the definition comes from and what changed against the year before.</summary>
    public string? Notes { get; init; }
    public int ReasonMaxLength { get; init; } = 2000;
    public required List<SectionFile> Sections { get; init; }
    public List<RuleFile> Rules { get; init; } = [];
    public List<YearOnYearFile> YearOnYear { get; init; } = [];

    public ReturnDefinition ToDefinition()
    {
        try
        {
            return new ReturnDefinition(Year, Version,
                Sections.Select(s => new SectionDefinition(s.Id, s.Title, s.Fields.Select(f => f.ToField()).ToList()) { Help = s.Help, Role = s.Role }).ToList(),
                Rules.Select(r => r.ToRule()).ToList(),
                YearOnYear.Select(r => new YearOnYearRule(r.Id, r.Label, r.Fields, r.ThresholdPercent)).ToList())
            {
                ReasonMaxLength = ReasonMaxLength,
                Notes = Notes,
            };
        }
        catch (ArgumentException e)
        {
            throw new DefinitionException(e.Message, e);
        }
    }

    public static DefinitionFile From(ReturnDefinition d) => new()
    {
        Year = d.Year,
        Version = d.Version,
        Notes = d.Notes,
        ReasonMaxLength = d.ReasonMaxLength,
        Sections = d.Sections.Select(s => new SectionFile
        {
            Id = s.Id, Title = s.Title, Help = s.Help, Role = s.Role, Fields = s.Fields.Select(FieldFile.From).ToList(),
        }).ToList(),
        Rules = d.Rules.Select(RuleFile.From).ToList(),
        YearOnYear = d.YearOnYear.Select(r => new YearOnYearFile { Id = r.Id, Label = r.Label, Fields = [.. r.FieldIds], ThresholdPercent = r.ThresholdPercent }).ToList(),
    };
}

internal sealed record SectionFile
{
    public required string Id { get; init; }
    public required string Title { get; init; }
    public string? Help { get; init; }
    public SectionRole Role { get; init; } = SectionRole.AdditionalData;
    public required List<FieldFile> Fields { get; init; }
}

internal sealed record OptionFile
{
    public required string Value { get; init; }
    public required string Label { get; init; }
    public RatingLevelName? Level { get; init; }
}

internal sealed record FieldFile
{
    public required string Id { get; init; }
    public required string Label { get; init; }
    public required FieldType Type { get; init; }
    public string? Help { get; init; }
    public string? Unit { get; init; }
    public decimal? Min { get; init; }
    public decimal? Max { get; init; }
    public int? Decimals { get; init; }
    public List<OptionFile>? Options { get; init; }
    public int? MaxLength { get; init; }
    public string? ReportRef { get; init; }
    public bool? RequiredForSubmission { get; init; }
    public ExemplificationFile? Exemplification { get; init; }

    public FieldDefinition ToField() => new()
    {
        Id = Id, Label = Label, Type = Type, Help = Help, Unit = Unit, Min = Min, Max = Max, Decimals = Decimals ?? 0,
        Options = Options?.Select(o => new Option(o.Value, o.Label) { Level = o.Level }).ToList() ?? [],
        MaxLength = MaxLength ?? 200, ReportRef = ReportRef, RequiredForSubmission = RequiredForSubmission ?? false,
        Exemplification = Exemplification is { } e ? new ExemplificationText(e.Best, e.Good, e.NonCompliant) : null,
    };

    public static FieldFile From(FieldDefinition f) => new()
    {
        Id = f.Id, Label = f.Label, Type = f.Type, Help = string.IsNullOrEmpty(f.Help) ? null : f.Help, Unit = f.Unit, Min = f.Min, Max = f.Max,
        Decimals = f.Type == FieldType.Decimal ? f.Decimals : null,
        Options = f.HasOptions ? f.Options.Select(o => new OptionFile { Value = o.Value, Label = o.Label, Level = o.Level }).ToList() : null,
        MaxLength = f.Type == FieldType.Text ? f.MaxLength : null,
        ReportRef = f.ReportRef,
        RequiredForSubmission = f.RequiredForSubmission ? true : null,
        Exemplification = f.Exemplification is { } e ? new ExemplificationFile { Best = e.Best, Good = e.Good, NonCompliant = e.NonCompliant } : null,
    };
}

internal sealed record ExemplificationFile
{
    public required string Best { get; init; }
    public required string Good { get; init; }
    public required string NonCompliant { get; init; }
}

/// <summary>A rule across fields, by kind; only the members of its kind are given.</summary>
internal sealed record RuleFile
{
    public required string Id { get; init; }
    public required string Kind { get; init; }
    public List<string>? Fields { get; init; }
    public decimal? Total { get; init; }
    public string? Field { get; init; }
    public string? ConditionField { get; init; }
    public List<string>? Values { get; init; }
    public string? Lower { get; init; }
    public string? Upper { get; init; }
    public string? CountField { get; init; }
    public string? ChoicesField { get; init; }
    public string? Option { get; init; }

    public CrossFieldRule ToRule() => Kind switch
    {
        "sum" => new SumRule(Id, Need(Fields, "fields"), Need(Total, "total")),
        "only-when" => new OnlyWhenRule(Id, Need(Field, "field"), Need(ConditionField, "conditionField"), Need(Values, "values")),
        "not-greater-than" => new NotGreaterThanRule(Id, Need(Lower, "lower"), Need(Upper, "upper")),
        "count-covers-choices" => new CountCoversChoicesRule(Id, Need(CountField, "countField"), Need(ChoicesField, "choicesField")),
        "choice-ticked" => new ChoiceTickedRule(Id, Need(Field, "field"), Need(ChoicesField, "choicesField"), Need(Option, "option")),
        _ => throw new DefinitionException($"Rule {Id}: \"{Kind}\" is not a kind of rule (sum, only-when, not-greater-than, count-covers-choices, choice-ticked)."),
    };

    private T Need<T>(T? value, string name) where T : class =>
        value ?? throw new DefinitionException($"Rule {Id} ({Kind}) needs \"{name}\".");

    private decimal Need(decimal? value, string name) =>
        value ?? throw new DefinitionException($"Rule {Id} ({Kind}) needs \"{name}\".");

    public static RuleFile From(CrossFieldRule rule) => rule switch
    {
        SumRule s => new() { Id = s.Id, Kind = "sum", Fields = [.. s.FieldIds], Total = s.Total },
        OnlyWhenRule o => new() { Id = o.Id, Kind = "only-when", Field = o.FieldId, ConditionField = o.ConditionFieldId, Values = [.. o.ConditionValues] },
        NotGreaterThanRule n => new() { Id = n.Id, Kind = "not-greater-than", Lower = n.LowerFieldId, Upper = n.UpperFieldId },
        CountCoversChoicesRule c => new() { Id = c.Id, Kind = "count-covers-choices", CountField = c.CountFieldId, ChoicesField = c.ChoicesFieldId },
        ChoiceTickedRule t => new() { Id = t.Id, Kind = "choice-ticked", Field = t.FieldId, ChoicesField = t.ChoicesFieldId, Option = t.Option },
        _ => throw new InvalidOperationException($"No document form for rule {rule.GetType().Name}."),
    };
}

internal sealed record YearOnYearFile
{
    public required string Id { get; init; }
    public required string Label { get; init; }
    public required List<string> Fields { get; init; }
    public required decimal ThresholdPercent { get; init; }
}
