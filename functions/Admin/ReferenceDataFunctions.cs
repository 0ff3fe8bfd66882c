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
    public async Task<IActionResult> Import(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "reference-data")] HttpRequest request, CancellationToken ct)
    {
        var access = await auth.ForNppnAsync(request, ct);
        if (access.Caller is null) return access.Denied!;
        var body = await RequestBody.ReadCsvAsync(request, ct);
        if (body.Value is not { } csv) return body.Failure!;
        var result = await reference.ImportCsvAsync(new StringReader(csv), ct);
        return result.Succeeded
            ? new JsonResponse(StatusCodes.Status200OK, new ReferenceImportDocument(result.Data!.Rows.Count(), result.Data.Rows.Select(r => r.Year).Distinct().Order().ToList()))
            : Rejected(result.Problems);
    }

    /// <summary>service_id, neighbour_id; replaces the whole list.</summary>
    [Function("ImportStatisticalNeighbours")]
    public async Task<IActionResult> ImportNeighbours(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "reference-data/neighbours")] HttpRequest request, CancellationToken ct)
    {
        var access = await auth.ForNppnAsync(request, ct);
        if (access.Caller is null) return access.Denied!;
        var body = await RequestBody.ReadCsvAsync(request, ct);
        if (body.Value is not { } csv) return body.Failure!;
        var result = await reference.ImportNeighboursCsvAsync(new StringReader(csv), ct);
        return result.Problems.Count == 0
            ? new JsonResponse(StatusCodes.Status200OK, new NeighboursImportDocument(result.Neighbours!.Count, result.Neighbours.Values.Sum(n => n.Count)))
            : Rejected(result.Problems);
    }

    private static JsonResponse Rejected(IReadOnlyList<ImportProblem> problems) =>
        Problems.Of(StatusCodes.Status422UnprocessableEntity, "Some rows need correcting.",
            $"Nothing was imported: {problems.Count} problem(s).",
            new Dictionary<string, object?> { ["problems"] = problems.Select(ImportProblemDocument.From).ToList() });
}
