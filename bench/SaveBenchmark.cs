using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Pps.Core.Catalogue;
using Pps.Synthetic;
using Pps.Core.Definition;
using Pps.Core.Returns;
using Pps.Core.Storage;
using Pps.Core.Validation;
using Pps.Functions.Http;
using Pps.Functions.Returns;

namespace Pps.Bench;

/// <summary>
/// Saves a full return (every field) through the SaveReturnDraft function class, as the host would call it:
/// a real HttpRequest with a bearer token, If-Match and a JSON body; the credential check, validation with the
/// year-on-year checks against last year's return, the conditional write, the audit entry and the JSON
/// response all included. Storage is the Azurite in PPS_STORAGE, in tables of its own, removed afterwards.
/// </summary>
public static class SaveBenchmark
{
    private const int Year = 2013;
    private const string AdminToken = "bench-admin-token";

    public static async Task<int> RunAsync(int sequentialSaves, int writers, int savesPerWriter)
    {
        var connection = Environment.GetEnvironmentVariable("PPS_STORAGE");
        if (string.IsNullOrWhiteSpace(connection))
        {
            Console.Error.WriteLine("PPS_STORAGE is not set: start Azurite with scripts/azurite.sh (source it, then azurite_start) and run again.");
            return 2;
        }
        var id = Guid.NewGuid().ToString("N")[..8];
        var storage = PpsStorage.FromConnectionString(connection, new StorageOptions
        {
            TablePrefix = "bench" + id, UploadsContainer = "bench-up-" + id, ReportsContainer = "bench-rep-" + id,
            PublishedContainer = "bench-pub-" + id, ReferenceContainer = "bench-ref-" + id,
            ProvisionalContainer = "bench-prov-" + id, BackupsContainer = "bench-bak-" + id,
        });
        await storage.EnsureCreatedAsync();
        try
        {
            return await RunOnAsync(storage, sequentialSaves, writers, savesPerWriter);
        }
        finally
        {
            foreach (var table in new[] { storage.Returns, storage.ReturnHistory, storage.Years, storage.Credentials }) await table.DeleteAsync();
            foreach (var container in new[] { storage.Uploads, storage.Reports, storage.Published, storage.Reference }) await container.DeleteIfExistsAsync();
        }
    }

    private static async Task<int> RunOnAsync(PpsStorage storage, int sequentialSaves, int writers, int savesPerWriter)
    {
        var clock = TimeProvider.System;
        var now = clock.GetUtcNow();
        var returns = new ReturnStore(storage);
        var years = new CollectionYearStore(storage);
        var credentials = new CredentialStore(storage);
        await years.SaveAsync(new CollectionYear { Year = Year, Opens = now.AddDays(-1), Closes = now.AddDays(30), NationalServiceCount = 150 }, null);
        var auth = new PpsAuthenticator(credentials, Options.Create(new ApiAuthOptions { AdminTokenSha256 = CredentialStore.Sha256Hex(AdminToken) }));
        var function = new ReturnFunctions(new ReturnService(returns, years, clock), auth);

        var services = ServiceRegistry.ExistingIn(Year).Take(writers + 1).Select(s => s.Id).ToList();
        var tokens = new Dictionary<int, string>();
        foreach (var service in services)
        {
            tokens[service] = (await credentials.IssueAsync(service, Year, "bench", now)).Token;
            await SeedLastYearAsync(returns, service);
        }
        var fieldCount = ReturnDefinitions.For(Year).Fields.Count();
        Console.WriteLine($"Saving a full return ({fieldCount} fields, {Body(0).Length} bytes of JSON) through SaveReturnDraft on Azurite.");

        // Warm up (JIT, connections), not counted.
        var (_, warmEtag) = await SaveManyAsync(function, services[0], tokens[services[0]], 20, null);

        var (latencies, _) = await SaveManyAsync(function, services[0], tokens[services[0]], sequentialSaves, warmEtag);
        Console.WriteLine($"{sequentialSaves} sequential saves: median {Stats.Percentile(latencies, 50):0.00} ms, p95 {Stats.Percentile(latencies, 95):0.00} ms, " +
                          $"p99 {Stats.Percentile(latencies, 99):0.00} ms, mean {latencies.Average():0.00} ms");

        var concurrentServices = services.Skip(1).Take(writers).ToList();
        var wall = Stopwatch.StartNew();
        var results = await Task.WhenAll(concurrentServices.Select(s => Task.Run(() => SaveManyAsync(function, s, tokens[s], savesPerWriter, null))));
        wall.Stop();
        var all = results.SelectMany(r => r.Latencies).ToList();
        var perSecond = all.Count / wall.Elapsed.TotalSeconds;
        Console.WriteLine($"{writers} concurrent writers on different services, {savesPerWriter} saves each: {all.Count} saves in {wall.Elapsed.TotalSeconds:0.00} s = " +
                          $"{perSecond:0} returns per second (median {Stats.Percentile(all, 50):0.00} ms, p95 {Stats.Percentile(all, 95):0.00} ms per save)");

        var stored = await returns.GetAsync(Year, services[0]);
        var history = await returns.HistoryAsync(Year, services[0]);
        Console.WriteLine($"Check: service {services[0]} is at revision {stored?.Revision} with {stored?.Values.Count} fields; {history.Count} audit entries.");
        return stored?.Revision == sequentialSaves + 20 && history.Count == stored.Revision ? 0 : 1;
    }

    /// <summary>Saves the full return <paramref name="count"/> times in a row, each with the ETag of the one before.</summary>
    private static async Task<(List<double> Latencies, string? ETag)> SaveManyAsync(ReturnFunctions function, int serviceId, string token, int count, string? etag)
    {
        var latencies = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var body = Body(i);
            var started = Stopwatch.GetTimestamp();
            var context = new DefaultHttpContext();
            var request = context.Request;
            request.Method = "PUT";
            request.Headers.Authorization = "Bearer " + token;
            if (etag is not null) request.Headers.IfMatch = etag;
            request.ContentType = "application/json";
            request.ContentLength = body.Length;
            request.Body = new MemoryStream(body);
            context.Response.Body = new MemoryStream();
            var result = await function.SaveDraft(request, Year, serviceId, CancellationToken.None);
            await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new ActionDescriptor()));
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (context.Response.StatusCode != StatusCodes.Status200OK)
            {
                throw new InvalidOperationException($"Save {i} of service {serviceId} answered {context.Response.StatusCode}: " +
                    Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray()));
            }
            etag = context.Response.Headers.ETag.ToString();
        }
        return (latencies, etag);
    }

    private static async Task SeedLastYearAsync(ReturnStore returns, int serviceId)
    {
        var raw = Values(0).ToDictionary(kv => kv.Key, kv => (string?)(kv.Value switch
        {
            string[] list => string.Join(';', list),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            var v => v.ToString(),
        }));
        var parsed = ReturnValidator.Validate(ReturnDefinitions.For(Year - 1), raw);
        if (!parsed.IsValid) throw new InvalidOperationException(string.Join("; ", parsed.Errors.Select(e => e.Message)));
        await returns.SaveAsync(new ServiceReturn { ServiceId = serviceId, Year = Year - 1, Status = ReturnStatus.Locked, Values = parsed.Values }, null, "bench", "import");
    }

    private static byte[] Body(int i) => JsonSerializer.SerializeToUtf8Bytes(new { values = Values(i), confirmedWarnings = Array.Empty<string>() }, HttpJson.Options);

    /// <summary>Every field of the 2013 return answered and valid; casework users vary a little so each save changes a field.</summary>
    private static Dictionary<string, object> Values(int i) =>
        ExampleReturn.Full(Year, caseworkUsers: 400 + i % 10, comment: "Figures checked against the service's own records.");
}
