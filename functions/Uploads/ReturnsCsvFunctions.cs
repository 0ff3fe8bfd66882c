using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Pps.Core.Intake;
using Pps.Functions.Http;
using Pps.Core.Catalogue;

namespace Pps.Functions.Uploads;

/// <summary>
/// NPPN's bulk load of a year's returns from CSV (the body, text/csv), all or nothing. <c>?mode=merge</c> changes
/// only the columns the file carries; by default each row replaces its return and the file must carry every field.
/// <c>?reason=</c> is NPPN's reason for the audit (why the load is made). Service credentials get 403.
/// </summary>
public sealed class ReturnsCsvFunctions(ReturnsImport import, ServiceCatalogue services, PpsAuthenticator auth)
{
    /// <summary>A CSV of every service's return is about 50 KiB; 2 MiB leaves room for long comments.</summary>
    public const int MaxBytes = 2 * 1024 * 1024;

    [Function("ImportReturnsCsv")]
    public async Task<IActionResult> Import(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "years/{year:int}/returns/import")] HttpRequest request, int year, CancellationToken ct)
    {
        var access = await auth.ForNppnAsync(request, ct);
        if (access.Caller is not { } caller) return access.Denied!;
        var previewText = request.Query["preview"].ToString();
        if (previewText is not ("" or "true" or "false"))
        {
            return Problems.BadRequest($"preview must be true or false (\"{previewText}\" given): true checks the file and says what it would change, storing nothing.");
        }
        var preview = previewText == "true";
        var modeText = request.Query["mode"].ToString();
        ReturnsCsvMode mode;
        switch (modeText)
        {
            case "" or "replace": mode = ReturnsCsvMode.Replace; break;
            case "merge": mode = ReturnsCsvMode.Merge; break;
            default: return Problems.BadRequest($"The mode \"{modeText}\" is not known: leave it out (each row replaces its return, and the file carries every field) or send mode=merge (only the columns given change).");
        }
        var body = await RequestBody.ReadTextAsync(request, "text/csv", ct, MaxBytes);
        if (body.Value is not { } csv) return body.Failure!;
        var reason = request.Query["reason"].ToString();
        var result = await import.ImportAsync(year, new StringReader(csv), "HTTP upload", mode, ct, caller.Actor, preview, reason);
        if (preview && result.Failure is ReturnsImportFailure.None or ReturnsImportFailure.Invalid)
        {
            return new JsonResponse(StatusCodes.Status200OK, ReturnsImportPreviewDocument.From(year, mode, result, services));
        }
        if (result.Succeeded)
        {
            return new JsonResponse(StatusCodes.Status200OK, new { imported = result.Imported, unchanged = result.Unchanged, batch = result.Batch });
        }
        var problems = result.Problems.Select(p => new { line = p.Line, column = p.Column, message = p.Message }).ToList();
        var extensions = new Dictionary<string, object?> { ["imported"] = result.Imported };
        var counted = Problems.Counted(problems.Count, "problem");
        return result.Failure switch
        {
            ReturnsImportFailure.NoDefinition => Problems.NotFound(result.Problems[0].Message),
            ReturnsImportFailure.Unreadable => Problems.Listing(StatusCodes.Status400BadRequest, "The CSV could not be read; nothing was stored.",
                $"{counted}, each by line and column.{(result.Problems.Any(p => p.Message.Contains("is missing (a file that replaces returns", StringComparison.Ordinal)) ? " Each row replaces its return, so the file must have a column for every field (empty for no answer), or no answer it leaves out would be kept. To change only the columns the file has, send it with ?mode=merge." : "")}",
                "problems", problems, extensions),
            _ => Problems.Listing(StatusCodes.Status422UnprocessableEntity,
                result.Imported == 0 ? "The CSV was not loaded; nothing was stored." : "The load stopped part-way.",
                $"{counted}, each by line and column.", "problems", problems, extensions),
        };
    }
}

/// <summary>
/// What a load would do, storing nothing: each row's change (new, changed with each field from and to, unchanged), the
/// year-on-year warnings to confirm (put their codes in the confirmed_warnings column), and every problem that would
/// refuse it. <c>canImport</c>: the same file, sent without ?preview, would load.
/// </summary>
public sealed record ReturnsImportPreviewDocument(
    int Year, string Mode, bool CanImport, int New, int Changed, int Unchanged, IReadOnlyList<ReturnsImportPreviewDocument.Row> Rows,
    IReadOnlyList<ReturnsImportPreviewDocument.Problem> Problems, int MoreProblems)
{
    public sealed record FieldChangeDocument(string FieldId, string? From, string? To);

    public sealed record WarningDocument(string FieldId, string Code, string Message);

    public sealed record Row(int Line, int ServiceId, string Name, string Change, IReadOnlyList<FieldChangeDocument> FieldsChanged,
        IReadOnlyList<WarningDocument> WarningsToConfirm, IReadOnlyList<string> Confirmed);

    public sealed record Problem(int Line, string Column, string Message);

    public static ReturnsImportPreviewDocument From(int year, ReturnsCsvMode mode, ReturnsImportResult result, ServiceCatalogue services) => new(
        year, mode == ReturnsCsvMode.Merge ? "merge" : "replace", result.Succeeded,
        result.Preview.Count(r => r.Change == ReturnsImportRowPreview.New), result.Preview.Count(r => r.Change == ReturnsImportRowPreview.Changed),
        result.Preview.Count(r => r.Change == ReturnsImportRowPreview.Unchanged),
        result.Preview.Select(r => new Row(r.Line, r.ServiceId, services.NameOf(r.ServiceId), r.Change,
            r.FieldsChanged.Select(c => new FieldChangeDocument(c.FieldId, c.From, c.To)).ToList(),
            r.WarningsToConfirm.Select(w => new WarningDocument(w.FieldId, w.Code, w.Message)).ToList(), r.Confirmed)).ToList(),
        result.Problems.Take(Http.Problems.MaxListed).Select(p => new Problem(p.Line, p.Column, p.Message)).ToList(),
        Math.Max(0, result.Problems.Count - Http.Problems.MaxListed));
}
