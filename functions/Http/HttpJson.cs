using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pps.Functions.Http;

/// <summary>The one JSON shape of the API: camelCase properties, field ids as they are, enums as kebab-case words.</summary>
public static class HttpJson
{
    /// <summary>For responses.</summary>
    public static JsonSerializerOptions Options { get; } = Create(JsonUnmappedMemberHandling.Skip);

    /// <summary>For request bodies: a property the API does not know is an error, never silently dropped.</summary>
    public static JsonSerializerOptions Strict { get; } = Create(JsonUnmappedMemberHandling.Disallow);

    private static JsonSerializerOptions Create(JsonUnmappedMemberHandling unmapped)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { UnmappedMemberHandling = unmapped, AllowDuplicateProperties = false };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
