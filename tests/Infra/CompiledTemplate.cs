using System.Text.Json.Nodes;
using Pps.Tests.Support;

namespace Pps.Tests.Infra;

/// <summary>
/// infra/.out/main.json (infra/check.sh compiles it) with just enough of the ARM expression language to read
/// what a deployment with the default parameters would set: string literals, parameters(), variables(), utcNow() and
/// format(), through the nested module deployments. Anything else is returned as the expression text.
/// </summary>
public sealed class CompiledTemplate
{
    private readonly JsonNode template;
    private readonly CompiledTemplate? parent;
    private readonly JsonObject? parameterValues;

    private CompiledTemplate(JsonNode template, CompiledTemplate? parent, JsonObject? parameterValues) =>
        (this.template, this.parent, this.parameterValues) = (template, parent, parameterValues);

    public static CompiledTemplate Main()
    {
        var path = RepoFiles.At("infra", ".out", "main.json");
        Assert.True(File.Exists(path), $"{path} is missing: scripts/test.sh runs infra/check.sh first, which compiles it.");
        return new CompiledTemplate(JsonNode.Parse(File.ReadAllText(path))!, null, null);
    }

    public IEnumerable<JsonNode> Resources => template["resources"] switch
    {
        JsonArray array => array.Where(r => r is not null).Select(r => r!),
        JsonObject map => map.Select(kv => kv.Value).Where(r => r is not null).Select(r => r!),
        _ => [],
    };

    /// <summary>The module deployed under this name, with its parameters as this template passes them.</summary>
    public CompiledTemplate Module(string name)
    {
        var deployment = Resources.Single(r => r["type"]?.GetValue<string>() == "Microsoft.Resources/deployments" && r["name"]?.GetValue<string>() == name);
        return new CompiledTemplate(deployment["properties"]!["template"]!, this, deployment["properties"]!["parameters"]!.AsObject());
    }

    public IEnumerable<string> DependsOn(string module) =>
        Resources.Single(r => r["name"]?.GetValue<string>() == module)["dependsOn"]?.AsArray().Select(d => d!.GetValue<string>()) ?? [];

    /// <summary>The expression an output of this template is set to.</summary>
    public string Output(string name) => template["outputs"]?[name]?["value"]?.GetValue<string>() ?? throw new KeyNotFoundException($"No output {name}.");

    /// <summary>The compiled template itself (parameters, outputs, ...).</summary>
    public JsonNode Raw => template;

    public JsonNode Variable(string name) => template["variables"]?[name] ?? throw new KeyNotFoundException($"No variable {name}.");

    /// <summary>The value of a template expression (or a plain string) in this template's scope.</summary>
    public string Evaluate(string text) => EvaluateNode(text) switch
    {
        JsonValue value => value.ToString(),
        _ => text,
    };

    /// <summary>As <see cref="Evaluate"/>, keeping objects (a parameter or variable that is an object, and its properties: parameters('x').y).</summary>
    public JsonNode? EvaluateNode(string text)
    {
        if (!text.StartsWith('[') || text.StartsWith("[[", StringComparison.Ordinal)) return JsonValue.Create(text);
        var position = 1;
        return Expression(text, ref position) ?? JsonValue.Create(text);
    }

    private JsonNode? Expression(string text, ref int i)
    {
        if (text[i] == '\'')
        {
            var end = text.IndexOf('\'', i + 1);
            var literal = text[(i + 1)..end];
            i = end + 1;
            return JsonValue.Create(literal);
        }
        var open = text.IndexOf('(', i);
        var function = text[i..open];
        i = open + 1;
        var args = new List<JsonNode?>();
        while (text[i] != ')')
        {
            args.Add(Expression(text, ref i));
            while (text[i] is ',' or ' ') i++;
        }
        i++;
        JsonNode? result = function switch
        {
            "parameters" => Parameter(args[0]!.ToString()),
            "variables" => Variable(args[0]!.ToString()) is JsonValue v ? EvaluateNode(v.ToString()) : Variable(args[0]!.ToString()).DeepClone(),
            // As the deployment would evaluate it now (a parameter's default such as utcNow('o')).
            "utcNow" => JsonValue.Create(DateTime.UtcNow.ToString(args.Count > 0 ? args[0]!.ToString() : "yyyyMMddTHHmmssZ", System.Globalization.CultureInfo.InvariantCulture)),
            "format" when args.All(a => a is JsonValue) => JsonValue.Create(string.Format(System.Globalization.CultureInfo.InvariantCulture,
                args[0]!.ToString(), args.Skip(1).Select(a => (object)a!.ToString()).ToArray())),
            _ => null,
        };
        // Property access: parameters('closeEvents').failed
        while (i < text.Length && text[i] == '.')
        {
            var start = ++i;
            while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_')) i++;
            var property = text[start..i];
            result = result is JsonObject o && o[property] is { } p ? (p is JsonValue pv && pv.ToString().StartsWith('[') ? EvaluateNode(pv.ToString()) : p.DeepClone()) : null;
        }
        return result;
    }

    private JsonNode? Parameter(string name)
    {
        if (parameterValues?[name]?["value"] is { } passed)
        {
            return passed is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String ? parent!.EvaluateNode(v.GetValue<string>()) : passed.DeepClone();
        }
        return template["parameters"]?[name]?["defaultValue"] is { } fallback
            ? (fallback is JsonValue f && f.GetValueKind() == System.Text.Json.JsonValueKind.String ? EvaluateNode(f.GetValue<string>()) : fallback.DeepClone())
            : null;
    }
}
