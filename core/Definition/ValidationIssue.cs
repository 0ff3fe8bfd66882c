namespace Pps.Core.Definition;

public enum IssueSeverity
{
    /// <summary>The value cannot be stored.</summary>
    Error,
    /// <summary>The value can be saved in a draft, but must be confirmed before the return is submitted.</summary>
    Warning,
}

/// <summary>A problem with one field, in words a PPS officer understands.</summary>
/// <param name="FieldId">The field the problem is about (the first one, for a rule across fields).</param>
/// <param name="Code">A stable code: "type", "range", "decimals", "option", "unknown-field", or a rule id.</param>
public sealed record ValidationIssue(IssueSeverity Severity, string FieldId, string Code, string Message)
{
    public static ValidationIssue Error(string fieldId, string code, string message) =>
        new(IssueSeverity.Error, fieldId, code, message);

    public static ValidationIssue Warning(string fieldId, string code, string message) =>
        new(IssueSeverity.Warning, fieldId, code, message);
}
