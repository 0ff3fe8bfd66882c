using System.Text.Json.Nodes;
using Pps.Core.Storage;
using Pps.Tests.Support;

namespace Pps.Tests.Infra;

/// <summary>
/// The published prefix (Pps__PublishedPrefix, "data/" by default) is one fact in four places: the app's
/// default, the app setting the template sets, the lifecycle rule that keeps published versions, and the
/// site's config.json, which the postdeploy hooks write with it (site/package.mjs, which also refuses to upload
/// anything under it: that folder of $web is the app's). In the template all three come from
/// main.bicep's one parameter publishedPrefix; its default must be the app's.
/// </summary>
public class PublishedPrefixTests
{
    [Fact]
    public void The_template_the_lifecycle_rule_the_sample_and_postdeploy_agree_with_the_apps_default_prefix()
    {
        var prefix = StorageOptions.DefaultPublishedPrefix;
        var main = CompiledTemplate.Main();
        Assert.Equal(prefix, main.Evaluate("[parameters('publishedPrefix')]"));

        var app = main.Module("function-app");
        var settings = app.Resources.Single(r => r["type"]!.GetValue<string>() == "Microsoft.Web/sites/config")["properties"]!.AsObject();
        Assert.Equal(prefix, app.Evaluate(settings["Pps__PublishedPrefix"]!.GetValue<string>()));

        var storage = main.Module("storage");
        var prefixMatches = storage.Resources.Where(r => r["type"]!.GetValue<string>() == "Microsoft.Storage/storageAccounts/managementPolicies")
            .SelectMany(r => r["properties"]!["policy"]!["rules"]!.AsArray())
            .SelectMany(rule => rule!["definition"]!["filters"]!["prefixMatch"]!.AsArray().Select(p => storage.Evaluate(p!.GetValue<string>())))
            .ToList();
        Assert.Contains("$web/" + prefix, prefixMatches);

        var sample = JsonNode.Parse(File.ReadAllText(RepoFiles.At("local.settings.sample.json")))!;
        Assert.Equal(prefix, sample["Values"]!["Pps__PublishedPrefix"]!.GetValue<string>());

        // Both hooks package the site with the prefix azd passes them as PUBLISHED_PREFIX (main.bicep's output of the
        // same parameter), falling back to the app's default.
        Assert.Equal("[parameters('publishedPrefix')]", main.Output("PUBLISHED_PREFIX"));
        var postdeploy = File.ReadAllText(RepoFiles.At("infra", "hooks", "postdeploy.sh"));
        Assert.Contains($"--published-prefix \"${{PUBLISHED_PREFIX:-{prefix}}}\"", postdeploy, StringComparison.Ordinal);
        var postdeployPs1 = File.ReadAllText(RepoFiles.At("infra", "hooks", "postdeploy.ps1"));
        Assert.Contains($"$prefix = if ($env:PUBLISHED_PREFIX) {{ $env:PUBLISHED_PREFIX }} else {{ '{prefix}' }}", postdeployPs1, StringComparison.Ordinal);
        Assert.Contains("--published-prefix $prefix", postdeployPs1, StringComparison.Ordinal);
    }
}
