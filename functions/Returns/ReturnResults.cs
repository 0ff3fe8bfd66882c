using Microsoft.AspNetCore.Http;
using Pps.Core.Definition;
using Pps.Core.Returns;
using Pps.Functions.Http;
using Pps.Core.Catalogue;

namespace Pps.Functions.Returns;

/// <summary>Maps what the core made of a request about a return to its HTTP response.</summary>
public static class ReturnResults
{
    /// <summary>The response, with each return it shows typed by its year's definition (from the catalog).</summary>
    public static async Task<JsonResponse> FromAsync(ReturnOutcome outcome, string? ifMatchSent, IDefinitionCatalog definitions, ServiceCatalogue services, CancellationToken ct)
    {
        var forms = new Dictionary<int, ReturnDefinition?>();
        foreach (var year in YearsShown(outcome).Distinct()) forms[year] = await definitions.FindAsync(year, ct);
        return From(outcome, ifMatchSent, year => forms.GetValueOrDefault(year), services);
    }

    /// <summary>The response to an outcome that shows no return (a refusal).</summary>
    public static JsonResponse Refusal(ReturnOutcome outcome) =>
        YearsShown(outcome).Any() ? throw new ArgumentException("The outcome shows a return: map it with FromAsync.", nameof(outcome)) : From(outcome, null, _ => null, new ServiceCatalogue([])); // a refusal names no service

    private static IEnumerable<int> YearsShown(ReturnOutcome outcome) => outcome switch
    {
        ReturnOutcome.Viewed v => new[] { v.View.Current?.Year, v.View.LastYear?.Year }.OfType<int>(),
        ReturnOutcome.Done d => [d.Return.Year],
        ReturnOutcome.Conflict { Current: { } current } => [current.Year],
        _ => [],
    };

    private static JsonResponse From(ReturnOutcome outcome, string? ifMatchSent, Func<int, ReturnDefinition?> forms, ServiceCatalogue services) => outcome switch
    {
        ReturnOutcome.Viewed v => Ok(ReturnDocument.From(v.View, forms, services)),
        ReturnOutcome.Done d => Ok(ReturnDocument.From(d.Return, d.UnconfirmedWarnings, forms, services) with { ToSubmit = d.SubmitProblems.Select(IssueDocument.From).ToList() }),
        ReturnOutcome.Invalid i => Problems.Invalid(i.Summary, i.Issues),
        ReturnOutcome.Conflict c when ifMatchSent is null && c.Current is not null => Problems.Of(
            StatusCodes.Status428PreconditionRequired, "Send the version you read.",
            "This return exists already: send its ETag in an If-Match header, so that no one's change is lost. The current version is attached.",
            Current(c.Current, forms, services)),
        ReturnOutcome.Conflict c => Problems.Of(StatusCodes.Status412PreconditionFailed, "The return was changed since you read it.", c.Message, Current(c.Current, forms, services)),
        ReturnOutcome.Forbidden f => Problems.Forbidden(f.Message),
        ReturnOutcome.Refused r => Problems.Conflict(r.Message),
        ReturnOutcome.NotFound n => Problems.NotFound(n.Message),
        _ => throw new InvalidOperationException($"Unhandled outcome {outcome.GetType().Name}."),
    };

    /// <summary>The If-Match header as sent (the ETag the writer read), or null.</summary>
    public static string? IfMatch(HttpRequest request)
    {
        var value = request.Headers.IfMatch.ToString().Trim();
        return value.Length == 0 ? null : value;
    }

    private static JsonResponse Ok(ReturnDocument document) =>
        new JsonResponse(StatusCodes.Status200OK, document).WithHeader("ETag", document.ETag);

    private static Dictionary<string, object?> Current(ServiceReturn? current, Func<int, ReturnDefinition?> forms, ServiceCatalogue services) => new()
    {
        ["current"] = current is null ? null : ReturnDocument.From(current, [], forms, services),
    };
}
