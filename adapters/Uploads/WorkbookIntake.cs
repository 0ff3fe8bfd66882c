using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging;
using Pps.Core.Catalogue;
using Pps.Core.Definition;
using Pps.Core.Intake;
using Pps.Core.Returns;
using Pps.Core.Storage;
using Pps.Core.Telemetry;
using Pps.Core.Uploads.Workbook;
using Pps.Core.Validation;

namespace Pps.Core.Uploads;

/// <summary>What became of a request about a workbook; the HTTP layer maps each case to a response.</summary>
public abstract record WorkbookOutcome
{
    public sealed record File(byte[] Content, string FileName, string ContentType) : WorkbookOutcome;
    public sealed record Stored(UploadName Name, ValidationReport Queued) : WorkbookOutcome;
    public sealed record Report(ValidationReport Value) : WorkbookOutcome;
    public sealed record TooLarge(long MaxBytes) : WorkbookOutcome;
    /// <summary>Refused before anything else: the actor, the service or the year (the returns outcome says which).</summary>
    public sealed record Denied(ReturnOutcome Outcome) : WorkbookOutcome;
}

/// <summary>
/// The workbook intake path: a service downloads its template, uploads it filled in, and the upload is
/// checked and, only if clean, changes the return through <see cref="ReturnService"/> like the form does.
/// </summary>
public sealed class WorkbookIntake(
    UploadStore uploads, ReturnService returns, ReturnStore store, IDefinitionCatalog definitions, ServiceCatalogue catalogue, TimeProvider clock, ILogger<WorkbookIntake> log,
    IUploadEvents? events = null)
{
    /// <summary>Runs of the check before an upload that keeps failing gets a "failed" report.</summary>
    public const int MaxAttempts = 3;

    /// <summary>The service's workbook for the year, prefilled with its stored return (draft or not) and last year's answers.</summary>
    public async Task<WorkbookOutcome> TemplateAsync(Actor actor, int year, int serviceId, CancellationToken ct)
    {
        var read = await returns.ReadForIntakeAsync(actor, year, serviceId, ct);
        if (read is not ReturnOutcome.Viewed { View: var view }) return new WorkbookOutcome.Denied(read);
        // The read above found the year's definition; this is the same catalog's answer.
        var definition = await definitions.GetAsync(year, ct);
        var origin = new WorkbookOrigin(serviceId, year, definition.Version, view.Current?.Revision ?? 0, clock.GetUtcNow());
        using var output = new MemoryStream();
        WorkbookTemplate.Write(output, definition, origin, catalogue.NameOf(serviceId), view.Current?.Values, view.LastYear?.Values);
        return new WorkbookOutcome.File(output.ToArray(), $"pps-return-{year}-service-{serviceId:000}.xlsx", WorkbookTemplate.ContentType);
    }

    /// <summary>
    /// Stores an upload under a new name and its "queued" report; the blob-triggered check does the rest.
    /// <paramref name="declaredLength"/> is the request's Content-Length when it sent one.
    /// </summary>
    public async Task<WorkbookOutcome> StoreAsync(Actor actor, int year, int serviceId, Stream body, long? declaredLength, CancellationToken ct)
    {
        if (!actor.MayAccess(serviceId)) return new WorkbookOutcome.Denied(new ReturnOutcome.Forbidden($"This credential cannot upload for service {serviceId}."));
        if (!catalogue.IsKnown(serviceId)) return new WorkbookOutcome.Denied(new ReturnOutcome.NotFound($"There is no service {serviceId}."));
        // Refused now, not after the check has failed three times: without a definition no workbook can be read.
        if (await definitions.FindAsync(year, ct) is null)
        {
            return new WorkbookOutcome.Denied(new ReturnOutcome.NotFound(
                $"There is no return definition for {year}: NPPN publishes it before the year opens. Nothing was stored."));
        }
        if (declaredLength > WorkbookLimits.MaxUploadBytes) return new WorkbookOutcome.TooLarge(WorkbookLimits.MaxUploadBytes);
        var name = UploadName.New(year, serviceId);
        var queued = new ValidationReport
        {
            UploadId = name.UploadId, Year = year, ServiceId = serviceId, Status = UploadStatus.Queued,
            Summary = "The workbook was received and is waiting to be checked.", UpdatedAt = clock.GetUtcNow(),
        };
        // The report first, so that the check (which may start the moment the blob exists) finds it.
        await uploads.TryWriteReportAsync(name, queued, null, ct);
        if (!await uploads.StoreAsync(name, body, WorkbookLimits.MaxUploadBytes, ct))
        {
            await uploads.DeleteReportAsync(name, ct);
            return new WorkbookOutcome.TooLarge(WorkbookLimits.MaxUploadBytes);
        }
        return new WorkbookOutcome.Stored(name, queued);
    }

    public async Task<WorkbookOutcome> ReportAsync(Actor actor, int year, int serviceId, string uploadId, CancellationToken ct)
    {
        if (!actor.MayAccess(serviceId)) return new WorkbookOutcome.Denied(new ReturnOutcome.Forbidden($"This credential cannot read service {serviceId}'s uploads."));
        if (!UploadName.IsUploadId(uploadId)) return new WorkbookOutcome.Denied(new ReturnOutcome.NotFound($"\"{uploadId}\" is not an upload id (32 hexadecimal digits)."));
        var found = await uploads.ReadReportAsync(new UploadName(year, serviceId, uploadId), ct);
        return found is { Report: var report }
            ? new WorkbookOutcome.Report(report)
            : new WorkbookOutcome.Denied(new ReturnOutcome.NotFound($"There is no upload {uploadId} for service {serviceId} in {year}."));
    }

    /// <summary>
    /// The blob-triggered check of one upload. Idempotent: an upload with a final report is left alone, so a
    /// second delivery changes nothing. A run that throws (storage unavailable) is retried by the host; the
    /// <see cref="MaxAttempts"/>th failing run writes a "failed" report instead of throwing, so it ends.
    /// </summary>
    public async Task<ValidationReport?> CheckAsync(BlobClient blob, CancellationToken ct)
    {
        if (UploadName.TryParse(blob.Name) is not { } name)
        {
            log.LogWarning("Ignored blob {Blob}: not a name the upload API chooses.", blob.Name);
            return null;
        }
        using var activity = PpsTelemetry.Source.StartActivity("pps.upload.check");
        activity?.SetTag("pps.year", name.Year);
        activity?.SetTag("pps.service", name.ServiceId);
        var existing = await uploads.ReadReportAsync(name, ct);
        if (existing is { Report.IsFinal: true }) return existing.Value.Report;
        var attempts = (existing?.Report.Attempts ?? 0) + 1;
        var processing = Report(name, UploadStatus.Processing, $"The workbook is being checked (attempt {attempts}).") with { Attempts = attempts };
        if (await uploads.TryWriteReportAsync(name, processing, existing?.ETag, ct) is not { } etag)
        {
            log.LogInformation("Upload {Upload}: another run is checking it.", name.BlobName);
            return null;
        }

        activity?.SetTag("pps.attempt", attempts);
        ValidationReport final;
        try
        {
            final = await CheckFileAsync(name, blob, ct) with { Attempts = attempts };
        }
        catch (Exception e) when (attempts >= MaxAttempts && e is not OperationCanceledException)
        {
            activity.Fail(e);
            log.LogError(e, PpsTelemetry.UploadCheckFailedEvent + ": upload {Upload}: the check failed {Attempts} times; giving up.", name.BlobName, attempts);
            final = Report(name, UploadStatus.Failed,
                $"The workbook could not be checked after {attempts} attempts; nothing was changed. Try uploading it again later, and if it fails again, send it to NPPN.") with { Attempts = attempts };
        }
        if (await uploads.TryWriteReportAsync(name, final, etag, ct) is null)
        {
            return (await uploads.ReadReportAsync(name, ct))?.Report;
        }
        var status = final.Status.ToString().ToLowerInvariant();
        activity?.SetTag("pps.status", status);
        if (events is not null) await events.CheckedAsync(final, ct);
        if (final.Status is UploadStatus.Rejected or UploadStatus.Failed)
        {
            // Codes only (a problem's message may quote an answer).
            var code = final.Problems.Count > 0 ? final.Problems[0].Code : final.Status.ToString();
            PpsTelemetry.UploadsRefused.Add(1, new KeyValuePair<string, object?>("pps.status", status), new KeyValuePair<string, object?>("pps.code", code));
        }
        return final;
    }

    private async Task<ValidationReport> CheckFileAsync(UploadName name, BlobClient blob, CancellationToken ct)
    {
        var file = await UploadStore.ReadAsync(blob, WorkbookLimits.MaxUploadBytes, ct);
        if (file is null)
        {
            return Rejected(name, null, [new ReportProblem(null, null, null, "too-large", $"The file is larger than {WorkbookLimits.MaxUploadBytes / 1024 / 1024} MiB; a return workbook is about 40 KiB.")]);
        }
        if (await definitions.FindAsync(name.Year, ct) is not { } definition)
        {
            return Rejected(name, null, [General("no-definition", $"There is no return definition for {name.Year}: NPPN publishes it before the year opens.")]);
        }
        var read = WorkbookReader.Read(file.ToMemory(), name.Year, name.ServiceId, definition, catalogue);
        if (read.Refused is { } refused) return Rejected(name, null, [new ReportProblem(null, null, null, refused.Code, refused.Message)]);
        var answers = read.Answers!;
        var layout = WorkbookLayout.For(definition);
        var actor = Actor.ForService(name.ServiceId);

        var viewed = await returns.ReadForIntakeAsync(actor, name.Year, name.ServiceId, ct);
        if (viewed is not ReturnOutcome.Viewed { View: var view }) return Rejected(name, answers, [General(Message(viewed))]);
        var current = view.Current;
        if ((current?.Revision ?? 0) != answers.Origin.Revision)
        {
            return await AppliedAlreadyAsync(name, answers, current!, ct)
                ?? Rejected(name, answers, [MovedOn(answers.Origin.Revision, current)]);
        }

        // The one check (the write stores what it read, and checks nothing again); this path maps its problems to cells.
        var validation = CheckedReturn.Check(definition, name.ServiceId, answers.Raw, view.LastYear?.Values);
        var cellFields = answers.Problems.Select(p => p.FieldId).ToHashSet();
        // As in the form: a draft is saved whatever rule across fields it breaks (the report lists what still stops the
        // submit); only an answer that cannot be read refuses it. A workbook marked for submission must satisfy them all.
        var refusing = answers.Submit ? validation.Errors : validation.AnswerErrors;
        var problems = answers.Problems
            .Select(p => new ReportProblem(p.Sheet, p.Cell, p.FieldId, p.Code, p.Message))
            .Concat(refusing.Where(e => !cellFields.Contains(e.FieldId)).Select(e => AtCell(layout, e)))
            .ToList();
        if (validation.Values.Count == 0 && problems.Count == 0)
        {
            problems.Add(General("empty-workbook", "The workbook has no answers at all, so there is nothing to store. Fill in the yellow cells and upload it again."));
        }
        if (problems.Count > 0) return Rejected(name, answers, problems, Warnings(layout, validation.Warnings, answers));

        var change = new CheckedChange(validation, answers.Confirmations.Keys.ToList(), current?.ETag, Source: AuditSource(name, answers));
        var outcome = answers.Submit
            ? await returns.SubmitAsync(actor, change, ct)
            : await returns.SaveDraftAsync(actor, change, ct);
        return outcome switch
        {
            ReturnOutcome.Done done => Accepted(name, answers, done.Return, Warnings(layout, validation.Warnings, answers),
                [.. done.SubmitProblems.Select(i => AtCell(layout, i))]),
            ReturnOutcome.Invalid invalid => Rejected(name, answers,
                [.. invalid.Issues.Where(i => i.Severity == IssueSeverity.Error).Select(i => AtCell(layout, i)),
                 .. Warnings(layout, invalid.Issues.Where(i => i.Severity == IssueSeverity.Warning).ToList(), answers)],
                Warnings(layout, validation.Warnings, answers)),
            ReturnOutcome.Conflict conflict => Rejected(name, answers, [MovedOn(answers.Origin.Revision, conflict.Current)]),
            _ => Rejected(name, answers, [General(Message(outcome))]),
        };
    }

    /// <summary>
    /// The return has moved on since the workbook was made: if the one revision after it is this upload's own
    /// (a run that stored the return and died before its report), the upload was applied already.
    /// </summary>
    private async Task<ValidationReport?> AppliedAlreadyAsync(UploadName name, WorkbookAnswers answers, ServiceReturn current, CancellationToken ct)
    {
        if (current.Revision != answers.Origin.Revision + 1) return null;
        var history = await store.HistoryAsync(name.Year, name.ServiceId, ct);
        var entry = history.FirstOrDefault(h => h.Revision == current.Revision);
        if (entry?.Source is not { } source || !source.StartsWith(AuditPrefix(name), StringComparison.Ordinal)) return null;
        return Accepted(name, answers, current, []);
    }

    private static string AuditPrefix(UploadName name) => $"Workbook upload {name.UploadId}";

    /// <summary>The audit row's source (a service gives no reason; reasons are NPPN's): the upload, and each warning it confirmed with the explanation in its cell.</summary>
    private static string AuditSource(UploadName name, WorkbookAnswers answers) => ReturnChange.SourceOf(AuditPrefix(name), answers.Confirmations);

    private static ReportProblem MovedOn(int madeFrom, ServiceReturn? current) => General("return-moved-on",
        $"Your return has changed since this workbook was made: the workbook was made from revision {madeFrom}, and the return is now at revision {current?.Revision ?? 0}" +
        (current is null ? "" : $" (saved by {current.UpdatedBy} at {current.UpdatedAt:yyyy-MM-dd HH:mm} UTC)") +
        ". Nothing was changed, so that neither change is lost. Download a new workbook (it carries the current answers), make your changes there, and upload it.");

    private static ReportProblem AtCell(WorkbookLayout layout, ValidationIssue issue)
    {
        var cells = layout.CellsOf(issue.FieldId);
        var cell = cells.Count > 0 ? cells[0] : null;
        return new ReportProblem(cell?.Sheet, cell?.Reference, issue.FieldId, issue.Code, issue.Message);
    }

    private static IReadOnlyList<ReportProblem> Warnings(WorkbookLayout layout, IReadOnlyList<ValidationIssue> warnings, WorkbookAnswers answers) =>
        warnings.Select(w =>
        {
            var check = layout.Checks.FirstOrDefault(c => c.Rule.Id == w.Code);
            var confirmed = answers.Confirmations.ContainsKey(w.Code);
            var message = confirmed ? $"{w.Message} Confirmed on the Checks sheet." : w.Message;
            return check is null
                ? AtCell(layout, w with { Message = message })
                : new ReportProblem(WorkbookLayout.ChecksSheet, check.ConfirmReference, w.FieldId, w.Code, message);
        }).ToList();

    private static string Message(ReturnOutcome outcome) => outcome switch
    {
        ReturnOutcome.Refused r => r.Message,
        ReturnOutcome.Forbidden f => f.Message,
        ReturnOutcome.NotFound n => n.Message,
        ReturnOutcome.Conflict c => c.Message,
        ReturnOutcome.Invalid i => i.Summary,
        _ => "The return could not be changed.",
    };

    private static ReportProblem General(string message) => General("refused", message);

    private static ReportProblem General(string code, string message) => new(null, null, null, code, message);

    private ValidationReport Report(UploadName name, UploadStatus status, string summary) => new()
    {
        UploadId = name.UploadId, Year = name.Year, ServiceId = name.ServiceId, Status = status, Summary = summary, UpdatedAt = clock.GetUtcNow(),
    };

    private ValidationReport Rejected(UploadName name, WorkbookAnswers? answers, IReadOnlyList<ReportProblem> problems, IReadOnlyList<ReportProblem>? warnings = null)
    {
        var cells = problems.Count(p => p.Cell is not null);
        var summary = cells > 0
            ? $"{problems.Count} problem(s) to correct, listed by sheet and cell; nothing was changed. Correct them in the workbook and upload it again."
            : $"The workbook was not accepted; nothing was changed. {problems[0].Message}";
        return Report(name, UploadStatus.Rejected, summary) with
        {
            Problems = problems, Warnings = warnings ?? [], WorkbookRevision = answers?.Origin.Revision,
        };
    }

    private ValidationReport Accepted(UploadName name, WorkbookAnswers answers, ServiceReturn stored, IReadOnlyList<ReportProblem> warnings,
        IReadOnlyList<ReportProblem>? toSubmit = null)
    {
        var action = stored.Status == ReturnStatus.Submitted ? "submit" : "save-draft";
        var unconfirmed = warnings.Count(w => !answers.Confirmations.ContainsKey(w.Code));
        var stillToDo = action == "submit" ? [] : toSubmit ?? [];
        var summary = action == "submit"
            ? $"The workbook was accepted and your return submitted (revision {stored.Revision})."
            : $"The workbook was accepted and saved as your draft return (revision {stored.Revision})." +
              (stillToDo.Count > 0 ? $" {stillToDo.Count} answer(s) need giving or correcting before you can submit it; they are listed by sheet and cell." : "") +
              (unconfirmed > 0 ? $" {unconfirmed} change(s) against last year must be confirmed before you submit." : "");
        return Report(name, UploadStatus.Accepted, summary) with
        {
            Warnings = warnings, ToSubmit = stillToDo, WorkbookRevision = answers.Origin.Revision, StoredRevision = stored.Revision, Action = action,
        };
    }
}
