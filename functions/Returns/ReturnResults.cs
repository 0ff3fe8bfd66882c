using Microsoft.AspNetCore.Http;
using Pps.Core.Returns;
using Pps.Functions.Http;

namespace Pps.Functions.Returns;

/// <summary>Maps what the core made of a request about a return to its HTTP response.</summary>
public static class ReturnResults
{
    public static JsonResponse From(ReturnOutcome outcome, string? ifMatchSent) => outcome switch
    {
        ReturnOutcome.Viewed v => Ok(ReturnDocument.From(v.View)),
        ReturnOutcome.Done d => Ok(ReturnDocument.From(d.Return, d.UnconfirmedWarnings)),
        ReturnOutcome.Invalid i => Problems.Invalid(i.Summary, i.Issues),
        ReturnOutcome.Conflict c when ifMatchSent is null && c.Current is not null => Problems.Of(
            StatusCodes.Status428PreconditionRequired, "Send the version you read.",
            "This return exists already: send its ETag in an If-Match header, so that no one's change is lost. The current version is attached.",
            Current(c.Current)),
        ReturnOutcome.Conflict c => Problems.Of(StatusCodes.Status412PreconditionFailed, "The return was changed since you read it.", c.Message, Current(c.Current)),
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

    private static Dictionary<string, object?> Current(ServiceReturn? current) => new()
    {
        ["current"] = current is null ? null : ReturnDocument.From(current, []),
    };
}
