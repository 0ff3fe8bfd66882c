using System.Text.Json.Nodes;
using Pps.Core.Definition;

namespace Pps.Tests.Support;

/// <summary>Next year's definition as NPPN makes it: last year's document, copied and changed.</summary>
public static class DefinitionDocuments
{
    public static JsonObject CopyOf(int fromYear, int toYear, int version = 1)
    {
        var document = JsonNode.Parse(DefinitionJson.Write(BuiltInDefinitions.For(fromYear)))!.AsObject();
        document["year"] = toYear;
        document["version"] = version;
        document["notes"] = $"{fromYear}'s definition, copied for {toYear}.";
        return document;
    }

    public static JsonObject Section(JsonObject document, string id) =>
        document["sections"]!.AsArray().Select(s => s!.AsObject()).Single(s => (string?)s["id"] == id);

    /// <summary>Takes a field out of the year's definition (its id is not reused for another meaning).</summary>
    public static void Retire(JsonObject document, string fieldId)
    {
        foreach (var section in document["sections"]!.AsArray())
        {
            var fields = section!["fields"]!.AsArray();
            if (fields.FirstOrDefault(f => (string?)f!["id"] == fieldId) is { } field) fields.Remove(field);
        }
        foreach (var rule in document["yearOnYear"]!.AsArray().ToList())
        {
            var ids = rule!["fields"]!.AsArray();
            if (ids.FirstOrDefault(i => (string?)i == fieldId) is { } id) ids.Remove(id);
            if (ids.Count == 0) document["yearOnYear"]!.AsArray().Remove(rule);
        }
    }
}
