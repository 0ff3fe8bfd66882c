using System.Globalization;
using Pps.Core.Definition;

namespace Pps.Core.Validation;

public sealed record ValidationResult(ReturnValues Values, IReadOnlyList<ValidationIssue> Errors, IReadOnlyList<ValidationIssue> Warnings)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>
/// The one validator every intake path shares (web form, workbook upload, CSV). It reads raw text per
/// field id, as each path gets it, and turns it into canonical values driven by the year's definition.
/// </summary>
public static class ReturnValidator
{
    private static readonly char[] ChoiceSeparators = [';', ',', '|'];

    /// <param name="raw">Field id to the text given; null or blank means not given.</param>
    /// <param name="previous">The service's return for the year before, for the year-on-year checks.</param>
    public static ValidationResult Validate(ReturnDefinition definition, IReadOnlyDictionary<string, string?> raw, ReturnValues? previous = null)
    {
        var errors = new List<ValidationIssue>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (id, text) in raw.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (!definition.Defines(id))
            {
                errors.Add(ValidationIssue.Error(id, "unknown-field", $"\"{id}\" is not a field of the {definition.Year} return."));
                continue;
            }
            if (string.IsNullOrWhiteSpace(text)) continue;
            var field = definition.Field(id);
            var (canonical, problem) = Parse(field, text.Trim());
            if (problem is not null) errors.Add(problem);
            else values[id] = canonical!;
        }

        var parsed = new ReturnValues(values);
        var reported = errors.Select(e => e.FieldId).ToHashSet();
        foreach (var rule in definition.Rules)
        {
            // A rule over a field that already failed to parse would only repeat the problem.
            errors.AddRange(rule.Check(parsed, definition).Where(issue => !reported.Contains(issue.FieldId)));
        }

        var warnings = previous is null ? [] : YearOnYearWarnings(definition, parsed, previous).ToList();
        return new ValidationResult(parsed, errors, warnings);
    }

    public static IEnumerable<ValidationIssue> YearOnYearWarnings(ReturnDefinition definition, ReturnValues current, ReturnValues previous)
    {
        foreach (var rule in definition.YearOnYear)
        {
            var now = rule.Measure(current);
            var before = rule.Measure(previous);
            if (now is null || before is null) continue;
            if (before == 0)
            {
                if (now == 0) continue;
            }
            else if (Math.Abs(now.Value - before.Value) * 100m / before.Value < rule.ThresholdPercent)
            {
                continue;
            }
            var change = before == 0 ? "up from 0" : $"{(now > before ? "up" : "down")} {Math.Abs(now.Value - before.Value) * 100m / before.Value:0}%";
            yield return ValidationIssue.Warning(rule.FieldIds[0], rule.Id,
                $"{rule.Label} is {ReturnValues.FormatNumber(now.Value)}, {change} on last year's {ReturnValues.FormatNumber(before.Value)}. " +
                $"Changes of {rule.ThresholdPercent:0}% or more are usually typing errors: check the figure, then confirm it to submit.");
        }
    }

    private static (string? Value, ValidationIssue? Problem) Parse(FieldDefinition field, string text) => field.Type switch
    {
        FieldType.Rating or FieldType.Choice => ParseChoice(field, text),
        FieldType.MultiChoice => ParseMultiChoice(field, text),
        FieldType.Integer or FieldType.Decimal => ParseNumber(field, text),
        FieldType.Boolean => ParseBoolean(field, text),
        FieldType.Text => FreeText.Problem(text, field.MaxLength) is { } problem
            ? (null, ValidationIssue.Error(field.Id, text.Length > field.MaxLength ? "length" : "text", $"{field.Label}: {problem}."))
            : (text, null),
        _ => throw new InvalidOperationException($"Unhandled field type {field.Type}."),
    };

    private static (string?, ValidationIssue?) ParseChoice(FieldDefinition field, string text)
    {
        var option = MatchOption(field, text);
        return option is not null
            ? (option.Value, null)
            : (null, ValidationIssue.Error(field.Id, "option", $"{field.Label}: \"{text}\" is not one of {DescribeOptions(field)}."));
    }

    private static (string?, ValidationIssue?) ParseMultiChoice(FieldDefinition field, string text)
    {
        var picked = new HashSet<string>(StringComparer.Ordinal);
        foreach (var part in text.Split(ChoiceSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var option = MatchOption(field, part);
            if (option is null)
            {
                return (null, ValidationIssue.Error(field.Id, "option", $"{field.Label}: \"{part}\" is not one of {DescribeOptions(field)}."));
            }
            picked.Add(option.Value);
        }
        if (picked.Count == 0) return (null, null);
        return (string.Join(ReturnValues.ChoiceSeparator, field.Options.Where(o => picked.Contains(o.Value)).Select(o => o.Value)), null);
    }

    private static Option? MatchOption(FieldDefinition field, string text)
    {
        // Ratings are case-sensitive in the report (x, not X, is "not completed"), but a capital X can only mean x.
        if (field.Type == FieldType.Rating)
        {
            var code = text is "X" ? "x" : text.Length == 1 && "bgn".Contains(text, StringComparison.Ordinal) ? text.ToUpperInvariant() : text;
            return field.Options.FirstOrDefault(o => o.Value == code) ?? field.Options.FirstOrDefault(o => string.Equals(o.Label, text, StringComparison.OrdinalIgnoreCase));
        }
        return field.Options.FirstOrDefault(o => string.Equals(o.Value, text, StringComparison.OrdinalIgnoreCase))
            ?? field.Options.FirstOrDefault(o => string.Equals(o.Label, text, StringComparison.OrdinalIgnoreCase));
    }

    private static string DescribeOptions(FieldDefinition field) =>
        string.Join(", ", field.Options.Select(o => o.Value == o.Label ? o.Value : $"{o.Value} ({o.Label})"));

    private static (string?, ValidationIssue?) ParseNumber(FieldDefinition field, string text)
    {
        var cleaned = text.Replace(",", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
        if (field.Unit == "£") cleaned = cleaned.TrimStart('£');
        if (field.Unit == "%") cleaned = cleaned.TrimEnd('%');
        if (!decimal.TryParse(cleaned, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            var kind = field.Type == FieldType.Integer ? "a whole number" : "a number";
            return (null, ValidationIssue.Error(field.Id, "type", $"{field.Label}: \"{text}\" is not {kind}."));
        }
        if (field.Type == FieldType.Integer && number != decimal.Truncate(number))
        {
            var what = field.Unit == "£" ? "whole pounds" : "a whole number";
            return (null, ValidationIssue.Error(field.Id, "type", $"{field.Label}: give {what} ({text} has decimals)."));
        }
        if (field.Type == FieldType.Decimal && decimal.Round(number, field.Decimals) != number)
        {
            return (null, ValidationIssue.Error(field.Id, "decimals", $"{field.Label}: at most {field.Decimals} decimal places ({text} given)."));
        }
        if (number < 0 && (field.Min ?? 0) >= 0)
        {
            return (null, ValidationIssue.Error(field.Id, "range", $"{field.Label}: cannot be negative ({text} given)."));
        }
        if (number < field.Min || number > field.Max)
        {
            return (null, ValidationIssue.Error(field.Id, "range",
                $"{field.Label}: must be between {ReturnValues.FormatNumber(field.Min ?? decimal.MinValue)} and {ReturnValues.FormatNumber(field.Max ?? decimal.MaxValue)}{UnitSuffix(field)} ({text} given)."));
        }
        return (ReturnValues.FormatNumber(number), null);
    }

    private static string UnitSuffix(FieldDefinition field) => field.Unit switch
    {
        null or "£" => "",
        "%" => "%",
        var unit => " " + unit,
    };

    private static (string?, ValidationIssue?) ParseBoolean(FieldDefinition field, string text) => text.ToLowerInvariant() switch
    {
        "yes" or "y" or "true" => ("true", null),
        "no" or "n" or "false" => ("false", null),
        _ => (null, ValidationIssue.Error(field.Id, "type", $"{field.Label}: answer yes or no (\"{text}\" given).")),
    };
}
