using Pps.Core.Storage;

namespace Pps.Tests.Infra;

/// <summary>
/// The app's identity may use only the tables the template creates (Storage Table Data Contributor on each of them,
/// not on the account), so the template must create exactly the tables the app uses, and the app must not try to
/// create tables in Azure (Pps__TablesProvisioned).
/// </summary>
public class TableRolesTests
{
    private const string TableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";

    private static IReadOnlyList<string> TemplateTables(CompiledTemplate main)
    {
        var prefix = main.Raw["parameters"]!["tablePrefix"]!["defaultValue"]!.GetValue<string>();
        return main.Variable("tableSuffixes").AsArray().Select(s => prefix + s!.GetValue<string>()).ToList();
    }

    [Fact]
    public void The_template_creates_exactly_the_tables_the_app_uses()
    {
        var main = CompiledTemplate.Main();
        var app = PpsStorage.FromConnectionString("UseDevelopmentStorage=true", new StorageOptions()).Tables.Select(t => t.Name);

        Assert.Equal(app.Order(StringComparer.Ordinal), TemplateTables(main).Order(StringComparer.Ordinal));
        // The same list reaches the storage account (which creates them) and the roles (which grant them).
        Assert.Equal("[variables('tableNames')]", main.Resources.Single(r => r["name"]?.GetValue<string>() == "storage")["properties"]!["parameters"]!["tableNames"]!["value"]!.GetValue<string>());
        Assert.Equal("[variables('tableNames')]", main.Resources.Single(r => r["name"]?.GetValue<string>() == "roles")["properties"]!["parameters"]!["tableNames"]!["value"]!.GetValue<string>());
        var storage = main.Module("storage");
        var tables = storage.Resources.Single(r => r["type"]!.GetValue<string>() == "Microsoft.Storage/storageAccounts/tableServices/tables");
        Assert.Contains("parameters('tableNames')", tables["copy"]!["count"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_app_may_use_each_of_its_tables_and_nothing_else_of_the_table_service()
    {
        var roles = CompiledTemplate.Main().Module("roles");
        Assert.Equal(TableDataContributor, roles.Variable("roleIds")["storageTableDataContributor"]!.GetValue<string>());
        var assignments = roles.Resources.Where(r => r["type"]!.GetValue<string>() == "Microsoft.Authorization/roleAssignments").ToList();
        static bool GrantsTables(System.Text.Json.Nodes.JsonNode r) =>
            r["properties"]!["roleDefinitionId"]!.GetValue<string>().Contains("storageTableDataContributor", StringComparison.Ordinal);

        var scoped = Assert.Single(assignments, GrantsTables); // one loop, over the tables
        Assert.Equal("[length(parameters('tableNames'))]", scoped["copy"]!["count"]!.GetValue<string>());
        Assert.Equal("[resourceId('Microsoft.Storage/storageAccounts/tableServices/tables', parameters('storageAccountName'), 'default', parameters('tableNames')[copyIndex()])]",
            scoped["scope"]!.GetValue<string>());
        // The account-wide storage roles no longer include the table role.
        Assert.DoesNotContain(roles.Variable("functionStorageRoles").AsArray(), role => role!.GetValue<string>().Contains("storageTableDataContributor", StringComparison.Ordinal));
    }

    [Fact]
    public void In_Azure_the_app_checks_its_tables_instead_of_creating_them()
    {
        var settings = CompiledTemplate.Main().Module("function-app").Resources
            .Single(r => r["type"]!.GetValue<string>() == "Microsoft.Web/sites/config")["properties"]!.AsObject();
        Assert.Equal("true", settings["Pps__TablesProvisioned"]!.GetValue<string>());
    }
}
