using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Pps.Core.Intake;
using Pps.Functions.Http;

namespace Pps.Functions.Uploads;

/// <summary>NPPN's bulk load of a year's returns from CSV (the body), all or nothing. Service credentials get 403.</summary>
public sealed class ReturnsCsvFunctions(ReturnsImport import, PpsAuthenticator auth)
{
    /// <summary>A CSV of every service's return is about 50 KiB; 2 MiB leaves room for long comments.</summary>
    public const int MaxBytes = 2 * 1024 * 1024;

    [Function("ImportReturnsCsv")]
    public async Task<IActionResult> Import(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "years/{year:int}/returns/import")] HttpRequest request, int year, CancellationToken ct)
    {
        var access = await auth.ForNppnAsync(request, ct);
        if (access.Caller is null) return access.Denied!;
        if (request.ContentLength > MaxBytes) return Problems.TooLarge(MaxBytes);
        var body = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, ct)) > 0)
        {
            if (body.Length + read > MaxBytes) return Problems.TooLarge(MaxBytes);
            body.Write(buffer, 0, read);
        }
        body.Position = 0;
        using var text = new StreamReader(body, Encoding.UTF8);
        var result = await import.ImportAsync(year, text, "HTTP upload", ct);
        if (!result.Succeeded)
        {
            return Problems.Of(StatusCodes.Status422UnprocessableEntity,
                result.Imported == 0 ? "The CSV was not loaded; nothing was stored." : "The load stopped part-way.",
                $"{result.Problems.Count} problem(s), each by line and column.",
                new Dictionary<string, object?>
                {
                    ["problems"] = result.Problems.Select(p => new { line = p.Line, column = p.Column, message = p.Message }).ToList(),
                    ["imported"] = result.Imported,
                });
        }
        return new JsonResponse(StatusCodes.Status200OK, new { imported = result.Imported, unchanged = result.Unchanged, batch = result.Batch });
    }
}
