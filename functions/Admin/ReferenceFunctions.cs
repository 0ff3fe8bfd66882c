using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Pps.Core.Reference;
using Pps.Core.Returns;
using Pps.Core.Storage;
using Pps.Functions.Http;

namespace Pps.Functions.Admin;

/// <summary>
/// NPPN's imports over HTTP, the same as the cli's: reference data (service_id, year, region, population_0_19,
/// sen_pupils, fsm_pupils, optional source) and statistical neighbours (service_id, neighbour_id), each a
/// text/csv body. All or nothing: a file with any bad row stores nothing and every bad row is listed (422).
/// </summary>
public sealed class ReferenceFunctions(ReferenceDataStore reference, PpsAuthenticator auth)
{
    [Function("ImportReferenceData")]
    public async Task<IActionResult> ImportReference(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "reference-data")] HttpRequest request, CancellationToken ct) =>
        await ImportAsync(request, async (csv, preview) =>
        {
            if (preview)
            {
                var (parsed, changes) = await reference.PreviewCsvAsync(new StringReader(csv), ct);
                return (parsed.Problems, changes is null ? null : new ImportPreviewDocument("reference-data", parsed.Data!.Rows.Count(), changes));
            }
            var result = await reference.ImportCsvAsync(new StringReader(csv), ct);
            return (result.Problems, new ImportedDocument("reference-data", result.Data?.Rows.Count() ?? 0, []));
        }, ct);

    [Function("ImportStatisticalNeighbours")]
    public async Task<IActionResult> ImportNeighbours(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "statistical-neighbours")] HttpRequest request, CancellationToken ct) =>
        await ImportAsync(request, async (csv, preview) =>
        {
            if (preview)
            {
                var (parsed, changes) = await reference.PreviewNeighboursCsvAsync(new StringReader(csv), ct);
                return (parsed.Problems, changes is null ? null : new ImportPreviewDocument("statistical-neighbours", parsed.Neighbours!.Count, changes));
            }
            var result = await reference.ImportNeighboursCsvAsync(new StringReader(csv), ct);
            return (result.Problems, new ImportedDocument("statistical-neighbours", result.Neighbours?.Count ?? 0, []));
        }, ct);

    private async Task<IActionResult> ImportAsync(
        HttpRequest request, Func<string, bool, Task<(IReadOnlyList<ImportProblem> Problems, object? Imported)>> import, CancellationToken ct)
    {
        var access = await auth.ForNppnAsync(request, ct);
        if (access.Caller is null) return access.Denied!;
        // ?preview=true: what the load would change, storing nothing (bad rows are refused as by the load).
        var preview = request.Query["preview"].ToString();
        if (preview is not ("" or "true" or "false"))
        {
            return Problems.BadRequest($"preview must be true or false (\"{preview}\" given): true checks the file and says what it would change, storing nothing.");
        }
        var body = await RequestBody.ReadTextAsync(request, "text/csv", ct);
        if (body.Value is not { } csv) return body.Failure!;
        try
        {
            var (problems, imported) = await import(csv, preview == "true");
            return problems.Count == 0
                ? new JsonResponse(StatusCodes.Status200OK, imported)
                : Problems.Listing(StatusCodes.Status422UnprocessableEntity, "The file was not imported.",
                    $"{Problems.Counted(problems.Count, "row problem")}; nothing was stored. Correct them and send the whole file again.",
                    "rows", problems.Select(p => new RowProblemDocument(p.Line, p.Column, p.Message)).ToList());
        }
        catch (ConcurrencyConflictException e)
        {
            return Problems.Conflict(e.Message);
        }
    }
}

/// <summary>What an import stored: how many rows (reference data) or services (neighbours).</summary>
public sealed record ImportedDocument(string Kind, int Count, IReadOnlyList<RowProblemDocument> Rows);

/// <summary>
/// What an import would change (?preview=true), nothing stored: the rows the file holds (reference rows, or services with
/// neighbours), the years it replaces (reference data), and each row it adds, changes (figure by figure) or removes.
/// </summary>
public sealed record ImportPreviewDocument(string Kind, int Count, IReadOnlyList<int> Years, int New, int Changed, int Removed, int Unchanged, IReadOnlyList<ReferenceRowChange> Rows)
{
    public ImportPreviewDocument(string kind, int count, ReferenceChanges changes)
        : this(kind, count, changes.Years, changes.New, changes.Changed, changes.Removed, changes.Unchanged, changes.Rows)
    {
    }
}

/// <summary>One bad row of an imported CSV: its line (the header is line 1), the column and what is wrong.</summary>
public sealed record RowProblemDocument(int Line, string Column, string Message);
