using System.Text.Json.Nodes;

namespace Pps.Tests.Infra;

/// <summary>The region is one that offers Flex Consumption, and each has a default home for the backup copy that is not itself.</summary>
public class RegionsTests
{
    [Fact]
    public void Every_allowed_region_has_a_backup_copy_region_other_than_itself()
    {
        var main = CompiledTemplate.Main();
        var allowed = main.Raw["parameters"]!["location"]!["allowedValues"]!.AsArray().Select(r => r!.GetValue<string>()).ToList();
        Assert.Contains("uksouth", allowed);
        Assert.Contains("ukwest", allowed);
        var copies = main.Variable("backupCopyRegions").AsObject();
        foreach (var region in allowed)
        {
            Assert.True(copies[region] is JsonValue copy && copy.GetValue<string>() != region, $"{region} has no backup copy region of its own");
        }
        Assert.Equal("ukwest", copies["uksouth"]!.GetValue<string>());
        Assert.Equal("uksouth", copies["ukwest"]!.GetValue<string>());
    }

    [Fact]
    public void The_backup_copy_is_on_by_default_and_the_app_writes_it_with_its_identity_on_that_container_only()
    {
        var main = CompiledTemplate.Main();
        Assert.Equal("true", main.Evaluate("[parameters('backupCopyEnabled')]"), ignoreCase: true);
        var copy = main.Module("backup-copy");
        var role = copy.Resources.Single(r => r["type"]!.GetValue<string>() == "Microsoft.Authorization/roleAssignments");
        Assert.Contains("containers", role["scope"]!.GetValue<string>(), StringComparison.Ordinal);
        var account = copy.Resources.Single(r => r["type"]!.GetValue<string>() == "Microsoft.Storage/storageAccounts");
        Assert.False(account["properties"]!["allowSharedKeyAccess"]!.GetValue<bool>());
        var settings = main.Module("function-app").Resources.Single(r => r["type"]!.GetValue<string>() == "Microsoft.Web/sites/config")["properties"]!.AsObject();
        Assert.True(settings.ContainsKey("PpsBackupCopy__blobServiceUri"));
        Assert.Equal("managedidentity", settings["PpsBackupCopy__credential"]!.GetValue<string>());
        Assert.Equal(30, main.Raw["parameters"]!["softDeleteDays"]!["defaultValue"]!.GetValue<int>());
    }
}
