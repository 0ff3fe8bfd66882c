using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Pps.Core.Definition;
using Pps.Core.Storage;
using Pps.Functions.Http;

namespace Pps.Functions.Definitions;

/// <summary>The year's return definition, which the web form is drawn from. Public: it holds no data.</summary>
public sealed class GetReturnDefinition(IDefinitionCatalog definitions)
{
    [Function(nameof(GetReturnDefinition))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "definitions/{year:int}")] HttpRequest request, int year, CancellationToken ct = default) =>
        await definitions.FindAsync(year, ct) is { } definition
            ? new JsonResponse(StatusCodes.Status200OK, DefinitionDocument.From(definition))
            : await DefinitionResults.NotFoundAsync(definitions, year, ct);
}

/// <summary>
/// NPPN's side of the definitions: the document itself (the JSON that is published, to copy into next year's),
/// and publishing a year's document before the year opens.
/// </summary>
public sealed class DefinitionFunctions(IDefinitionCatalog definitions, DefinitionStore store, PpsAuthenticator auth)
{
    /// <summary>The year's definition as its JSON document (docs/schema/return-definition.schema.json): copy it to make next year's.</summary>
    [Function("GetReturnDefinitionDocument")]
    public async Task<IActionResult> Document(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "definitions/{year:int}/document")] HttpRequest request, int year, CancellationToken ct)
    {
        if (await definitions.FindAsync(year, ct) is not { } definition) return await DefinitionResults.NotFoundAsync(definitions, year, ct);
        return new ContentResult { StatusCode = StatusCodes.Status200OK, ContentType = "application/json; charset=utf-8", Content = DefinitionJson.Write(definition) };
    }

    /// <summary>
    /// Checks a document as publishing it would, storing nothing (NPPN): 200 with the definition as the form reads it
    /// (the console previews the form from it), or 422 with each problem by its place in the document.
    /// </summary>
    [Function("CheckReturnDefinition")]
    public async Task<IActionResult> Check(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "definitions/{year:int}/check")] HttpRequest request, int year, CancellationToken ct)
    {
        var access = await auth.ForNppnAsync(request, ct);
        if (access.Caller is null) return access.Denied!;
        var body = await RequestBody.ReadJsonTextAsync(request, ct);
        if (body.Value is not { } json) return body.Failure!;
        return DefinitionStore.Check(year, json) switch
        {
            DefinitionOutcome.Published p => new JsonResponse(StatusCodes.Status200OK, DefinitionDocument.From(p.Definition)),
            DefinitionOutcome.Invalid i => Problems.Invalid(i.Summary, i.Issues),
            var other => throw new InvalidOperationException($"Unhandled outcome {other.GetType().Name}."),
        };
    }

    /// <summary>Publishes a year's definition (NPPN): the whole document, checked against the schema; refused once the year has opened.</summary>
    [Function("PublishReturnDefinition")]
    public async Task<IActionResult> Publish(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "definitions/{year:int}")] HttpRequest request, int year, CancellationToken ct)
    {
        var access = await auth.ForNppnAsync(request, ct);
        if (access.Caller is not { } caller) return access.Denied!;
        var body = await RequestBody.ReadJsonTextAsync(request, ct);
        if (body.Value is not { } json) return body.Failure!;
        return await store.PublishAsync(caller.Actor, year, json, ct) switch
        {
            DefinitionOutcome.Published p => new JsonResponse(p.Created ? StatusCodes.Status201Created : StatusCodes.Status200OK, DefinitionDocument.From(p.Definition))
                .WithHeader("Location", $"/api/definitions/{year}"),
            DefinitionOutcome.Invalid i => Problems.Invalid(i.Summary, i.Issues),
            DefinitionOutcome.Forbidden f => Problems.Forbidden(f.Message),
            DefinitionOutcome.Refused r => Problems.Conflict(r.Message),
            DefinitionOutcome.Conflict c => Problems.Of(StatusCodes.Status412PreconditionFailed, "The definition was published by someone else meanwhile.", c.Message),
            var other => throw new InvalidOperationException($"Unhandled outcome {other.GetType().Name}."),
        };
    }
}

internal static class DefinitionResults
{
    public static async Task<JsonResponse> NotFoundAsync(IDefinitionCatalog definitions, int year, CancellationToken ct) =>
        Problems.NotFound($"No return is defined for {year}. Return definitions exist for {string.Join(", ", await definitions.YearsAsync(ct))}.");
}
