using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Pps.Core.Catalogue;
using Pps.Core.Storage;
using Pps.Synthetic;
using Pps.Tests.Support;
using Xunit.Abstractions;
using static Pps.Tests.Support.Window2013;

namespace Pps.Tests.DevHost;

/// <summary>
/// Issue 23, "Faults": storage that fails a share of its calls (503, 500, timeouts, a connection reset after the write
/// reached storage) while 16 writers save and submit whole returns over HTTP through the devhost, NPPN recomputes, and
/// then the close runs. Every acknowledged change is stored once with its audit row, nothing is applied twice or refused
/// falsely, the close publishes what a fault-free run publishes (or nothing, and then succeeds when tried again), and
/// every failure a caller sees is problem details with a correlation id.
/// </summary>
public class StorageFaultsHttpTests(ITestOutputHelper output)
{
    private const int Writers = 16;
    private const int ServicesPerWriter = 4;
    private const double CloseOutageShare = 0.002;

    private sealed record Ack(int ServiceId, int Revision, string Action);

    [Theory]
    [InlineData(23)]
    [InlineData(2213)]
    public async Task Under_storage_faults_every_acknowledged_change_is_stored_once_and_the_close_publishes_the_same_set(int seed)
    {
        var clock = Stopwatch.StartNew();
        var faults = new StorageFaults(seed, share: 0.12, outageShare: 0.012);
        await using var host = await DevHostFixture.StartAsync(configure: faults.AddTo);
        using var nppn = Client(host, DevHostFixture.AdminToken);
        var opened = await nppn.PutAsJsonAsync("api/years/2013", new { opens = Opens, closes = Closes, nationalServiceCount = 150 });
        Assert.True(opened.IsSuccessStatusCode, await opened.Content.ReadAsStringAsync());
        var services = ServiceCatalogue.BuiltIn.ExistingIn(2013).Select(s => s.Id).Take(Writers * ServicesPerWriter).ToList();
        var clients = new Dictionary<int, HttpClient>();
        foreach (var id in services) clients[id] = Client(host, await host.TokenForAsync(id));

        var acks = new ConcurrentBag<Ack>();
        var failedWrites = new ConcurrentDictionary<int, int>();
        var answers = new ConcurrentBag<(string What, HttpStatusCode Status)>();
        faults.Enabled = true;

        // 16 writers, each a service's officer with the form: save the whole return, then submit it; after a failure,
        // read the return again (as the problem says to) and carry on from what is stored.
        using var writersDone = new CancellationTokenSource();
        var recomputes = RecomputeWhileAsync(nppn, answers, writersDone.Token);
        await Parallel.ForEachAsync(services.Chunk(ServicesPerWriter), new ParallelOptions { MaxDegreeOfParallelism = Writers }, async (mine, _) =>
        {
            foreach (var id in mine) await SaveAndSubmitAsync(clients[id], id, acks, failedWrites, answers);
        });
        writersDone.Cancel();
        await recomputes;

        // The close, run as NPPN runs it once the window has passed, until it answers 200; between attempts the public
        // set is either none (there was none before) or the one the year says it published: never a half-state.
        host.Clock.Now = Closes.AddMinutes(1);
        output.WriteLine($"writers: {faults.Calls} storage calls");
        // A close makes some hundreds of storage calls, each of which must succeed: at the writers' share of outages no
        // attempt would. Fewer outages here; the ones left still fail some attempts.
        faults.OutageShare = CloseOutageShare;
        JsonNode? closed = null;
        for (var attempt = 1; closed is null; attempt++)
        {
            Assert.True(attempt <= 10, "The close did not succeed in 10 attempts.");
            var response = await nppn.PostAsync("api/years/2013/recompute", null);
            answers.Add(("close", response.StatusCode));
            if (response.StatusCode == HttpStatusCode.OK)
            {
                closed = JsonNode.Parse(await response.Content.ReadAsStringAsync());
                continue;
            }
            output.WriteLine($"close attempt {attempt}: {(int)response.StatusCode} after {faults.Calls} storage calls");
            await AssertServerProblemAsync(response, "the close");
            faults.Enabled = false;
            // None shown (as before the close), or the new set whole: made public before a later step failed (the
            // index's entry, the year's record of it), which the next attempt completes. Checked to the byte below.
            await PublicSetAsync(host);
            faults.Enabled = true;
        }
        faults.Enabled = false;
        output.WriteLine($"seed {seed}: {acks.Count} acknowledged, {failedWrites.Values.Sum()} writes answered 5xx; answers: " +
            string.Join(", ", answers.GroupBy(a => (a.What, a.Status)).OrderBy(g => g.Key.What).Select(g => $"{g.Key.What} {(int)g.Key.Status}: {g.Count()}")));
        output.WriteLine("faults: " + string.Join(", ", faults.Injected.OrderBy(f => f.Key.ToString()).Select(f => $"{f.Key.Kind} {f.Key.Method}: {f.Value}")));

        // The faults were real: every kind, resets after a write among them, and some outlasted the SDK's retries.
        foreach (var kind in Enum.GetValues<StorageFaults.Kind>()) Assert.Contains(faults.Injected, f => f.Key.Kind == kind);
        Assert.Contains(faults.Injected, f => f.Key is (StorageFaults.Kind.ResetAfterSend or StorageFaults.Kind.TimeoutAfterSend, "PUT" or "POST" or "MERGE"));
        Assert.Contains(answers, a => a.Status == HttpStatusCode.ServiceUnavailable);
        // A change refused as someone else's, when no one else writes these returns, is a false failure.
        Assert.DoesNotContain(answers, a => a.Status == HttpStatusCode.PreconditionFailed);

        await AssertEveryChangeStoredOnceAsync(host, nppn, services, acks, failedWrites);

        // The same data, published again with no faults: the same files, byte for byte (each is named by its hash).
        await AssertPublishedIsWholeAsync(host);
        var published = JsonNode.Parse(await host.Site.GetStringAsync("data/2013/manifest.json"))!;
        Assert.Equal((string?)closed!["version"], (string?)published["version"]);
        var again = await nppn.PostAsync("api/years/2013/recompute", null);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var faultFree = JsonNode.Parse(await host.Site.GetStringAsync("data/2013/manifest.json"))!;
        Assert.Equal((string?)JsonNode.Parse(await again.Content.ReadAsStringAsync())!["version"], (string?)faultFree["version"]);
        Assert.NotEqual((string?)published["version"], (string?)faultFree["version"]);
        Assert.Equal(Files(faultFree), Files(published));
        var submitted = services.Count(id => acks.Any(a => a.ServiceId == id && a.Action == "submit")
            || failedWrites.ContainsKey(id)); // a submit answered 5xx may have been stored: counted below from storage
        var stored = await host.Storage.Returns.QueryAsync<TableEntity>(e => e.PartitionKey == Keys.Year(2013)).CountAsync(e => e.GetDateTimeOffset("SubmittedAt") is not null);
        Assert.Equal(stored, (int)published["returns"]!);
        Assert.True(stored >= services.Count(id => acks.Any(a => a.ServiceId == id && a.Action == "submit")));
        Assert.True(stored <= submitted);
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), $"took {clock.Elapsed}");
    }

    /// <summary>
    /// A storage call of the publication that fails for every retry (an outage), at each step in turn: the version
    /// manifest, the year's current manifest, the public index, the year's record of what it published.
    /// </summary>
    public static TheoryData<string> PublishingSteps => new() { "version manifest", "current manifest", "index", "year" };

    /// <summary>
    /// Issue 23, "Faults": a close that fails part-way leaves the previous set current. A year already published (version
    /// 1) is published again after NPPN amended a return; an outage fails that at one step. The caller is told (503,
    /// problem details, correlation id), and the public set, its index and the year all still say version 1, whole; the
    /// next attempt publishes the new version everywhere, with the files a run without faults makes.
    /// </summary>
    [Theory]
    [MemberData(nameof(PublishingSteps))]
    public async Task A_publication_failing_at_any_step_leaves_the_previous_set_current_and_whole_and_the_retry_publishes(string step)
    {
        var faults = new StorageFaults(seed: 1, share: 0, outageShare: 0);
        await using var host = await DevHostFixture.StartAsync(configure: faults.AddTo);
        using var nppn = Client(host, DevHostFixture.AdminToken);
        var opened = await nppn.PutAsJsonAsync("api/years/2013", new { opens = Opens, closes = Closes, nationalServiceCount = 150 });
        Assert.True(opened.IsSuccessStatusCode, await opened.Content.ReadAsStringAsync());
        foreach (var id in new[] { 42, 43, 44 })
        {
            using var service = Client(host, await host.TokenForAsync(id));
            var saved = await service.PutAsJsonAsync($"api/returns/2013/{id}", new { values = ExampleReturn.Full(2013, caseworkUsers: 300 + id) });
            var submit = new HttpRequestMessage(HttpMethod.Post, $"api/returns/2013/{id}/submit");
            submit.Headers.TryAddWithoutValidation("If-Match", saved.Headers.NonValidated["ETag"].ToString());
            Assert.Equal(HttpStatusCode.OK, (await service.SendAsync(submit)).StatusCode);
        }
        host.Clock.Now = Closes.AddMinutes(1);
        var first = await nppn.PostAsync("api/years/2013/recompute", null);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var previous = (string?)JsonNode.Parse(await first.Content.ReadAsStringAsync())!["version"];
        await AssertPublishedIsWholeAsync(host);

        // NPPN corrects 43's return; the figures change, so a new version is due.
        host.Clock.Now = Closes.AddDays(2);
        var current = await nppn.GetAsync("api/returns/2013/43");
        var amend = new HttpRequestMessage(HttpMethod.Put, "api/returns/2013/43")
        {
            Content = JsonContent.Create(new { values = ExampleReturn.Full(2013, caseworkUsers: 999), reason = "Casework users confirmed by phone" }),
        };
        amend.Headers.TryAddWithoutValidation("If-Match", current.Headers.NonValidated["ETag"].ToString());
        var amended = await nppn.SendAsync(amend);
        Assert.True(amended.StatusCode == HttpStatusCode.OK, await amended.Content.ReadAsStringAsync());

        var published = $"/{host.Storage.Published.Name}/";
        Func<Azure.Core.Request, bool> match = step switch
        {
            "version manifest" => r => r.Method == Azure.Core.RequestMethod.Put && r.Uri.Path.Contains(published, StringComparison.Ordinal)
                && r.Uri.Path.Contains("/2013/versions/", StringComparison.Ordinal) && r.Uri.Path.EndsWith("/manifest.json", StringComparison.Ordinal),
            "current manifest" => r => r.Method == Azure.Core.RequestMethod.Put && r.Uri.Path.Contains(published, StringComparison.Ordinal)
                && r.Uri.Path.EndsWith("/2013/manifest.json", StringComparison.Ordinal) && !r.Uri.Path.Contains("/versions/", StringComparison.Ordinal),
            "index" => r => r.Method == Azure.Core.RequestMethod.Put && r.Uri.Path.Contains(published, StringComparison.Ordinal)
                && r.Uri.Path.EndsWith("/index.json", StringComparison.Ordinal),
            _ => r => r.Method != Azure.Core.RequestMethod.Get && r.Uri.Path.Contains($"/{host.Storage.Years.Name}", StringComparison.Ordinal),
        };
        for (var i = 0; i <= StorageFaults.MaxRetries; i++) faults.Once(match, StorageFaults.Kind.Unavailable);
        var failed = await nppn.PostAsync("api/years/2013/recompute", null);
        await AssertServerProblemAsync(failed, $"the publication failing at the {step}");
        Assert.Contains(faults.Injected, f => f.Key.Kind == StorageFaults.Kind.Unavailable);

        // Until the current manifest is replaced, the previous set is the public one, whole, in the manifest, the index and
        // the year alike. Once it is, the new set is public, whole, and only the records after it (the index's entry, the
        // year's) lag until the retry; the year never records a version before it is public.
        var shown = await PublicSetAsync(host);
        Assert.Equal(previous, (await host.Services.GetRequiredService<CollectionYearStore>().GetAsync(2013))!.Value.Year.PublishedVersion);
        if (step is "version manifest" or "current manifest")
        {
            await AssertPublishedIsWholeAsync(host);
            Assert.Equal(previous, shown);
        }
        else
        {
            Assert.NotEqual(previous, shown);
        }
        var failedSet = JsonNode.Parse(await host.Site.GetStringAsync("data/2013/manifest.json"))!;

        var retried = await nppn.PostAsync("api/years/2013/recompute", null);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        var version = (string?)JsonNode.Parse(await retried.Content.ReadAsStringAsync())!["version"];
        Assert.NotEqual(previous, version);
        await AssertPublishedIsWholeAsync(host);
        var after = JsonNode.Parse(await host.Site.GetStringAsync("data/2013/manifest.json"))!;
        Assert.Equal(version, (string?)after["version"]);

        // The files a run without faults makes from the same returns (and the failed run had made, when it got as far).
        var again = await nppn.PostAsync("api/years/2013/recompute", null);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var faultFree = Files(JsonNode.Parse(await host.Site.GetStringAsync("data/2013/manifest.json"))!);
        Assert.Equal(faultFree, Files(after));
        if (shown != previous) Assert.Equal(faultFree, Files(failedSet));
        else Assert.NotEqual(faultFree, Files(failedSet)); // 43's correction changed the figures
    }

    private static async Task SaveAndSubmitAsync(HttpClient client, int id, ConcurrentBag<Ack> acks, ConcurrentDictionary<int, int> failedWrites,
        ConcurrentBag<(string What, HttpStatusCode Status)> answers)
    {
        string? etag = null;
        var values = ExampleReturn.Full(2013, caseworkUsers: 300 + id);
        for (var attempt = 1; ; attempt++)
        {
            Assert.True(attempt <= 10, $"service {id}: the save did not succeed in 10 attempts");
            var request = new HttpRequestMessage(HttpMethod.Put, $"api/returns/2013/{id}") { Content = JsonContent.Create(new { values }) };
            if (etag is not null) request.Headers.TryAddWithoutValidation("If-Match", etag);
            var response = await client.SendAsync(request);
            answers.Add(("save", response.StatusCode));
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var saved = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
                acks.Add(new Ack(id, (int)saved["revision"]!, "save-draft"));
                etag = response.Headers.NonValidated["ETag"].ToString();
                break;
            }
            await FailedAsync(response, id, failedWrites, $"service {id}'s save");
            etag = (string?)(await ReadAsync(client, id, answers))["eTag"];
        }
        for (var attempt = 1; ; attempt++)
        {
            Assert.True(attempt <= 10, $"service {id}: the submit did not succeed in 10 attempts");
            var request = new HttpRequestMessage(HttpMethod.Post, $"api/returns/2013/{id}/submit");
            request.Headers.TryAddWithoutValidation("If-Match", etag);
            var response = await client.SendAsync(request);
            answers.Add(("submit", response.StatusCode));
            if (response.StatusCode == HttpStatusCode.OK)
            {
                acks.Add(new Ack(id, (int)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["revision"]!, "submit"));
                return;
            }
            await FailedAsync(response, id, failedWrites, $"service {id}'s submit");
            var current = await ReadAsync(client, id, answers);
            // The submit that failed was stored after all (the answer was lost, not the write): the officer sees it submitted.
            if ((string?)current["status"] == "submitted") return;
            etag = (string?)current["eTag"];
        }
    }

    /// <summary>A write that did not answer 200: only a server-side failure is allowed here, as problem details with a correlation id.</summary>
    private static async Task FailedAsync(HttpResponseMessage response, int id, ConcurrentDictionary<int, int> failedWrites, string what)
    {
        if (response.StatusCode == HttpStatusCode.PreconditionFailed) return; // counted and refused as a whole by the caller's assertion
        await AssertServerProblemAsync(response, what);
        failedWrites.AddOrUpdate(id, 1, (_, n) => n + 1);
    }

    /// <summary>The return as stored (revision 0, no ETag, before the first save), read until the read succeeds (a read that fails must fail as problem details too).</summary>
    private static async Task<JsonNode> ReadAsync(HttpClient client, int id, ConcurrentBag<(string What, HttpStatusCode Status)> answers)
    {
        for (var attempt = 1; ; attempt++)
        {
            Assert.True(attempt <= 10, $"service {id}: the read did not succeed in 10 attempts");
            var response = await client.GetAsync($"api/returns/2013/{id}");
            answers.Add(("read", response.StatusCode));
            if (response.StatusCode == HttpStatusCode.OK) return JsonNode.Parse(await response.Content.ReadAsStringAsync());
            await AssertServerProblemAsync(response, $"service {id}'s read");
        }
    }

    private static async Task RecomputeWhileAsync(HttpClient nppn, ConcurrentBag<(string What, HttpStatusCode Status)> answers, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var response = await nppn.PostAsync("api/years/2013/recompute", null, CancellationToken.None);
            answers.Add(("recompute", response.StatusCode));
            if (response.StatusCode != HttpStatusCode.OK) await AssertServerProblemAsync(response, "a provisional recompute");
            try
            {
                await Task.Delay(200, stop);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    /// <summary>
    /// Storage that did not answer, after the SDK's retries: 503 with Retry-After (the caller may try again; nothing here
    /// is a fault of the request or a defect to report), as problem details with a correlation id.
    /// </summary>
    private static async Task AssertServerProblemAsync(HttpResponseMessage response, string what)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{what} answered {(int)response.StatusCode}: {body}");
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var correlationId = (string?)JsonNode.Parse(body)!["correlationId"];
        Assert.False(string.IsNullOrEmpty(correlationId), $"{what}: no correlation id in {body}");
    }

    /// <summary>
    /// What the public site shows of 2013, read as the site reads it: the index, the manifest its 2013 entry points at and
    /// every file that lists, each there at its size. Null when the index lists no 2013 (nothing is shown); else the version
    /// shown, whole. A set half written, or pointed at before its files were all there, fails here.
    /// </summary>
    private static async Task<string?> PublicSetAsync(DevHostFixture host)
    {
        var index = await host.Site.GetAsync("data/index.json");
        var listed = index.IsSuccessStatusCode
            ? JsonNode.Parse(await index.Content.ReadAsStringAsync())!["years"]!.AsArray().FirstOrDefault(y => (int)y!["year"]! == 2013)
            : null;
        if (listed is null) return null;
        var manifest = JsonNode.Parse(await host.Site.GetStringAsync($"data/{(string)listed["manifest"]!}"))!;
        await Parallel.ForEachAsync(manifest["files"]!.AsArray(), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (file, _) =>
        {
            var bytes = await host.Site.GetByteArrayAsync($"data/{(string)file!["path"]!}");
            Assert.Equal((long)file["bytes"]!, bytes.LongLength);
        });
        return (string?)manifest["version"];
    }

    /// <summary>The public set is none, or exactly the version the year says it published, whole, in the manifest and the index alike.</summary>
    private static async Task AssertPublishedIsWholeAsync(DevHostFixture host)
    {
        var (year, _) = (await host.Services.GetRequiredService<CollectionYearStore>().GetAsync(2013))!.Value;
        Assert.Equal(year.PublishedVersion, await PublicSetAsync(host));
        if (year.PublishedAt is null)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await host.Site.GetAsync("data/2013/manifest.json")).StatusCode);
            return;
        }
        var index = JsonNode.Parse(await host.Site.GetStringAsync("data/index.json"))!["years"]!.AsArray().Single(y => (int)y!["year"]! == 2013)!;
        Assert.Equal(year.PublishedVersion, (string?)index["version"]);
    }

    /// <summary>
    /// Each service's audit trail holds one row per stored revision (1, 2, ... with none missing or doubled); every
    /// acknowledged change is one of them with its action; a revision no one was told of is owed to a write that answered 5xx.
    /// </summary>
    private static async Task AssertEveryChangeStoredOnceAsync(DevHostFixture host, HttpClient nppn, IReadOnlyList<int> services,
        ConcurrentBag<Ack> acks, ConcurrentDictionary<int, int> failedWrites)
    {
        foreach (var id in services)
        {
            var current = JsonNode.Parse(await nppn.GetStringAsync($"api/returns/2013/{id}"))!;
            var revision = (int)current["revision"]!;
            // The rows as stored before anything reads the history (which would write a missing row of the current revision).
            var rows = await host.Storage.ReturnHistory.QueryAsync<TableEntity>(e => e.PartitionKey == Keys.ServiceYear(2013, id))
                .Select(e => Keys.Parse(e.RowKey)).ToListAsync();
            Assert.Equal(Enumerable.Range(1, revision - 1), rows.Where(r => r < revision).Order());
            var history = JsonNode.Parse(await nppn.GetStringAsync($"api/returns/2013/{id}/history"))!["revisions"]!.AsArray();
            Assert.Equal(Enumerable.Range(1, revision), history.Select(h => (int)h!["revision"]!));
            var mine = acks.Where(a => a.ServiceId == id).ToList();
            Assert.Equal(mine.Count, mine.Select(a => a.Revision).Distinct().Count());
            foreach (var ack in mine) Assert.Equal(ack.Action, (string?)history[ack.Revision - 1]!["action"]);
            Assert.True(revision - mine.Count <= failedWrites.GetValueOrDefault(id),
                $"service {id}: {revision} revisions stored, {mine.Count} acknowledged, {failedWrites.GetValueOrDefault(id)} answered 5xx");
            Assert.True(mine.Any(a => a.Action == "submit") || failedWrites.ContainsKey(id), $"service {id} was never submitted");
            Assert.Equal("submitted", (string?)current["status"] is "locked" ? "submitted" : (string?)current["status"]);
        }
    }

    private static List<string> Files(JsonNode manifest) =>
        manifest["files"]!.AsArray().Select(f => $"{f!["path"]} {f["sha256"]} {f["bytes"]}").ToList();

    private static HttpClient Client(DevHostFixture host, string token)
    {
        var client = new HttpClient { BaseAddress = host.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
