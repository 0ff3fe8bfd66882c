using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Pps.Core.Reference;
using Pps.Core.Storage;
using Pps.Functions.Http;

namespace Pps.Functions.Admin;

public sealed record ImportProblemDocument(int Line, string Column, string Problem)
{
    public static ImportProblemDocument From(ImportProblem p) => new(p.Line, p.Column, p.Message);
}

/// <summary>What an import stored.</summary>
public sealed record ReferenceImportDocument(int Rows, IReadOnlyList<int> Years);

public sealed record NeighboursImportDocument(int Services, int Pairs);

/// <summary>
/// NPPN loads what it knows about the services' areas, as CSV (text/csv), through the same importers as the cli:
/// reference data per service and year, and statistical neighbours. All or nothing: any bad row means nothing is
/// stored, and the 422 lists every problem with its line (the header is line 1), column and what is wrong.
/// </summary>
public sealed class ReferenceDataFunctions(ReferenceDataStore reference, PpsAuthenticator auth)
{
    /// <summary>service_id, year, region, population_0_19, sen_pupils, fsm_pupils [, source]; replaces the years it holds.</summary>
    [Function("ImportReferenceData")]
    public Task<IActionResult> Import(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "reference-data")] HttpRequest request, CancellationToken ct) =>
        ImportAsync(request, async csv =>
        {
            var result = await reference.ImportCsvAsync(csv, ct);
            return (result.Problems, result.Succeeded
                ? new ReferenceImportDocument(result.Data!.Rows.Count(), result.Data.Rows.Select(r => r.Year).Distinct().Order().ToList())
                : null);
        }, ct);

    /// <summary>service_id, neighbour_id; replaces the whole list.</summary>
    [Function("ImportStatisticalNeighbours")]
    public Task<IActionResult> ImportNeighbours(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "reference-data/neighbours")] HttpRequest request, CancellationToken ct) =>
        ImportAsync(request, async csv =>
        {
            var result = await reference.ImportNeighboursCsvAsync(csv, ct);
            return (result.Problems, result.Neighbours is { } n && result.Problems.Count == 0
                ? new NeighboursImportDocument(n.Count, n.Values.Sum(list => list.Count))
                : null);
        }, ct);

    /// <summary>NPPN only; a text/csv body; 200 with what was stored, or 422 with every problem and nothing stored.</summary>
    private async Task<IActionResult> ImportAsync(
        HttpRequest request, Func<TextReader, Task<(IReadOnlyList<ImportProblem> Problems, object? Stored)>> import, CancellationToken ct)
    {
        var access = await auth.ForNppnAsync(request, ct);
        if (access.Caller is null) return access.Denied!;
        var body = await RequestBody.ReadCsvAsync(request, ct);
        if (body.Value is not { } csv) return body.Failure!;
        var (problems, stored) = await import(new StringReader(csv));
        return problems.Count > 0 ? Rejected(problems) : new JsonResponse(StatusCodes.Status200OK, stored!);
    }

    private static JsonResponse Rejected(IReadOnlyList<ImportProblem> problems) =>
        Problems.Of(StatusCodes.Status422UnprocessableEntity, "Some rows need correcting.",
            $"Nothing was imported: {problems.Count} problem(s).",
            new Dictionary<string, object?> { ["problems"] = problems.Select(ImportProblemDocument.From).ToList() });
}
