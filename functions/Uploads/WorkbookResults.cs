using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Pps.Core.Uploads;
using Pps.Functions.Http;
using Pps.Functions.Returns;

namespace Pps.Functions.Uploads;

/// <summary>Maps what the core made of a request about a workbook to its HTTP response.</summary>
public static class WorkbookResults
{
    public static IActionResult From(WorkbookOutcome outcome, string year, string serviceId) => outcome switch
    {
        WorkbookOutcome.File f => new FileResponse(f.Content, f.ContentType, f.FileName),
        WorkbookOutcome.Stored s => new JsonResponse(StatusCodes.Status202Accepted, new UploadDocument(
                s.Name.UploadId, ReportPath(year, serviceId, s.Name.UploadId), s.Queued.Status, s.Queued.Summary))
            .WithHeader("Location", ReportPath(year, serviceId, s.Name.UploadId)),
        WorkbookOutcome.Report r => new JsonResponse(StatusCodes.Status200OK, r.Value).WithHeader("Cache-Control", "no-store"),
        WorkbookOutcome.TooLarge t => Problems.Of(StatusCodes.Status413PayloadTooLarge, "The file is too large.",
            $"A workbook may be at most {t.MaxBytes / 1024 / 1024} MiB; the return template filled in is about 40 KiB. Nothing was stored."),
        WorkbookOutcome.Denied d => ReturnResults.Refusal(d.Outcome),
        _ => throw new InvalidOperationException($"Unhandled outcome {outcome.GetType().Name}."),
    };

    /// <summary>Where the service reads an upload's report (the API's own route, under /api).</summary>
    public static string ReportPath(string year, string serviceId, string uploadId) => $"/api/workbooks/{year}/{serviceId}/uploads/{uploadId}";
}

/// <summary>The answer to an upload: its id, where to read its report, and the report's status now.</summary>
public sealed record UploadDocument(string UploadId, string Report, UploadStatus Status, string Summary);
