using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Pps.DevHost;
using Pps.Tests.Support;

namespace Pps.Tests.DevHost;

/// <summary>A blob-triggered function of this test assembly, with the contract of the app's ValidateUploadedWorkbook.</summary>
public sealed class RecordingUploadFunction(RecordingUploadFunction.Calls calls)
{
    public sealed class Calls
    {
        public System.Collections.Concurrent.ConcurrentQueue<(string Name, string Content)> Seen { get; } = new();
        public int FailuresLeft { get; set; }
    }

    public async Task Run(BlobClient blob, string name, CancellationToken ct)
    {
        if (calls.FailuresLeft-- > 0) throw new IOException("Simulated failure of the function.");
        calls.Seen.Enqueue((name, (await blob.DownloadContentAsync(ct)).Value.Content.ToString()));
    }
}

/// <summary>The devhost's upload trigger: each new blob in the container becomes one call of the blob-triggered function.</summary>
public class UploadTriggerTests
{
    private const string Metadata = """
        [{
          "name": "RecordUpload",
          "scriptFile": "Pps.Tests.dll",
          "entryPoint": "Pps.Tests.DevHost.RecordingUploadFunction.Run",
          "language": "dotnet-isolated",
          "bindings": [
            { "name": "blob", "direction": "In", "type": "blobTrigger", "path": "%Pps:UploadsContainer%/{name}", "connection": "PpsStorage", "source": "EventGrid" }
          ]
        }]
        """;

    [Fact]
    public async Task Each_new_blob_is_one_call_with_the_blob_and_its_name_and_a_failed_call_is_tried_again()
    {
        var storage = await Azurite.NewStorageAsync();
        var file = Path.Combine(Path.GetTempPath(), $"pps-metadata-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, Metadata);
        try
        {
            var catalog = FunctionCatalog.Load(file);
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["Pps:UploadsContainer"] = storage.Options.UploadsContainer }).Build();
            var calls = new RecordingUploadFunction.Calls();
            var services = new ServiceCollection().AddSingleton(calls).BuildServiceProvider();
            var trigger = UploadTrigger.For(catalog.OfType("blobTrigger").Single(), configuration, new BlobServiceClient(Azurite.ConnectionString));
            Assert.Equal(storage.Options.UploadsContainer, trigger.Container.Name);

            await storage.Uploads.UploadBlobAsync("2013/042/a.xlsx", BinaryData.FromString("first"));
            Assert.Equal(1, await trigger.PollOnceAsync(services, NullLogger.Instance, default));
            Assert.Equal(0, await trigger.PollOnceAsync(services, NullLogger.Instance, default)); // nothing new: no second call
            Assert.Equal(("2013/042/a.xlsx", "first"), Assert.Single(calls.Seen));

            calls.FailuresLeft = 1;
            await storage.Uploads.UploadBlobAsync("2013/043/b.xlsx", BinaryData.FromString("second"));
            Assert.Equal(0, await trigger.PollOnceAsync(services, NullLogger.Instance, default)); // the call threw
            Assert.Equal(1, await trigger.PollOnceAsync(services, NullLogger.Instance, default)); // at least once: tried again
            Assert.Equal(("2013/043/b.xlsx", "second"), calls.Seen.Last());
            Assert.Equal(2, calls.Seen.Count);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_function_taking_a_FunctionContext_is_refused_with_a_clear_message()
    {
        var file = Path.Combine(Path.GetTempPath(), $"pps-metadata-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, """
            [{ "name": "NeedsContext", "scriptFile": "Pps.Tests.dll", "entryPoint": "Pps.Tests.DevHost.NeedsContextFunction.Run",
               "bindings": [ { "name": "request", "direction": "In", "type": "httpTrigger", "methods": ["get"], "route": "ctx" } ] }]
            """);
        try
        {
            var function = FunctionCatalog.Load(file).Functions.Single();
            var error = Assert.Throws<NotSupportedException>(() => FunctionInvoker.CheckBindable(function, _ => true));
            Assert.Contains("parameter context is a FunctionContext", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}

public sealed class NeedsContextFunction
{
    public static string Run(Microsoft.AspNetCore.Http.HttpRequest request, Microsoft.Azure.Functions.Worker.FunctionContext context) => context.FunctionId;
}
