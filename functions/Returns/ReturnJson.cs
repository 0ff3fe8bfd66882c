using System.Text.Json;
using Pps.Core.Catalogue;
using Pps.Core.Definition;
using Pps.Core.Returns;
using Pps.Functions.Http;

namespace Pps.Functions.Returns;

/// <summary>A return as the API shows it; values typed by the definition (numbers, yes/no, lists, text).</summary>
public sealed record ReturnDocument(
    int Year,
    int ServiceId,
    string ServiceName,
    ReturnState Status,
    int Revision,
    string? ETag,
    DateTimeOffset? UpdatedAt,
    string? UpdatedBy,
    DateTimeOffset? SubmittedAt,
    DateTimeOffset? ClosesFor,
    IReadOnlyDictionary<string, object> Values,
    IReadOnlyCollection<string> ConfirmedWarnings,
    IReadOnlyList<IssueDocument> Warnings,
    LastYearDocument? LastYear)
{
    /// <summary>What still stops the return being submitted: rules across fields it breaks and answers it lacks (warnings apart).</summary>
    public IReadOnlyList<IssueDocument> ToSubmit { get; init; } = [];

    /// <param name="forms">The definition of each year shown (<see cref="ReturnResults.FromAsync"/> finds them).</param>
    /// <param name="services">The key to services, for the service's name.</param>
    public static ReturnDocument From(
        ServiceReturn r, IReadOnlyList<ValidationIssue> warnings, Func<int, ReturnDefinition?> forms, ServiceCatalogue services, ServiceReturn? lastYear = null, DateTimeOffset? closesFor = null) => new(
        r.Year, r.ServiceId, services.Find(r.ServiceId)?.Name ?? "", Completeness.StateOf(r), r.Revision, r.ETag, r.UpdatedAt, r.UpdatedBy, r.SubmittedAt,
        closesFor, ReturnJson.ToJson(forms(r.Year), r.Values), r.ConfirmedWarnings.Order(StringComparer.Ordinal).ToList(),
        warnings.Select(IssueDocument.From).ToList(), LastYearDocument.From(lastYear, forms));

    public static ReturnDocument From(ReturnView view, Func<int, ReturnDefinition?> forms, ServiceCatalogue services)
    {
        var closes = view.CollectionYear.ClosesFor(view.ServiceId);
        var document = view.Current is { } current
            ? From(current, view.UnconfirmedWarnings, forms, services, view.LastYear, closes)
            : new(view.Year, view.ServiceId, services.Find(view.ServiceId)?.Name ?? "", ReturnState.NotStarted, 0, null, null, null, null,
                closes, new Dictionary<string, object>(), [], [], LastYearDocument.From(view.LastYear, forms));
        return document with { ToSubmit = view.SubmitProblems.Select(IssueDocument.From).ToList() };
    }
}

public sealed record LastYearDocument(int Year, ReturnState Status, IReadOnlyDictionary<string, object> Values)
{
    public static LastYearDocument? From(ServiceReturn? r, Func<int, ReturnDefinition?> forms) =>
        r is null ? null : new(r.Year, Completeness.StateOf(r), ReturnJson.ToJson(forms(r.Year), r.Values));
}

/// <summary>The body of a save or a submission.</summary>
public sealed class SaveReturnRequest
{
    /// <summary>Every answer of the return as it should be now (PUT replaces the whole set); null or absent means not given.</summary>
    public Dictionary<string, JsonElement>? Values { get; set; }

    /// <summary>Ids of year-on-year warnings the service confirms as correct ("yoy-core-budget").</summary>
    public List<string>? ConfirmedWarnings { get; set; }

    /// <summary>Why NPPN changes a submitted or locked return (NPPN's only).</summary>
    public string? Reason { get; set; }

    /// <summary>
    /// The service's own words on the warnings it confirms: warning id to why the figure changed. Kept in the
    /// audit trail as what made the change, beside (never as) NPPN's reason.
    /// </summary>
    public Dictionary<string, string>? WarningNotes { get; set; }

    /// <summary>What made this change, for the audit trail: the web form (or API), with the service's notes.</summary>
    public string? SourceOf(Actor actor) =>
        WarningNotes is { Count: > 0 } notes ? ReturnChange.SourceOf(actor.IsNppn ? "API (NPPN)" : "Web form or API", notes) : null;
}

public sealed class ReasonRequest
{
    public string? Reason { get; set; }
}

/// <summary>Between JSON values and the raw text the one validator reads.</summary>
public static class ReturnJson
{
    /// <summary>
    /// Numbers, strings and yes/no become the text the validator takes; a list becomes its items joined by ';'.
    /// An object, or a list holding anything but numbers and text, is an error naming the field.
    /// </summary>
    /// <param name="definition">The year's, only for the labels in messages: a year without one is refused by the service, not here.</param>
    public static (Dictionary<string, string?> Raw, List<ValidationIssue> Problems) ToRaw(ReturnDefinition? definition, IReadOnlyDictionary<string, JsonElement> values)
    {
        var raw = new Dictionary<string, string?>(StringComparer.Ordinal);
        var problems = new List<ValidationIssue>();
        foreach (var (id, element) in values)
        {
            var text = Scalar(element);
            if (text is not null || element.ValueKind == JsonValueKind.Null)
            {
                raw[id] = text;
                continue;
            }
            if (element.ValueKind == JsonValueKind.Array)
            {
                var items = element.EnumerateArray().Select(Scalar).ToList();
                if (items.All(i => i is not null))
                {
                    raw[id] = string.Join(ReturnValues.ChoiceSeparator, items);
                    continue;
                }
            }
            var label = definition?.Defines(id) == true ? definition.Field(id).Label : id;
            problems.Add(ValidationIssue.Error(id, "type",
                $"{label}: give a number, a piece of text, true/false or a list of options, not {(element.ValueKind == JsonValueKind.Array ? "a list of lists or objects" : "an object")}."));
        }
        return (raw, problems);
    }

    private static string? Scalar(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString(),
        // The number as written ("1e-308", "0.750"): the validator reads it exactly or refuses it, never rounds it.
        JsonValueKind.Number => e.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    /// <summary>Stored values typed for JSON by their year's definition (as text where it has none).</summary>
    public static IReadOnlyDictionary<string, object> ToJson(ReturnDefinition? definition, ReturnValues values)
    {
        var json = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (id, text) in values.AsDictionary().OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            json[id] = definition?.Defines(id) != true ? text : definition.Field(id).Type switch
            {
                FieldType.Integer or FieldType.Decimal => values.Number(id)!.Value,
                FieldType.Boolean => values.Flag(id)!.Value,
                FieldType.MultiChoice => values.Choices(id),
                _ => text,
            };
        }
        return json;
    }
}
