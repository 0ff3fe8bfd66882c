using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pps.Tests.Infra;

/// <summary>Every setting the app reads locally is set by the Bicep template for Azure.</summary>
public class TemplateSettingsTests
{
    private static string RepoRoot([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", ".."));

    [Fact]
    public void Every_setting_of_the_sample_is_set_by_the_template()
    {
        var compiled = Path.Combine(RepoRoot(), "infra", ".out", "main.json");
        Assert.True(File.Exists(compiled), $"{compiled} is missing: scripts/test.sh runs infra/check.sh first, which compiles it.");
        var template = JsonNode.Parse(File.ReadAllText(compiled))!;
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var resource in Resources(template))
        {
            var type = resource["type"]?.GetValue<string>();
            var name = resource["name"]?.ToJsonString() ?? "";
            if (type == "Microsoft.Web/sites/config" && name.Contains("appsettings", StringComparison.Ordinal))
            {
                foreach (var (key, _) in resource["properties"]!.AsObject()) set.Add(key);
            }
            if (type == "Microsoft.Web/sites" && resource["properties"]?["functionAppConfig"]?["runtime"]?["name"] is { } runtime)
            {
                Assert.Equal("dotnet-isolated", runtime.GetValue<string>());
                set.Add("FUNCTIONS_WORKER_RUNTIME");
            }
        }
        Assert.NotEmpty(set);

        var sample = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoRoot(), "local.settings.sample.json")))!;
        var missing = sample["Values"]!.AsObject()
            .Select(kv => kv.Key)
            .Where(key => !set.Contains(key) && !set.Any(s => s.StartsWith(key + "__", StringComparison.Ordinal)))
            .ToList();
        Assert.True(missing.Count == 0, "Settings the app reads but the template does not set: " + string.Join(", ", missing));
    }

    private static IEnumerable<JsonNode> Resources(JsonNode node)
    {
        var resources = node["resources"];
        var list = resources switch
        {
            JsonArray array => array.Where(r => r is not null).Select(r => r!),
            JsonObject map => map.Select(kv => kv.Value).Where(r => r is not null).Select(r => r!),
            _ => [],
        };
        foreach (var resource in list)
        {
            yield return resource;
            if (resource["properties"]?["template"] is { } nested)
            {
                foreach (var inner in Resources(nested)) yield return inner;
            }
        }
    }
}
