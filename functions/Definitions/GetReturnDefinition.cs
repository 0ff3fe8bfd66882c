using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Pps.Core.Definition;

namespace Pps.Functions.Definitions;

/// <summary>The year's return definition, which the web form is drawn from. Public: it holds no data.</summary>
public sealed class GetReturnDefinition
{
    [Function(nameof(GetReturnDefinition))]
    public IActionResult Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "definitions/{year:int}")] HttpRequest request, int year) =>
        ReturnDefinitions.Years.Contains(year)
            ? new OkObjectResult(DefinitionDocument.From(ReturnDefinitions.For(year)))
            : new NotFoundObjectResult(new ProblemDetails
            {
                Status = StatusCodes.Status404NotFound,
                Title = "No return is defined for that year.",
                Detail = $"Return definitions exist for {string.Join(", ", ReturnDefinitions.Years)}.",
            });
}
