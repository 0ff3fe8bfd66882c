using System.Text.Json;
using System.Text.Json.Nodes;
using Pps.Core.Storage;
using Pps.Core.Telemetry;
using Pps.Tests.Functions.Returns;
using Pps.Tests.Support;

namespace Pps.Tests.Infra;

/// <summary>Nothing in the deployment points at something that does not exist, and one value says where published files live.</summary>
public class DeployableTests
{
    [Fact]
    public void Every_function_the_infrastructure_names_is_in_the_build_with_its_trigger()
    {
        var main = CompiledTemplate.Main();
        var referenced = main.Variable("functionReferences").AsArray()
            .Select(f => (Name: main.Evaluate(f!["name"]!.GetValue<string>()), Trigger: f["trigger"]!.GetValue<string>()))
            .ToList();
        Assert.Contains(referenced, f => f.Name == "CloseCollectionYears");
        Assert.Contains(referenced, f => f.Name == "ValidateUploadedWorkbook" && f.Trigger == "blobTrigger");

        using var metadata = JsonDocument.Parse(File.ReadAllText(FunctionsMetadataTests.MetadataPath()));
        var built = metadata.RootElement.EnumerateArray().ToDictionary(
            f => f.GetProperty("name").GetString()!,
            f => f.GetProperty("bindings").EnumerateArray().Select(b => b.GetProperty("type").GetString()!).Where(t => t.EndsWith("Trigger", StringComparison.Ordinal)).ToList());
        var problems = new List<string>();
        foreach (var (name, trigger) in referenced)
        {
            if (!built.TryGetValue(name, out var triggers))
            {
                problems.Add($"{name} is named in infra/ but is not in functions.metadata");
                continue;
            }
            if (!triggers.SequenceEqual([trigger])) problems.Add($"{name} has trigger(s) {string.Join(", ", triggers)} in the build; infra/ expects {trigger}");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void The_upload_subscription_targets_the_function_infra_names_and_is_off_until_the_hook_turns_it_on()
    {
        var main = CompiledTemplate.Main();
        var subscription = main.Resources.Single(r => r["name"]?.GetValue<string>() == "upload-events-subscription");
        Assert.Equal("[parameters('uploadEventsEnabled')]", subscription["condition"]!.GetValue<string>());
        Assert.Equal("False", main.Evaluate("[parameters('uploadEventsEnabled')]"), ignoreCase: true);
        var module = main.Module("upload-events-subscription");
        Assert.Equal("ValidateUploadedWorkbook", module.Evaluate("[parameters('functionName')]"));
        // The hook only provisions it once the deployed app has that function and its blobs_extension key.
        var hook = File.ReadAllText(RepoFiles.At("infra", "hooks", "postdeploy.sh"));
        Assert.Contains("systemKeys.blobs_extension", hook);
        Assert.Contains("az functionapp function show", hook);
        Assert.DoesNotContain("retry 5 60 azd provision", hook);
    }

    [Fact]
    public void The_lifecycle_rule_and_the_app_setting_name_the_same_published_folder()
    {
        var main = CompiledTemplate.Main();
        var storage = main.Module("storage");
        var rule = storage.Resources.Single(r => r["type"]!.GetValue<string>() == "Microsoft.Storage/storageAccounts/managementPolicies")
            ["properties"]!["policy"]!["rules"]!.AsArray().Single(r => r!["name"]!.GetValue<string>() == "keep-published-versions")!;
        var lifecyclePrefix = storage.Evaluate(Assert.Single(rule["definition"]!["filters"]!["prefixMatch"]!.AsArray())!.GetValue<string>());

        var app = main.Module("function-app");
        var settings = app.Resources.Single(r => r["type"]!.GetValue<string>() == "Microsoft.Web/sites/config")["properties"]!.AsObject();
        var container = app.Evaluate(settings["Pps__PublishedContainer"]!.GetValue<string>());
        var prefix = app.Evaluate(settings["Pps__PublishedPrefix"]!.GetValue<string>());

        Assert.Equal("$web", container);
        Assert.Equal("data/", prefix);
        Assert.Equal($"{container}/{prefix}", lifecyclePrefix);
        // Both come from the one parameter of main.bicep, not two literals that happen to agree today.
        Assert.Equal("[parameters('publishedPrefix')]", settings["Pps__PublishedPrefix"]!.GetValue<string>());
        Assert.Contains("parameters('publishedPrefix')", rule["definition"]!["filters"]!["prefixMatch"]![0]!.GetValue<string>());
        foreach (var module in new[] { "storage", "function-app" })
        {
            Assert.Equal("[parameters('publishedPrefix')]",
                main.Resources.Single(r => r["name"]?.GetValue<string>() == module)["properties"]!["parameters"]!["publishedPrefix"]!["value"]!.GetValue<string>());
        }
    }

    [Fact]
    public void Provisional_sets_and_backups_live_in_private_containers_never_the_website()
    {
        var app = CompiledTemplate.Main().Module("function-app");
        var settings = app.Resources.Single(r => r["type"]!.GetValue<string>() == "Microsoft.Web/sites/config")["properties"]!.AsObject();
        var provisional = app.Evaluate(settings["Pps__ProvisionalContainer"]!.GetValue<string>());
        var backups = app.Evaluate(settings["Pps__BackupsContainer"]!.GetValue<string>());
        Assert.Equal(new StorageOptions().ProvisionalContainer, provisional);
        Assert.Equal(new StorageOptions().BackupsContainer, backups);
        Assert.NotEqual("$web", provisional);

        var storage = CompiledTemplate.Main().Module("storage");
        var containers = storage.Resources.Where(r => r["type"]!.GetValue<string>() == "Microsoft.Storage/storageAccounts/blobServices/containers").ToList();
        Assert.All(containers, c => Assert.Equal("None", c["properties"]!["publicAccess"]!.GetValue<string>()));
        var backupsContainer = containers.Single(c => c["properties"]!["immutableStorageWithVersioning"] is not null);
        Assert.True(backupsContainer["properties"]!["immutableStorageWithVersioning"]!["enabled"]!.GetValue<bool>());
        Assert.Single(storage.Resources, r => r["type"]!.GetValue<string>() == "Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies");
    }

    [Fact]
    public void The_app_identity_and_its_roles_exist_before_the_app_and_the_deployer_writes_only_the_site_container()
    {
        var main = CompiledTemplate.Main();
        Assert.Contains(main.DependsOn("function-app"), d => d.Contains("'roles'", StringComparison.Ordinal));
        Assert.Contains(main.DependsOn("roles"), d => d.Contains("'identity'", StringComparison.Ordinal));
        var app = main.Module("function-app");
        var site = app.Resources.Single(r => r["type"]!.GetValue<string>() == "Microsoft.Web/sites");
        Assert.Equal("UserAssigned", site["identity"]!["type"]!.GetValue<string>());
        var settings = app.Resources.Single(r => r["type"]!.GetValue<string>() == "Microsoft.Web/sites/config")["properties"]!.AsObject();
        foreach (var connection in new[] { "AzureWebJobsStorage", "PpsStorage" })
        {
            Assert.Equal("managedidentity", settings[$"{connection}__credential"]!.GetValue<string>());
            Assert.Contains("clientId", settings[$"{connection}__clientId"]!.GetValue<string>());
        }
        var deployer = main.Module("roles").Resources.Single(r => r["condition"] is not null);
        Assert.Contains("containers", deployer["scope"]!.GetValue<string>());
        Assert.Equal("$web", main.Module("roles").Evaluate("[parameters('siteContainerName')]"));
    }

    [Fact]
    public void The_alerts_search_for_the_lines_the_close_writes()
    {
        var events = CompiledTemplate.Main().Variable("closeEvents");
        Assert.Equal(PpsTelemetry.CloseFailedEvent, events["failed"]!.GetValue<string>());
        Assert.Equal(PpsTelemetry.CloseOverdueEvent, events["overdue"]!.GetValue<string>());
        Assert.Equal(PpsTelemetry.CloseCheckedEvent, events["checked"]!.GetValue<string>());
    }

    [Fact]
    public void The_API_allows_exactly_the_static_website_s_origin_and_any_added_one_without_credentials()
    {
        var main = CompiledTemplate.Main();
        var passed = main.Resources.Single(r => r["name"]?.GetValue<string>() == "function-app")["properties"]!["parameters"]!["allowedOrigins"]!["value"]!.GetValue<string>();
        Assert.Matches(@"^\[concat\(createArray\(reference\(.*'storage'\), '[0-9-]+'\)\.outputs\.webOrigin\.value\), parameters\('additionalSiteOrigins'\)\)\]$", passed);
        Assert.Empty(main.Raw["parameters"]!["additionalSiteOrigins"]!["defaultValue"]!.AsArray());
        // The origin is the static website's endpoint without its trailing slash: a browser's Origin header has none.
        var origin = main.Module("storage").Output("webOrigin");
        Assert.Contains("primaryEndpoints.web, '/'), take(", origin, StringComparison.Ordinal);
        var site = main.Module("function-app").Resources.Single(r => r["type"]!.GetValue<string>() == "Microsoft.Web/sites");
        var cors = site["properties"]!["siteConfig"]!["cors"]!;
        Assert.Equal("[parameters('allowedOrigins')]", cors["allowedOrigins"]!.GetValue<string>());
        Assert.False(cors["supportCredentials"]!.GetValue<bool>());
    }
}
