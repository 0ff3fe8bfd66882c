using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Pps.Core.Uploads;
using Pps.Functions.Http;

namespace Pps.Functions.Uploads;

/// <summary>
/// A service's return workbook over HTTP: download the template (prefilled with the stored return), upload it
/// filled in, read the report of an upload. The upload is stored under a name the server chooses; the
/// blob-triggered <see cref="ValidateUploadedWorkbook"/> checks it and writes the report.
/// </summary>
public sealed class WorkbookFunctions(WorkbookIntake intake, PpsAuthenticator auth)
{
    private const string Route = "workbooks/{year:int}/{serviceId:int}";

    [Function("GetReturnWorkbook")]
    public async Task<IActionResult> Template(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Route)] HttpRequest request, int year, int serviceId, CancellationToken ct)
    {
        var access = await auth.ForServiceAsync(request, year, serviceId, ct);
        if (access.Caller is not { } caller) return access.Denied!;
        return WorkbookResults.From(await intake.TemplateAsync(caller.Actor, year, serviceId, ct), $"{year}", $"{serviceId}");
    }

    /// <summary>The body is the .xlsx file itself (at most 10 MiB, enforced while it streams in).</summary>
    [Function("UploadReturnWorkbook")]
    public async Task<IActionResult> Upload(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Route + "/uploads")] HttpRequest request, int year, int serviceId, CancellationToken ct)
    {
        var access = await auth.ForServiceAsync(request, year, serviceId, ct);
        if (access.Caller is not { } caller) return access.Denied!;
        return WorkbookResults.From(await intake.StoreAsync(caller.Actor, year, serviceId, request.Body, request.ContentLength, ct), $"{year}", $"{serviceId}");
    }

    [Function("GetWorkbookReport")]
    public async Task<IActionResult> Report(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Route + "/uploads/{uploadId}")] HttpRequest request,
        int year, int serviceId, string uploadId, CancellationToken ct)
    {
        var access = await auth.ForServiceAsync(request, year, serviceId, ct);
        if (access.Caller is not { } caller) return access.Denied!;
        return WorkbookResults.From(await intake.ReportAsync(caller.Actor, year, serviceId, uploadId, ct), $"{year}", $"{serviceId}");
    }
}
