using Pps.Core.Definition;

namespace Pps.Core.Validation;

/// <summary>
/// A return's answers as the one intake check read them: the canonical values, the problems keyed by field, the
/// year-on-year warnings, and what still stops a submit, against the definition named here. Every path (the form,
/// the workbook, the CSV) gets its problems from this check and maps them to a field, a cell or a line; the write
/// (<c>ReturnService</c>) stores the values it holds and checks nothing again. Only <see cref="Check"/> makes one (the
/// validator inside it is the domain's own), so a value that reaches the write has been through the check, once.
/// </summary>
public sealed class CheckedReturn
{
    // Made by the validator alone (ReturnValidator.Validate, internal to the domain), which Check calls.
    internal CheckedReturn(ReturnDefinition definition, int serviceId, ReturnValues values, IReadOnlyList<ValidationIssue> errors,
        IReadOnlyList<ValidationIssue> ruleErrors, IReadOnlyList<ValidationIssue> warnings)
    {
        Definition = definition;
        ServiceId = serviceId;
        Values = values;
        Errors = errors;
        RuleErrors = ruleErrors;
        Warnings = warnings;
        ToSubmit = [.. ruleErrors, .. definition.MissingForSubmission(values).Select(f =>
            ValidationIssue.Error(f.Id, "required", $"{f.Label}: answer this question before you submit the return."))];
    }

    /// <summary>The one check of a return's answers, whichever path they come by.</summary>
    /// <param name="definition">The year's definition, as the app's one catalog gives it.</param>
    /// <param name="raw">Field id to the text given; null or blank means not given.</param>
    /// <param name="lastYear">The service's answers for the year before, for the year-on-year warnings; null when it has none.</param>
    public static CheckedReturn Check(ReturnDefinition definition, int serviceId, IReadOnlyDictionary<string, string?> raw, ReturnValues? lastYear) =>
        ReturnValidator.Validate(definition, raw, lastYear, serviceId);

    /// <summary>The definition the answers were checked against; the write refuses them if the year's is another by then.</summary>
    public ReturnDefinition Definition { get; }

    public int Year => Definition.Year;

    public int ServiceId { get; }

    /// <summary>The answers that could be read, in canonical form.</summary>
    public ReturnValues Values { get; }

    /// <summary>Every problem: answers that cannot be read, then rules across fields the readable ones break.</summary>
    public IReadOnlyList<ValidationIssue> Errors { get; }

    public bool IsValid => Errors.Count == 0;

    /// <summary>
    /// The errors that break a rule across fields (the six time percentages not adding to 100, say), a subset of
    /// <see cref="Errors"/>. A draft is saved in spite of them; they block only a return that counts as submitted.
    /// </summary>
    public IReadOnlyList<ValidationIssue> RuleErrors { get; }

    /// <summary>The errors that leave an answer unreadable (not a number, not an option): nothing can be saved with them.</summary>
    public IEnumerable<ValidationIssue> AnswerErrors => Errors.Except(RuleErrors);

    /// <summary>The year-on-year warnings against last year's answers (none without them).</summary>
    public IReadOnlyList<ValidationIssue> Warnings { get; }

    /// <summary>
    /// What stops the answers being submitted as they stand, year-on-year warnings apart: the rules across fields they
    /// break, then each answer the definition requires that they lack (named, in the form's order).
    /// </summary>
    public IReadOnlyList<ValidationIssue> ToSubmit { get; }

    /// <summary>The answers the definition requires for a submitted return that these lack, in the form's order.</summary>
    public IEnumerable<FieldDefinition> Missing => Definition.MissingForSubmission(Values);

    /// <summary>
    /// Whether these answers were checked against <paramref name="definition"/>: the same year and version (a published
    /// year's document changes only with a new version, and the built-in ones never).
    /// </summary>
    public bool CheckedAgainst(ReturnDefinition definition) =>
        ReferenceEquals(definition, Definition) || definition.Year == Definition.Year && definition.Version == Definition.Version;
}
