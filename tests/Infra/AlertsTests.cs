using Pps.Core.Telemetry;

namespace Pps.Tests.Infra;

/// <summary>
/// The alerts as compiled from infra/modules/alerts.bicep: the tables they search are the ones the app's telemetry
/// lands in, a lasting condition sends one email (the rule resolves itself), a fresh deployment can deploy them, and
/// someone receives them.
/// </summary>
public class AlertsTests
{
    private static readonly CompiledTemplate Alerts = CompiledTemplate.Main().Module("alerts");

    private static string Query(string name) =>
        Alerts.Variable("logAlerts").AsArray().Single(a => a!["name"]!.GetValue<string>() == name)!["query"]!.GetValue<string>();

    [Fact]
    public void Every_log_alert_resolves_itself_and_deploys_before_its_tables_exist()
    {
        var rules = Alerts.Resources.Single(r => r["type"]!.GetValue<string>() == "Microsoft.Insights/scheduledQueryRules");
        Assert.True(rules["properties"]!["autoMitigate"]!.GetValue<bool>(), "a lasting condition must not email every hour");
        Assert.True(rules["properties"]!["skipQueryValidation"]!.GetValue<bool>(), "a new workspace has no AppTraces table yet");
    }

    [Fact]
    public void The_failed_close_is_searched_where_a_logged_exception_lands()
    {
        // YearCloser logs the failure with its exception: the exporters send that to AppExceptions, not AppTraces.
        var query = Query("close-failed");
        Assert.Contains("AppExceptions", query, StringComparison.Ordinal);
        Assert.Contains("AppTraces", query, StringComparison.Ordinal);
        Assert.Contains("parameters('closeEvents').failed", query, StringComparison.Ordinal);
        Assert.Equal(PpsTelemetry.CloseFailedEvent, CompiledTemplate.Main().Variable("closeEvents")["failed"]!.GetValue<string>());
    }

    [Fact]
    public void A_missed_backup_alerts_within_26_hours_and_not_on_a_fresh_deployment()
    {
        var query = Query("backup-missed");
        Assert.Contains("parameters('closeEvents').backup", query, StringComparison.Ordinal);
        Assert.Equal(PpsTelemetry.BackupWrittenEvent, CompiledTemplate.Main().Variable("closeEvents")["backup"]!.GetValue<string>());
        Assert.Contains("ago(25h)", query, StringComparison.Ordinal);
        var alert = Alerts.Variable("logAlerts").AsArray().Single(a => a!["name"]!.GetValue<string>() == "backup-missed")!;
        Assert.Equal("PT1H", alert["frequency"]!.GetValue<string>()); // 25 h without a backup, seen within the next hour
        Assert.Contains("reporting < ago(25h)", query, StringComparison.Ordinal);
        Assert.Contains("reporting < ago(26h)", Query("close-silent"), StringComparison.Ordinal);
    }

    [Fact]
    public void An_app_that_sends_nothing_at_all_keeps_the_silent_and_missed_alerts_firing()
    {
        // "Reporting since" is the app's first line in the rule's window; with no line at all in the window (the app is
        // stopped or cannot start) it is this deployment's time. Before, it was null there: the condition was false and
        // the alert resolved itself after two days of silence, while no backup was being written.
        Assert.Equal("[utcNow('o')]", Alerts.Raw["parameters"]!["deployedAt"]!["defaultValue"]!.GetValue<string>());
        Assert.Null(CompiledTemplate.Main().Resources.Single(r => r["name"]?.GetValue<string>() == "alerts")["properties"]!["parameters"]!["deployedAt"]);
        foreach (var (name, hours) in new[] { ("backup-missed", 25), ("close-silent", 26) })
        {
            var query = Alerts.Evaluate(Query(name));
            var since = System.Text.RegularExpressions.Regex.Match(query,
                @"^let reporting = coalesce\(todatetime\(toscalar\(AppTraces \| summarize min\(TimeGenerated\)\)\), datetime\(([^)]+)\)\);");
            Assert.True(since.Success, $"{name}: {query}");
            var deployed = DateTimeOffset.Parse(since.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(deployed, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
            Assert.EndsWith($"== 0 and reporting < ago({hours}h)", query, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_dead_letter_metric_alert_resolves_itself()
    {
        var metric = Alerts.Resources.Single(r => r["type"]!.GetValue<string>() == "Microsoft.Insights/metricAlerts");
        Assert.True(metric["properties"]!["autoMitigate"]?.GetValue<bool>(), "one email per episode, stated rather than left to the API's default");
    }

    [Fact]
    public void The_alerts_reach_someone()
    {
        Assert.Equal(3, CompiledTemplate.Main().Raw["parameters"]!["alertEmail"]!["minLength"]!.GetValue<int>());
        Assert.Null(CompiledTemplate.Main().Raw["parameters"]!["alertEmail"]!["defaultValue"]);
        var group = Alerts.Resources.Single(r => r["type"]!.GetValue<string>() == "Microsoft.Insights/actionGroups");
        Assert.Single(group["properties"]!["emailReceivers"]!.AsArray());
    }

    [Fact]
    public void The_storage_logs_have_a_workspace_and_a_cap_of_their_own()
    {
        var main = CompiledTemplate.Main();
        var storage = main.Resources.Single(r => r["name"]?.GetValue<string>() == "storage");
        Assert.Contains("storageLogAnalyticsWorkspaceId", storage["properties"]!["parameters"]!["logAnalyticsWorkspaceId"]!["value"]!.GetValue<string>(), StringComparison.Ordinal);
        var alerts = main.Resources.Single(r => r["name"]?.GetValue<string>() == "alerts");
        var alertsWorkspace = alerts["properties"]!["parameters"]!["logAnalyticsWorkspaceId"]!["value"]!.GetValue<string>();
        Assert.Contains("outputs.logAnalyticsWorkspaceId.value", alertsWorkspace, StringComparison.Ordinal); // the app workspace, not the storage logs one
        var monitoring = main.Module("monitoring");
        var workspaces = monitoring.Resources.Where(r => r["type"]!.GetValue<string>() == "Microsoft.OperationalInsights/workspaces").ToList();
        Assert.Equal(2, workspaces.Count);
        Assert.All(workspaces, w => Assert.NotNull(w["properties"]!["workspaceCapping"]!["dailyQuotaGb"]));
        Assert.NotEqual(monitoring.Evaluate(workspaces[0]["name"]!.GetValue<string>()), monitoring.Evaluate(workspaces[1]["name"]!.GetValue<string>()));
    }
}
