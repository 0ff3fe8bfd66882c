using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pps.Core.Backup;
using Pps.Core.Catalogue;
using Pps.Core.Mail;
using Pps.Core.Publishing;
using Pps.Core.Storage;
using Pps.Core.Telemetry;
using Pps.Core.Uploads;
using Pps.Functions.Setup;
using Pps.Tests.Infra;
using Pps.Tests.Publishing;
using Pps.Tests.Support;

namespace Pps.Tests.Telemetry;

/// <summary>
/// The alerts hold to the telemetry the code really emits. The app's graph is built with its production telemetry
/// (AddPpsTelemetry: OpenTelemetry and the Azure Monitor exporter, as functions/Program.cs does), whose connection
/// string points at a listener on loopback standing in for Application Insights' ingestion endpoint. Each failure
/// is made to happen for real; the envelopes the exporter sends are mapped to the Log Analytics tables the
/// workspace-based resource stores them in (MessageData to AppTraces with Message; ExceptionData to AppExceptions),
/// and each alert's query, as compiled from the Bicep (infra/.out/main.json), must find its failure there: the
/// table it reads, and the field and text it filters on.
/// </summary>
public class AlertTelemetryTests
{
    private static readonly DateTimeOffset Closes = new(2013, 10, 31, 17, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Each_failure_lands_where_its_alert_looks()
    {
        await using var ingestion = new IngestionListener();
        var copyMissing = "backupcopy-none-" + Guid.NewGuid().ToString("N")[..8];
        var clock = new FakeClock(Closes.AddDays(2));
        var app = await StartAsync(clock, ingestion.ConnectionString, copyMissing);
        var rows = new List<Row>();
        var upload = UploadName.New(2013, 42);
        try
        {
            var storage = app.GetRequiredService<PpsStorage>();
            await app.GetRequiredService<CollectionYearStore>().SaveAsync(
                new CollectionYear { Year = 2013, Opens = Closes.AddDays(-60), Closes = Closes, NationalServiceCount = 150 }, null);

            // 1. A failed close: the publisher's first write throws.
            await Assert.ThrowsAsync<IOException>(() => app.GetRequiredService<YearCloser>().CloseDueYearsAsync());

            // 2. A backup (written) and a missed one: its copy's container does not exist, so it fails.
            await app.GetRequiredService<TableBackup>().BackupAsync();
            await Assert.ThrowsAsync<Azure.RequestFailedException>(() => Backup(app, storage, copyMissing).BackupAsync());

            // 3. An upload whose check fails on every attempt (its blob is gone): the last attempt gives up.
            var blob = storage.Uploads.GetBlobClient(upload.BlobName);
            var intake = app.GetRequiredService<WorkbookIntake>();
            for (var attempt = 1; attempt < WorkbookIntake.MaxAttempts; attempt++)
            {
                await Assert.ThrowsAsync<Azure.RequestFailedException>(() => intake.CheckAsync(blob, default));
            }
            Assert.Equal(UploadStatus.Failed, (await intake.CheckAsync(blob, default))!.Status);

            // 4. A mail whose last delivery fails: it goes to the poison queue.
            await app.GetRequiredService<ContactStore>().SaveAsync(42, null, "Kim Officer", "kim@example.org", "nppn", clock.GetUtcNow());
            var message = new OutboxMessage(MailKinds.Receipt, "receipt-2013-042-r1", 2013, 42, clock.GetUtcNow(), Revision: 1).ToJson();
            var max = new MailOptions().MaxAttempts;
            await Assert.ThrowsAsync<IOException>(() => app.GetRequiredService<MailDispatcher>().DispatchAsync(message, max, default));
        }
        finally
        {
            foreach (var hosted in app.GetServices<Microsoft.Extensions.Hosting.IHostedService>().Reverse()) await hosted.StopAsync(default);
            await app.DisposeAsync(); // flushes the exporter
            rows.AddRange(ingestion.Rows());
        }
        Assert.NotEmpty(rows);

        var closeFailed = Alert("close-failed");
        Assert.Contains(rows, row => closeFailed.Finds(row) && row.Text.Contains("2013", StringComparison.Ordinal));
        Assert.Contains(rows, row => row.Table == "AppExceptions" && closeFailed.Finds(row)); // with its exception

        // backup-missed fires when nothing matches for 25 h: the written backup matches, the failed one does not.
        var backupMissed = Alert("backup-missed");
        var backups = rows.Where(backupMissed.Finds).ToList();
        Assert.Single(backups);
        Assert.Equal("AppTraces", backups[0].Table);

        var uploadFailed = Alert("upload-check-failed");
        Assert.Contains(rows, row => uploadFailed.Finds(row) && row.Text.Contains(upload.BlobName, StringComparison.Ordinal));

        var mailDeadLettered = Alert("mail-dead-lettered");
        Assert.Contains(rows, row => mailDeadLettered.Finds(row) && row.Text.Contains("receipt-2013-042-r1", StringComparison.Ordinal));

        // And no alert fires on what is not its failure: only the close's rows match close-failed.
        Assert.DoesNotContain(rows, row => closeFailed.Finds(row) && (uploadFailed.Finds(row) || mailDeadLettered.Finds(row)));
    }

    private static TableBackup Backup(IServiceProvider app, PpsStorage storage, string copyContainer) => new(storage,
        new BackupCopy(new BlobServiceClient(Azurite.ConnectionString).GetBlobContainerClient(copyContainer)),
        app.GetRequiredService<TimeProvider>(), app.GetRequiredService<ILogger<TableBackup>>());

    /// <summary>As tests/Support/AppServices, plus the app's production telemetry (functions/Program.cs), a publisher that fails and a relay that refuses.</summary>
    private static async Task<ServiceProvider> StartAsync(TimeProvider clock, string telemetryConnection, string id)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [StorageSetup.ConnectionName] = Azurite.ConnectionString,
            ["Pps:TablePrefix"] = "t" + id.Replace("-", "", StringComparison.Ordinal)[^10..],
            ["Pps:UploadsContainer"] = "uploads-" + id,
            ["Pps:ReportsContainer"] = "reports-" + id,
            ["Pps:PublishedContainer"] = "published-" + id,
            ["Pps:ReferenceContainer"] = "reference-" + id,
            ["Pps:ProvisionalContainer"] = "provisional-" + id,
            ["Pps:BackupsContainer"] = "backups-" + id,
            ["Pps:AdminTokenSha256"] = CredentialStore.Sha256Hex("admin-" + id),
            [TelemetrySetup.ConnectionStringSetting] = telemetryConnection,
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton(clock);
        services.AddSingleton(provider => new Publisher(
            new PublishingFixtures.FailingStore(BlobPublishedStore.For(provider.GetRequiredService<PpsStorage>()), 0), clock));
        services.AddSingleton<IMailSender, RefusingRelay>();
        services.AddPpsApp(configuration);
        services.AddPpsTelemetry(configuration);
        var provider = services.BuildServiceProvider();
        // As the host starts them: OpenTelemetry's providers and the Azure Monitor exporter's registration are hosted
        // services, and so is the storage initializer.
        foreach (var hosted in provider.GetServices<Microsoft.Extensions.Hosting.IHostedService>()) await hosted.StartAsync(default);
        return provider;
    }

    private sealed class RefusingRelay : IMailSender
    {
        public Task SendAsync(ComposedMail mail, CancellationToken ct) => throw new IOException("The relay refused the login.");
    }

    /// <summary>A row of a Log Analytics table: its table, the field the alerts filter on (Message) and every column's text.</summary>
    private sealed record Row(string Table, string? Message, string Text);

    /// <summary>
    /// An alert's query from the compiled template, read for what it filters on. The queries take two forms (a test
    /// below keeps it so): <c>search in (T1, T2) "a" or "b"</c> (the terms in any column of those tables) and
    /// <c>T | ... | where Message startswith "a" [or Message startswith "b"]</c>.
    /// </summary>
    private sealed record AlertQuery(string Name, string Query, IReadOnlyList<string> Tables, IReadOnlyList<string> SearchTerms, IReadOnlyList<string> MessagePrefixes)
    {
        public bool Finds(Row row) => Tables.Contains(row.Table)
            && (SearchTerms.Any(t => row.Text.Contains(t, StringComparison.OrdinalIgnoreCase))
                || MessagePrefixes.Any(p => row.Message?.StartsWith(p, StringComparison.OrdinalIgnoreCase) == true));
    }

    private static AlertQuery Alert(string name)
    {
        var alerts = CompiledTemplate.Main().Module("alerts");
        var alert = alerts.Variable("logAlerts").AsArray().Single(a => a!["name"]!.GetValue<string>() == name)!;
        var query = alerts.Evaluate(alert["query"]!.GetValue<string>());
        Assert.False(query.StartsWith('['), $"{name}: the query did not evaluate: {query}");
        var search = Regex.Match(query, @"^search in \(([^)]*)\) (.*)$");
        if (search.Success)
        {
            var tables = search.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries);
            var terms = Regex.Matches(search.Groups[2].Value, "\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
            Assert.Equal(search.Groups[2].Value, string.Join(" or ", terms.Select(t => $"\"{t}\"")));
            return new AlertQuery(name, query, tables, terms, []);
        }
        var read = Regex.Matches(query, @"(?:^|;\s*|\(\s*)(App\w+)\s*\|").Select(m => m.Groups[1].Value).Distinct().ToList();
        var prefixes = Regex.Matches(query, "Message startswith \"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.True(read.Count > 0 && prefixes.Count > 0, $"{name}: a query this test cannot read: {query}");
        return new AlertQuery(name, query, read, [], prefixes);
    }

    [Fact]
    public void The_app_log_alerts_are_in_the_forms_the_telemetry_test_reads()
    {
        foreach (var name in new[] { "close-failed", "backup-missed", "upload-check-failed", "mail-dead-lettered", "close-silent" })
        {
            var alert = Alert(name);
            Assert.NotEmpty(alert.Tables);
        }
        Assert.Equal(PpsTelemetry.UploadCheckFailedEvent, Alert("upload-check-failed").SearchTerms[0]);
        Assert.Equal(PpsTelemetry.CloseFailedEvent, Alert("close-failed").SearchTerms[0]);
        Assert.Equal([PpsTelemetry.MailDeadLetteredEvent, PpsTelemetry.MailNotQueuedEvent], Alert("mail-dead-lettered").MessagePrefixes);
        Assert.Equal([PpsTelemetry.BackupWrittenEvent], Alert("backup-missed").MessagePrefixes);
        Assert.Equal([PpsTelemetry.CloseCheckedEvent], Alert("close-silent").MessagePrefixes);
    }

    /// <summary>
    /// Application Insights' ingestion endpoint on loopback: accepts the exporter's POSTs to /v2.1/track (gzip, one
    /// JSON envelope a line), keeps the envelopes, and maps them to Log Analytics rows.
    /// </summary>
    private sealed class IngestionListener : IAsyncDisposable
    {
        private readonly HttpListener listener = new();
        private readonly List<JsonNode> envelopes = [];
        private readonly Task loop;

        public IngestionListener()
        {
            var port = FreePort();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            listener.Start();
            ConnectionString = $"InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint=http://127.0.0.1:{port}/;LiveEndpoint=http://127.0.0.1:{port}/";
            loop = Task.Run(LoopAsync);
        }

        public string ConnectionString { get; }

        private async Task LoopAsync()
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }
                var received = 0;
                if (context.Request.Url!.AbsolutePath.EndsWith("/track", StringComparison.Ordinal))
                {
                    Stream body = context.Request.InputStream;
                    if (context.Request.Headers["Content-Encoding"] == "gzip") body = new GZipStream(body, CompressionMode.Decompress);
                    using var reader = new StreamReader(body);
                    foreach (var line in (await reader.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        lock (envelopes) envelopes.Add(JsonNode.Parse(line)!);
                        received++;
                    }
                }
                var answer = System.Text.Encoding.UTF8.GetBytes($"{{\"itemsReceived\":{received},\"itemsAccepted\":{received},\"errors\":[]}}");
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/json";
                await context.Response.OutputStream.WriteAsync(answer);
                context.Response.Close();
            }
        }

        /// <summary>The envelopes as Log Analytics stores them (the workspace-based schema): the log tables only.</summary>
        public IReadOnlyList<Row> Rows()
        {
            lock (envelopes)
            {
                return envelopes.Select(e => (Type: e["data"]?["baseType"]?.GetValue<string>(), Data: e["data"]?["baseData"]))
                    .Where(e => e.Type is "MessageData" or "ExceptionData")
                    .Select(e => e.Type == "MessageData"
                        ? new Row("AppTraces", e.Data?["message"]?.GetValue<string>(), e.Data!.ToJsonString())
                        : new Row("AppExceptions", null, e.Data!.ToJsonString()))
                    .ToList();
            }
        }

        public async ValueTask DisposeAsync()
        {
            listener.Stop();
            listener.Close();
            await loop;
        }

        private static int FreePort()
        {
            using var socket = new TcpListener(IPAddress.Loopback, 0);
            socket.Start();
            return ((IPEndPoint)socket.LocalEndpoint).Port;
        }
    }
}
