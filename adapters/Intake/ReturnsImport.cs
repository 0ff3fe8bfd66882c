using Pps.Core.Definition;
using Pps.Core.Reference;
using Pps.Core.Returns;
using Pps.Core.Storage;
using Pps.Core.Validation;
using Pps.Core.Catalogue;

namespace Pps.Core.Intake;

/// <summary>Why a load stored nothing (or stopped), so that each path can say it in its own terms.</summary>
public enum ReturnsImportFailure
{
    None,
    /// <summary>The year has no return definition: there is nothing to read the columns against.</summary>
    NoDefinition,
    /// <summary>The year's collection has not been set up (no window).</summary>
    NotSetUp,
    /// <summary>The file's layout cannot be read: a column missing or unknown, a quote, a row of the wrong length.</summary>
    Unreadable,
    /// <summary>Rows were read, and some answers or service ids are wrong.</summary>
    Invalid,
    /// <summary>A write failed part-way (someone changed a return during the load); the rows before it were loaded.</summary>
    Stopped,
}

public sealed record ReturnsImportResult(int Imported, string? Batch, IReadOnlyList<ImportProblem> Problems, int Unchanged = 0,
    ReturnsImportFailure Failure = ReturnsImportFailure.None)
{
    public bool Succeeded => Problems.Count == 0;

    /// <summary>For a preview (nothing stored): what each row would do. Empty for a load.</summary>
    public IReadOnlyList<ReturnsImportRowPreview> Preview { get; init; } = [];
}

/// <summary>
/// What one row of a load would do: a new return, a changed one (the fields whose answers change, from the stored
/// return) or an unchanged one (skipped); the year-on-year warnings the validator asks to confirm, and those the file
/// confirms already.
/// </summary>
public sealed record ReturnsImportRowPreview(
    int Line, int ServiceId, string Change, IReadOnlyList<FieldChange> FieldsChanged, IReadOnlyList<ValidationIssue> WarningsToConfirm,
    IReadOnlyList<string> Confirmed)
{
    public const string New = "new";
    public const string Changed = "changed";
    public const string Unchanged = "unchanged";
}

/// <summary>
/// NPPN's bulk load of returns from CSV (late returns of earlier years, a corrected batch), all or nothing:
/// every row is read and run through the one validator (with the year-on-year checks against the year
/// before) first, and every problem is listed by line and column; only when there is none is each return
/// stored, through <see cref="ReturnService"/> as NPPN with a reason naming the batch, as submitted.
/// A replacing load (the default) must carry every field, so that no answer is removed that the file does not
/// mention; a merge changes only the columns the file carries, keeps every other stored answer, and its audit
/// reason names those columns.
/// </summary>
/// <remarks>
/// The stores are one write per return (Table storage has no transaction across the returns and their audit
/// rows). Everything a write checks is checked for every row before the first write, so a write can only fail
/// if someone changes one of the returns during the load; that row and the rows after it are then listed as
/// not loaded, and the load can be run again (a row whose submitted return already holds its values is skipped).
/// </remarks>
public sealed class ReturnsImport(ReturnService returns, ReturnStore store, CollectionYearStore years, IDefinitionCatalog definitions, ServiceCatalogue catalogue, TimeProvider clock)
{
    /// <param name="actor">Who loads it (the audit names them); NPPN's configured identity when null (the cli).</param>
    /// <param name="preview">Check every row and say what each would change, storing nothing (<see cref="ReturnsImportResult.Preview"/>).</param>
    /// <param name="reason">
    /// NPPN's words on why the load is made ("late returns of 2012"), the audit row's reason for each return it changes,
    /// as for any change NPPN makes; when none is given, the reason names the load and its file. Where the change came
    /// from (the load's batch, the file and the line) is the audit row's source, as the form and the workbook record theirs.
    /// </param>
    public async Task<ReturnsImportResult> ImportAsync(int year, TextReader csv, string source, ReturnsCsvMode mode = ReturnsCsvMode.Replace, CancellationToken ct = default,
        Actor? actor = null, bool preview = false, string? reason = null)
    {
        if (await definitions.FindAsync(year, ct) is not { } definition)
        {
            return Failed(ReturnsImportFailure.NoDefinition,
                new ImportProblem(1, "", $"There is no return definition for {year}: NPPN publishes it (PUT /api/definitions/{year}) before the year opens."));
        }
        if (await years.GetAsync(year, ct) is null)
        {
            return Failed(ReturnsImportFailure.NotSetUp, new ImportProblem(1, "", $"The {year} collection has not been set up: NPPN sets its window first (PUT /api/years/{year})."));
        }
        // The reason is checked before anything is stored, as every row is: refused at the first row's write, it would stop the load part-way.
        if (FreeText.HasVisible(reason) && FreeText.Problem(reason!, definition.ReasonMaxLength) is { } reasonProblem)
        {
            return Failed(ReturnsImportFailure.Invalid, new ImportProblem(1, "reason", $"Reason: {reasonProblem}."));
        }
        var parsed = ReturnsCsv.Read(csv, definition, catalogue, year, mode);
        if (parsed.Unreadable) return new(0, null, parsed.Problems, Failure: ReturnsImportFailure.Unreadable);
        var problems = parsed.Problems.ToList();
        var unchanged = new HashSet<int>();
        var current = (await store.ListYearAsync(year, ct)).ToDictionary(r => r.ServiceId);
        var previous = (await store.ListYearAsync(year - 1, ct)).ToDictionary(r => r.ServiceId);
        var checkedRows = new Dictionary<int, CheckedReturn>();
        var rows = new List<ReturnsImportRowPreview>();
        foreach (var row in parsed.Rows)
        {
            var stored = current.GetValueOrDefault(row.ServiceId);
            // The one check (the write stores what it read, and checks nothing again); this path maps its problems to lines.
            var result = checkedRows[row.ServiceId] = CheckedReturn.Check(definition, row.ServiceId,
                mode == ReturnsCsvMode.Merge ? Merged(stored, row) : row.Values, previous.GetValueOrDefault(row.ServiceId)?.Values);
            var changes = ReturnValues.Diff(stored?.Values ?? ReturnValues.Empty, result.Values).ToList();
            if (stored is { Status: not ReturnStatus.Draft } && changes.Count == 0)
            {
                unchanged.Add(row.ServiceId);
            }
            if (preview)
            {
                rows.Add(new ReturnsImportRowPreview(row.Line, row.ServiceId,
                    unchanged.Contains(row.ServiceId) ? ReturnsImportRowPreview.Unchanged : stored is null ? ReturnsImportRowPreview.New : ReturnsImportRowPreview.Changed,
                    changes, result.Warnings.Where(w => !row.ConfirmedWarnings.Contains(w.Code)).ToList(), row.ConfirmedWarnings));
            }
            problems.AddRange(result.Errors.Select(e => new ImportProblem(row.Line, e.FieldId, e.Message)));
            // Each row is stored as submitted, which needs every answer the definition requires: checked here with the rest,
            // or the load would stop part-way at the first such row instead of being refused before anything is stored.
            problems.AddRange(result.Missing.Select(f =>
                new ImportProblem(row.Line, f.Id, $"{f.Label}: a submitted return needs this answer, and the file (with what is stored, in a merge) does not give it.")));
            problems.AddRange(result.Warnings.Where(w => !row.ConfirmedWarnings.Contains(w.Code))
                .Select(w => new ImportProblem(row.Line, w.FieldId, $"{w.Message} (to load it, put {w.Code} in the {ReturnsCsv.ConfirmedColumn} column)")));
        }
        problems = problems.OrderBy(p => p.Line).ThenBy(p => p.Column, StringComparer.Ordinal).ToList();
        if (preview)
        {
            return new(0, null, problems, unchanged.Count, problems.Count > 0 ? ReturnsImportFailure.Invalid : ReturnsImportFailure.None) { Preview = rows };
        }
        if (problems.Count > 0) return new(0, null, problems, Failure: ReturnsImportFailure.Invalid);

        var batch = $"{clock.GetUtcNow():yyyyMMddTHHmmssZ}-{Guid.NewGuid().ToString("N")[..8]}";
        var merge = mode == ReturnsCsvMode.Merge ? $", merge of columns {string.Join(", ", parsed.Fields ?? [])}" : "";
        var imported = 0;
        foreach (var row in parsed.Rows.Where(r => !unchanged.Contains(r.ServiceId)))
        {
            var change = new CheckedChange(checkedRows[row.ServiceId], row.ConfirmedWarnings, current.GetValueOrDefault(row.ServiceId)?.ETag,
                Reason: FreeText.HasVisible(reason) ? reason : $"CSV bulk load {batch} ({source})",
                Source: $"CSV bulk load {batch} ({source}), line {row.Line}{merge}");
            var outcome = await returns.SubmitAsync(actor ?? Actor.Nppn, change, ct);
            if (outcome is not ReturnOutcome.Done)
            {
                var why = outcome switch
                {
                    ReturnOutcome.Conflict c => c.Message,
                    ReturnOutcome.Invalid i => i.Summary,
                    ReturnOutcome.Refused r => r.Message,
                    ReturnOutcome.NotFound n => n.Message,
                    _ => outcome.GetType().Name,
                };
                return new(imported, batch, [new ImportProblem(row.Line, ReturnsCsv.ServiceColumn,
                    $"Not loaded: {why} The {imported} row(s) before it were loaded (batch {batch}); correct this and run the load again.")],
                    Failure: ReturnsImportFailure.Stopped);
            }
            imported++;
        }
        return new(imported, batch, [], unchanged.Count);
    }

    private static ReturnsImportResult Failed(ReturnsImportFailure failure, ImportProblem problem) => new(0, null, [problem], Failure: failure);

    /// <summary>The stored answers with the row's columns laid over them (an empty cell removes that one answer).</summary>
    private static IReadOnlyDictionary<string, string?> Merged(ServiceReturn? stored, ReturnsCsvRow row)
    {
        var merged = stored?.Values.AsDictionary().ToDictionary(kv => kv.Key, kv => (string?)kv.Value, StringComparer.Ordinal)
            ?? new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (field, value) in row.Values) merged[field] = value;
        return merged;
    }
}
