using System.Text.Json.Nodes;
using Pps.Core.Storage;
using Pps.Tests.Support;

namespace Pps.Tests.Infra;

/// <summary>
/// The published prefix (Pps__PublishedPrefix, "data/" by default) is one fact in four places: the app's
/// default, the app setting the template sets, the lifecycle rule that keeps published versions, and the
/// postdeploy upload of site/ that must leave that folder of $web alone.
/// </summary>
public class PublishedPrefixTests
{
    [Fact]
    public void The_template_the_lifecycle_rule_the_sample_and_postdeploy_agree_with_the_apps_default_prefix()
    {
        var prefix = StorageOptions.DefaultPublishedPrefix;
        var compiled = RepoFiles.At("infra", ".out", "main.json");
        Assert.True(File.Exists(compiled), $"{compiled} is missing: scripts/test.sh runs infra/check.sh first, which compiles it.");
        var nodes = Flatten(JsonNode.Parse(File.ReadAllText(compiled))!).ToList();

        var setting = nodes.OfType<JsonObject>().Select(o => o["Pps__PublishedPrefix"]).Where(v => v is not null).ToList();
        Assert.Equal(prefix, Assert.Single(setting)!.GetValue<string>());

        var prefixMatches = nodes.OfType<JsonObject>().Where(o => o["prefixMatch"] is JsonArray)
            .SelectMany(o => o["prefixMatch"]!.AsArray().Select(p => p!.GetValue<string>())).ToList();
        Assert.Contains("$web/" + prefix, prefixMatches);

        var sample = JsonNode.Parse(File.ReadAllText(RepoFiles.At("local.settings.sample.json")))!;
        Assert.Equal(prefix, sample["Values"]!["Pps__PublishedPrefix"]!.GetValue<string>());

        var postdeploy = File.ReadAllText(RepoFiles.At("infra", "hooks", "postdeploy.sh"));
        Assert.Contains($"--exclude='./{prefix.TrimEnd('/')}'", postdeploy, StringComparison.Ordinal);
    }

    private static IEnumerable<JsonNode> Flatten(JsonNode node)
    {
        yield return node;
        IEnumerable<JsonNode?> children = node switch
        {
            JsonObject o => o.Select(kv => kv.Value),
            JsonArray a => a,
            _ => [],
        };
        foreach (var child in children.Where(c => c is not null))
        {
            foreach (var inner in Flatten(child!)) yield return inner;
        }
    }
}
