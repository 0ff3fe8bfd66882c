using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Pps.Core.Definition;

namespace Pps.Functions.Http;

/// <summary>A field's problem as the API reports it.</summary>
public sealed record IssueDocument(string Field, string Code, string Message)
{
    public static IssueDocument From(ValidationIssue issue) => new(issue.FieldId, issue.Code, issue.Message);
}

/// <summary>RFC 7807 problem details (application/problem+json), in words a PPS officer understands.</summary>
public static class Problems
{
    public const string ContentType = "application/problem+json; charset=utf-8";

    public static JsonResponse Of(int status, string title, string? detail = null, IReadOnlyDictionary<string, object?>? extensions = null)
    {
        var problem = new ProblemDetails
        {
            Type = $"https://httpstatuses.io/{status}",
            Title = title,
            Status = status,
            Detail = detail,
        };
        foreach (var (key, value) in extensions ?? new Dictionary<string, object?>()) problem.Extensions[key] = value;
        return new JsonResponse(status, problem, ContentType);
    }

    /// <summary>
    /// The most problems an answer lists: enough to correct a file in one pass, and an answer stays a few KiB however
    /// bad the request (100,000 bad rows once answered 8.5 MB). The answer says how many more there are.
    /// </summary>
    public const int MaxListed = 100;

    /// <summary>
    /// Problem details listing at most <see cref="MaxListed"/> items under <paramref name="listName"/>, and
    /// "more{ListName}" with how many were left out (0 when none were).
    /// </summary>
    public static JsonResponse Listing<T>(int status, string title, string detail, string listName, IReadOnlyCollection<T> items,
        IReadOnlyDictionary<string, object?>? extensions = null)
    {
        var all = new Dictionary<string, object?>(extensions ?? new Dictionary<string, object?>())
        {
            [listName] = items.Take(MaxListed).ToList(),
            ["more" + char.ToUpperInvariant(listName[0]) + listName[1..]] = Math.Max(0, items.Count - MaxListed),
        };
        return Of(status, title, detail, all);
    }

    /// <summary>How many problems there are, in words, and that only the first ones are listed when that is so.</summary>
    public static string Counted(int count, string what) => count > MaxListed
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{count:N0} {what}(s); the first {MaxListed} are listed")
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{count:N0} {what}(s)");

    public static JsonResponse BadRequest(string detail) => Of(StatusCodes.Status400BadRequest, "The request could not be read.", detail);

    public static JsonResponse Unauthorized(string detail) =>
        Of(StatusCodes.Status401Unauthorized, "Sign-in needed.", detail).WithHeader("WWW-Authenticate", "Bearer");

    public static JsonResponse Forbidden(string detail) => Of(StatusCodes.Status403Forbidden, "Not allowed.", detail);

    public static JsonResponse NotFound(string detail) => Of(StatusCodes.Status404NotFound, "Not found.", detail);

    public static JsonResponse Conflict(string detail) => Of(StatusCodes.Status409Conflict, "This cannot be done now.", detail);

    public static JsonResponse TooLarge(long limit) =>
        Of(StatusCodes.Status413PayloadTooLarge, "The request is too large.", $"A request body may be at most {limit / 1024 / 1024} MiB.");

    public static JsonResponse UnsupportedMediaType(string? given) =>
        Of(StatusCodes.Status415UnsupportedMediaType, "Send JSON.",
            $"The body must be sent as application/json{(string.IsNullOrEmpty(given) ? " (no Content-Type was given)" : $", not {given}")}.");

    public static JsonResponse UnsupportedMediaType(string? given, string expected) =>
        Of(StatusCodes.Status415UnsupportedMediaType, $"Send {expected}.",
            $"The body must be sent as {expected}{(string.IsNullOrEmpty(given) ? " (no Content-Type was given)" : $", not {given}")}.");

    /// <summary>422: every failing field with its messages, and the warnings (year-on-year changes) beside them.</summary>
    public static JsonResponse Invalid(string summary, IEnumerable<ValidationIssue> issues)
    {
        var list = issues.ToList();
        var fields = list.Where(i => i.Severity == IssueSeverity.Error).GroupBy(i => i.FieldId, StringComparer.Ordinal).ToList();
        var errors = fields.Take(MaxListed).ToDictionary(g => g.Key, g => g.Select(i => i.Message).ToArray(), StringComparer.Ordinal);
        var warnings = list.Where(i => i.Severity == IssueSeverity.Warning).Select(IssueDocument.From).ToList();
        var title = errors.Count > 0 ? "Some answers need correcting." : "Changes against last year must be confirmed before submitting.";
        var more = Math.Max(0, fields.Count - MaxListed);
        return Of(StatusCodes.Status422UnprocessableEntity, title,
            more == 0 ? summary : $"{summary} {Counted(fields.Count, "field")} with errors.",
            new Dictionary<string, object?>
            {
                ["errors"] = errors,
                ["moreErrors"] = more,
                ["warnings"] = warnings.Take(MaxListed).ToList(),
                ["moreWarnings"] = Math.Max(0, warnings.Count - MaxListed),
            });
    }
}
