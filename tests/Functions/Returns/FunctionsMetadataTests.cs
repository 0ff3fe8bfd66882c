using System.Text.Json;

namespace Pps.Tests.Functions.Returns;

/// <summary>The routes, methods and authorization levels the build generated into functions.metadata.</summary>
public class FunctionsMetadataTests
{
    public static TheoryData<string, string, string> Expected => new()
    {
        { "GetReturn", "get", "returns/{year:int}/{serviceId:int}" },
        { "SaveReturnDraft", "put", "returns/{year:int}/{serviceId:int}" },
        { "SubmitReturn", "post", "returns/{year:int}/{serviceId:int}/submit" },
        { "ReopenReturn", "post", "returns/{year:int}/{serviceId:int}/reopen" },
        { "GetReturnHistory", "get", "returns/{year:int}/{serviceId:int}/history" },
        { "GetReturnRevision", "get", "returns/{year:int}/{serviceId:int}/history/{revision:int}" },
        { "GetYear", "get", "years/{year:int}" },
        { "SetYearWindow", "put", "years/{year:int}" },
        { "GetNarrative", "get", "years/{year:int}/narrative" },
        { "SaveNarrative", "put", "years/{year:int}/narrative" },
        { "GrantExtension", "post", "years/{year:int}/extensions/{serviceId:int}" },
        { "GetCompleteness", "get", "years/{year:int}/completeness" },
        { "IssueCredential", "post", "credentials" },
        { "RevokeCredential", "delete", "credentials/{id}" },
        { "ImportReferenceData", "post", "reference-data" },
        { "RecomputeNational", "post", "years/{year:int}/recompute" },
        { "PreviewClose", "get", "years/{year:int}/close" },
        { "CloseAndPublish", "post", "years/{year:int}/close" },
        { "RollBackPublished", "post", "years/{year:int}/published/{version}/restore" },
        { "GetProvisionalFile", "get", "provisional/{*path}" },
        { "ListYears", "get", "years" },
        { "WithdrawExtension", "delete", "years/{year:int}/extensions/{serviceId:int}" },
        { "ListCredentials", "get", "credentials" },
        { "WhoAmI", "get", "me" },
        { "ListPublishedVersions", "get", "years/{year:int}/published" },
        { "GetPublishedVersion", "get", "years/{year:int}/published/{version}" },
        { "GetPublishedFigure", "get", "years/{year:int}/published/{version}/figures/{figureId}" },
        { "ImportStatisticalNeighbours", "post", "statistical-neighbours" },
        { "GetReturnDefinition", "get", "definitions/{year:int}" },
        { "GetReturnDefinitionDocument", "get", "definitions/{year:int}/document" },
        { "PublishReturnDefinition", "put", "definitions/{year:int}" },
        { "CheckReturnDefinition", "post", "definitions/{year:int}/check" },
        { "IssueStaffCredential", "post", "staff" },
        { "ListStaffCredentials", "get", "staff" },
        { "RevokeStaffCredential", "delete", "staff/{id}" },
    };

    /// <summary>
    /// functions.metadata as the Functions SDK wrote it next to Pps.Functions.dll: in this test's output
    /// folder (copied with the project reference) or in the functions project's own output.
    /// </summary>
    internal static string MetadataPath()
    {
        var here = AppContext.BaseDirectory;
        var candidates = new List<string> { Path.Combine(here, "functions.metadata") };
        var dir = new DirectoryInfo(here);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PPS.Serverless.sln"))) dir = dir.Parent;
        if (dir is not null)
        {
            var configuration = new DirectoryInfo(here).Parent?.Parent?.Name ?? "Release";
            candidates.Add(Path.Combine(dir.FullName, "functions", "bin", configuration, "net10.0", "functions.metadata"));
        }
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException("functions.metadata was not found; build the functions project first.", candidates[0]);
    }

    [Theory]
    [MemberData(nameof(Expected))]
    public void Each_api_function_has_its_route_method_and_anonymous_auth_level(string name, string method, string route)
    {
        using var metadata = JsonDocument.Parse(File.ReadAllText(MetadataPath()));
        var function = metadata.RootElement.EnumerateArray().SingleOrDefault(f => f.GetProperty("name").GetString() == name);
        Assert.True(function.ValueKind == JsonValueKind.Object, $"{name} is not in functions.metadata");
        var trigger = function.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString() == "httpTrigger");
        Assert.Equal(route, trigger.GetProperty("route").GetString());
        Assert.Equal([method], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        // Anonymous at the host on purpose: the bearer-token check in PpsAuthenticator scopes each credential to one service.
        Assert.Equal("Anonymous", trigger.GetProperty("authLevel").GetString());
    }

    [Fact]
    public void Every_http_function_of_the_returns_api_is_in_this_list()
    {
        using var metadata = JsonDocument.Parse(File.ReadAllText(MetadataPath()));
        var http = metadata.RootElement.EnumerateArray()
            .Where(f => f.GetProperty("bindings").EnumerateArray().Any(b => b.GetProperty("type").GetString() == "httpTrigger"))
            .Where(f => f.GetProperty("entryPoint").GetString() is { } entry
                && (entry.StartsWith("Pps.Functions.Returns.", StringComparison.Ordinal) || entry.StartsWith("Pps.Functions.Admin.", StringComparison.Ordinal)
                    || entry.StartsWith("Pps.Functions.Publishing.", StringComparison.Ordinal) || entry.StartsWith("Pps.Functions.Definitions.", StringComparison.Ordinal)))
            .Select(f => f.GetProperty("name").GetString()!)
            .ToHashSet();
        Assert.Equal(Expected.Select(row => (string)row[0]).ToHashSet(), http);
    }

    [Fact]
    public void The_close_of_year_timer_takes_its_schedule_from_a_setting_never_runs_on_startup_and_retries()
    {
        using var metadata = JsonDocument.Parse(File.ReadAllText(MetadataPath()));
        var function = metadata.RootElement.EnumerateArray().Single(f => f.GetProperty("name").GetString() == "CloseCollectionYears");
        var trigger = function.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString() == "timerTrigger");
        Assert.Equal("%CloseYearSchedule%", trigger.GetProperty("schedule").GetString());
        Assert.False(trigger.TryGetProperty("runOnStartup", out var startup) && startup.GetBoolean());
        var retry = function.GetProperty("retry");
        Assert.Equal("fixedDelay", retry.GetProperty("strategy").GetString());
        Assert.Equal(3, retry.GetProperty("maxRetryCount").GetInt32());
    }
}
