namespace Pps.Core.Definition;

/// <summary>A rule across fields of one return; the validator evaluates it over the parsed values.</summary>
public abstract record CrossFieldRule(string Id)
{
    public abstract IEnumerable<ValidationIssue> Check(ReturnValues values, ReturnDefinition definition);
}

/// <summary>When any of the fields is given, they must all be given and add up to <paramref name="Total"/>.</summary>
public sealed record SumRule(string Id, IReadOnlyList<string> FieldIds, decimal Total) : CrossFieldRule(Id)
{
    public override IEnumerable<ValidationIssue> Check(ReturnValues values, ReturnDefinition definition)
    {
        var given = FieldIds.Where(values.Has).ToList();
        if (given.Count == 0) yield break;
        var missing = FieldIds.Except(given).ToList();
        if (missing.Count > 0)
        {
            foreach (var id in missing)
            {
                yield return ValidationIssue.Error(id, Id,
                    $"{definition.Field(id).Label}: give a percentage here too (0 if none): the {FieldIds.Count} time percentages go together and add up to {Total}.");
            }
            yield break;
        }
        var sum = FieldIds.Sum(id => values.Number(id)!.Value);
        if (sum != Total)
        {
            yield return ValidationIssue.Error(FieldIds[0], Id,
                $"The {FieldIds.Count} time percentages add up to {sum:0.##}; they must add up to {Total}.");
        }
    }
}

/// <summary><paramref name="FieldId"/> may only be given when <paramref name="ConditionFieldId"/> holds one of the listed values.</summary>
public sealed record OnlyWhenRule(string Id, string FieldId, string ConditionFieldId, IReadOnlyList<string> ConditionValues)
    : CrossFieldRule(Id)
{
    public override IEnumerable<ValidationIssue> Check(ReturnValues values, ReturnDefinition definition)
    {
        if (!values.Has(FieldId)) yield break;
        var condition = values.Text(ConditionFieldId);
        if (condition is not null && ConditionValues.Contains(condition)) yield break;
        var field = definition.Field(FieldId);
        var conditionField = definition.Field(ConditionFieldId);
        var allowed = string.Join(" or ", ConditionValues.Select(v => $"\"{conditionField.Options.First(o => o.Value == v).Label}\""));
        yield return ValidationIssue.Error(FieldId, Id,
            $"{field.Label}: only give this when \"{conditionField.Label}\" is {allowed}.");
    }
}

/// <summary>The first field may not be greater than the second.</summary>
public sealed record NotGreaterThanRule(string Id, string LowerFieldId, string UpperFieldId) : CrossFieldRule(Id)
{
    public override IEnumerable<ValidationIssue> Check(ReturnValues values, ReturnDefinition definition)
    {
        var lower = values.Number(LowerFieldId);
        var upper = values.Number(UpperFieldId);
        if (lower is null || upper is null || lower <= upper) yield break;
        yield return ValidationIssue.Error(LowerFieldId, Id,
            $"{definition.Field(LowerFieldId).Label} ({lower}) is above {definition.Field(UpperFieldId).Label} ({upper}).");
    }
}

/// <summary>The count field must be at least the number of options ticked in the multi-choice field.</summary>
public sealed record CountCoversChoicesRule(string Id, string CountFieldId, string ChoicesFieldId) : CrossFieldRule(Id)
{
    public override IEnumerable<ValidationIssue> Check(ReturnValues values, ReturnDefinition definition)
    {
        var count = values.Number(CountFieldId);
        var ticked = values.Choices(ChoicesFieldId);
        if (count is null || ticked.Count == 0 || count >= ticked.Count) yield break;
        yield return ValidationIssue.Error(CountFieldId, Id,
            $"{definition.Field(CountFieldId).Label} is {count}, but {ticked.Count} are ticked under \"{definition.Field(ChoicesFieldId).Label}\".");
    }
}

/// <summary>
/// A change of <paramref name="ThresholdPercent"/>% or more against the service's previous return is a warning
/// the service must confirm before it can submit (the report: such swings are usually data-entry errors).
/// The measure is the sum of the listed fields, so staff FTE can be checked as one figure.
/// </summary>
public sealed record YearOnYearRule(string Id, string Label, IReadOnlyList<string> FieldIds, decimal ThresholdPercent)
{
    public decimal? Measure(ReturnValues values)
    {
        var given = FieldIds.Select(values.Number).Where(v => v is not null).ToList();
        return given.Count == 0 ? null : given.Sum();
    }
}

/// <summary><paramref name="FieldId"/> may only be given when <paramref name="Option"/> is ticked in a multi-choice field.</summary>
public sealed record ChoiceTickedRule(string Id, string FieldId, string ChoicesFieldId, string Option) : CrossFieldRule(Id)
{
    public override IEnumerable<ValidationIssue> Check(ReturnValues values, ReturnDefinition definition)
    {
        if (!values.Has(FieldId) || values.Choices(ChoicesFieldId).Contains(Option)) yield break;
        var choices = definition.Field(ChoicesFieldId);
        yield return ValidationIssue.Error(FieldId, Id,
            $"{definition.Field(FieldId).Label}: only give this when \"{choices.Options.First(o => o.Value == Option).Label}\" is ticked under \"{choices.Label}\".");
    }
}
