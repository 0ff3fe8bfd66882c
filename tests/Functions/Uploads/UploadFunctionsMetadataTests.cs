using System.Text.Json;
using Pps.Tests.Functions.Returns;

namespace Pps.Tests.Functions.Uploads;

/// <summary>The upload path's functions as the build generated them into functions.metadata.</summary>
public class UploadFunctionsMetadataTests
{
    private static JsonElement Function(JsonDocument metadata, string name)
    {
        var function = metadata.RootElement.EnumerateArray().SingleOrDefault(f => f.GetProperty("name").GetString() == name);
        Assert.True(function.ValueKind == JsonValueKind.Object, $"{name} is not in functions.metadata");
        return function;
    }

    [Fact]
    public void ValidateUploadedWorkbook_is_a_blob_trigger_on_the_uploads_container_setting_with_the_event_grid_source()
    {
        using var metadata = JsonDocument.Parse(File.ReadAllText(FunctionsMetadataTests.MetadataPath()));
        var function = Function(metadata, "ValidateUploadedWorkbook");
        var trigger = function.GetProperty("bindings").EnumerateArray().Single();
        Assert.Equal("blobTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal("%Pps:UploadsContainer%/{name}", trigger.GetProperty("path").GetString());
        // EventGrid, not the default polling source: infra's subscription delivers to the blobs extension webhook.
        Assert.Equal("EventGrid", trigger.GetProperty("source").GetString());
        Assert.Equal("PpsStorage", trigger.GetProperty("connection").GetString());
        // Bound to a BlobClient (deferred binding), never to the bytes.
        Assert.Equal("True", trigger.GetProperty("properties").GetProperty("supportsDeferredBinding").GetString());
        Assert.False(trigger.TryGetProperty("dataType", out var dataType) && dataType.GetString() == "Binary");
    }

    [Theory]
    [InlineData("GetReturnWorkbook", "get", "workbooks/{year:int}/{serviceId:int}")]
    [InlineData("UploadReturnWorkbook", "post", "workbooks/{year:int}/{serviceId:int}/uploads")]
    [InlineData("GetWorkbookReport", "get", "workbooks/{year:int}/{serviceId:int}/uploads/{uploadId}")]
    [InlineData("ImportReturnsCsv", "post", "years/{year:int}/returns/import")]
    public void Each_upload_function_has_its_route_method_and_anonymous_auth_level(string name, string method, string route)
    {
        using var metadata = JsonDocument.Parse(File.ReadAllText(FunctionsMetadataTests.MetadataPath()));
        var trigger = Function(metadata, name).GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString() == "httpTrigger");
        Assert.Equal(route, trigger.GetProperty("route").GetString());
        Assert.Equal([method], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal("Anonymous", trigger.GetProperty("authLevel").GetString());
    }

    [Fact]
    public void The_event_grid_subscription_targets_this_function_through_the_blobs_extension_webhook()
    {
        var bicep = File.ReadAllText(Pps.Tests.Support.RepoFiles.At("infra", "modules", "upload-events-subscription.bicep"));
        Assert.Contains("/runtime/webhooks/blobs?functionName=Host.Functions.${functionName}&code=${blobsExtensionKey}", bicep, StringComparison.Ordinal);
        var main = File.ReadAllText(Pps.Tests.Support.RepoFiles.At("infra", "main.bicep"));
        Assert.Contains("var uploadFunctionName = 'ValidateUploadedWorkbook'", main, StringComparison.Ordinal);
    }
}
