using Pps.Core.Catalogue;
using static Pps.Core.Definition.FieldIds;

namespace Pps.Tests.Support;

/// <summary>
/// The answers a 2013 (or later) return needs before it can be submitted: the 34 self-ratings its definition marks
/// required. Tests that submit add their own answers to these.
/// </summary>
public static class CompleteReturn
{
    public static (string Id, string Value)[] Ratings(string rating = "G") =>
        Exemplifications.All.Select(e => (Rating(e.Code), rating)).ToArray();

    public static (string Id, string Value)[] With(params (string Id, string Value)[] answers) =>
        [.. Ratings().Where(r => answers.All(a => a.Id != r.Id)), .. answers];

    public static Dictionary<string, string?> Raw(params (string Id, string Value)[] answers) =>
        With(answers).ToDictionary(a => a.Id, a => (string?)a.Value, StringComparer.Ordinal);

    /// <summary>The same answers as JSON values for the API (field id → value).</summary>
    public static Dictionary<string, object> Json(Dictionary<string, object> answers)
    {
        var all = Ratings().ToDictionary(r => r.Id, r => (object)r.Value, StringComparer.Ordinal);
        foreach (var (id, value) in answers) all[id] = value;
        return all;
    }
}
