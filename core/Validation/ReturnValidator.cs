using System.Globalization;
using Pps.Core.Definition;

namespace Pps.Core.Validation;

/// <summary>
/// The one validator every intake path shares (web form, workbook upload, CSV). It reads raw text per
/// field id, as each path gets it, and turns it into canonical values driven by the year's definition.
/// Outside the domain it is reached only through <see cref="CheckedReturn.Check"/>, so that what the check
/// read is what the write stores, and no path validates a return twice.
/// </summary>
public static class ReturnValidator
{
    private static readonly char[] ChoiceSeparators = [';', ',', '|'];

    /// <param name="raw">Field id to the text given; null or blank means not given.</param>
    /// <param name="previous">The service's return for the year before, for the year-on-year checks.</param>
    /// <param name="serviceId">Whose answers they are (the write stores them for this service only).</param>
    internal static CheckedReturn Validate(ReturnDefinition definition, IReadOnlyDictionary<string, string?> raw, ReturnValues? previous = null, int serviceId = 0)
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
        var ruleErrors = new List<ValidationIssue>();
        foreach (var rule in definition.Rules)
        {
            // A rule over a field that already failed to parse would only repeat the problem.
            ruleErrors.AddRange(rule.Check(parsed, definition).Where(issue => !reported.Contains(issue.FieldId)));
        }
        errors.AddRange(ruleErrors);

        var warnings = previous is null ? [] : YearOnYearWarnings(definition, parsed, previous).ToList();
        return new CheckedReturn(definition, serviceId, parsed, errors, ruleErrors, warnings);
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
            ? (null, ValidationIssue.Error(field.Id, FreeText.IsTooLong(problem) ? "length" : "text", $"{field.Label}: {problem}."))
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
        // The definition keeps option values distinct in more than case, so "b" can only mean B and "X" only x
        // (ratings are stored in the definition's own case: x, not X, is "not completed").
        return field.Options.FirstOrDefault(o => string.Equals(o.Value, text, StringComparison.Ordinal))
            ?? field.Options.FirstOrDefault(o => string.Equals(o.Value, text, StringComparison.OrdinalIgnoreCase))
            ?? field.Options.FirstOrDefault(o => string.Equals(o.Label, text, StringComparison.OrdinalIgnoreCase));
    }

    private static string DescribeOptions(FieldDefinition field) =>
        string.Join(", ", field.Options.Select(o => o.Value == o.Label ? o.Value : $"{o.Value} ({o.Label})"));

    /// <summary>
    /// A number as written: digits with an optional sign, decimal point and exponent ("1e3"); commas (or spaces)
    /// only as thousands separators between groups of three digits ("12,345", never "0,75"); "£" before a
    /// sum of money and "%" after a percentage. A number that the field cannot hold exactly as written (more
    /// decimals than it keeps, as "1e-308" or "0.001" in an FTE) is refused, never rounded or read as 0.
    /// </summary>
    private static readonly System.Text.RegularExpressions.Regex NumberPattern = new(
        @"^(?<sign>[+-])?(?<int>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,3}(?: [0-9]{3})+|[0-9]*)(?:\.(?<frac>[0-9]*))?(?:[eE](?<exp>[+-]?[0-9]+))?$",
        System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    private static (string?, ValidationIssue?) ParseNumber(FieldDefinition field, string text)
    {
        var cleaned = text;
        if (field.Unit == "£" && cleaned.StartsWith('£')) cleaned = cleaned[1..].TrimStart();
        if (field.Unit == "%" && cleaned.EndsWith('%')) cleaned = cleaned[..^1].TrimEnd();
        var kind = field.Type == FieldType.Integer ? "a whole number" : "a number";
        var match = NumberPattern.Match(cleaned);
        var integer = match.Groups["int"].Value.Replace(",", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
        var fraction = match.Groups["frac"].Value;
        if (!match.Success || integer.Length + fraction.Length == 0)
        {
            var hint = cleaned.Contains(',', StringComparison.Ordinal)
                ? " Use a point for decimals (0.75); a comma may only separate thousands (12,345)."
                : "";
            return (null, ValidationIssue.Error(field.Id, "type", $"{field.Label}: \"{text}\" is not {kind}.{hint}"));
        }

        // The value is digits × 10^scale, exactly: read it without any rounding.
        var digits = (integer + fraction).TrimStart('0');
        var scale = -fraction.Length;
        if (match.Groups["exp"].Success)
        {
            var exponent = match.Groups["exp"].Value;
            if (digits.Length == 0)
            {
                // Zero, whatever the exponent.
            }
            else if (!int.TryParse(exponent, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var e) || Math.Abs(e) > 1000)
            {
                return exponent.StartsWith('-') ? (null, TooPrecise(field, text)) : (null, OutOfRange(field, text));
            }
            else
            {
                scale += e;
            }
        }
        var trailingZeros = digits.Length - digits.TrimEnd('0').Length;
        if (digits.Length == 0) (digits, scale) = ("0", 0);
        else (digits, scale) = (digits[..^trailingZeros], scale + trailingZeros);
        var decimalsAllowed = field.Type == FieldType.Integer ? 0 : field.Decimals;
        if (-scale > decimalsAllowed) return (null, TooPrecise(field, text));
        if (digits.Length + scale > 20) return (null, OutOfRange(field, text));
        var number = decimal.Parse(scale >= 0 ? digits + new string('0', scale) : digits, CultureInfo.InvariantCulture);
        if (scale < 0) number /= Pow10(-scale);
        if (match.Groups["sign"].Value == "-") number = -number;

        if (number < 0 && (field.Min ?? 0) >= 0)
        {
            return (null, ValidationIssue.Error(field.Id, "range", $"{field.Label}: cannot be negative (you entered {text})."));
        }
        if (number < field.Min || number > field.Max) return (null, OutOfRange(field, text));
        return (ReturnValues.FormatNumber(number), null);
    }

    private static decimal Pow10(int n)
    {
        var p = 1m;
        for (var i = 0; i < n; i++) p *= 10m;
        return p;
    }

    private static ValidationIssue TooPrecise(FieldDefinition field, string text) => field.Type == FieldType.Integer
        ? ValidationIssue.Error(field.Id, "type", $"{field.Label}: give {(field.Unit == "£" ? "whole pounds" : "a whole number")} ({text} has decimals).")
        : ValidationIssue.Error(field.Id, "decimals", field.Decimals == 0
            ? $"{field.Label}: give a whole number (you entered {text})."
            : $"{field.Label}: round it to {field.Decimals} decimal place{(field.Decimals == 1 ? "" : "s")} (you entered {text}).");

    private static ValidationIssue OutOfRange(FieldDefinition field, string text) => ValidationIssue.Error(field.Id, "range",
        $"{field.Label}: must be between {ReturnValues.FormatNumber(field.Min ?? decimal.MinValue)} and {ReturnValues.FormatNumber(field.Max ?? decimal.MaxValue)}{UnitSuffix(field)} (you entered {text}).");

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
