using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pps.Core.Catalogue;
using Pps.Core.Definition;
using Pps.Core.Intake;
using Pps.Core.Returns;
using Pps.Core.Storage;
using Pps.Synthetic;
using Pps.Core.Uploads;
using Pps.Core.Uploads.Workbook;
using Pps.Core.Validation;
using Pps.Functions.Setup;
using Pps.Functions.Uploads;

namespace Pps.Bench;

/// <summary>
/// The workbook upload path, timed: (1) reading and validating a filled template in process, against the
/// floor of only unzipping it; (2) the blob-triggered check through ValidateUploadedWorkbook on Azurite
/// (download, inspect, read, validate, save through ReturnService, report), against the floor of its storage
/// calls alone; (3) a 50 MiB upload refused by UploadReturnWorkbook while it streams; (4) a workbook that
/// expands past 1 GiB refused by the check. Memory is what the operation allocated (all threads), an upper
/// bound on the managed memory it used. Everything is built through the app's DI (AddPps...).
/// </summary>
public static class WorkbookBenchmark
{
    private const int Year = 2013;
    private const int Service = 42;

    public static async Task<int> RunAsync(int runs)
    {
        if (BenchConfiguration.Connection() is not { } connection) return 2;
        var id = Guid.NewGuid().ToString("N")[..8];
        var configuration = BenchConfiguration.ForRun(connection, id);
        var services = new ServiceCollection();
        services.AddPpsApp(configuration);
        services.AddSingleton<WorkbookFunctions>();
        services.AddSingleton<ValidateUploadedWorkbook>();
        await using var provider = services.BuildServiceProvider();
        var storage = provider.GetRequiredService<PpsStorage>();
        await storage.EnsureCreatedAsync();
        try
        {
            return await RunOnAsync(provider, storage, runs);
        }
        finally
        {
            foreach (var table in new[] { storage.Returns, storage.ReturnHistory, storage.Years, storage.Credentials }) await table.DeleteAsync();
            foreach (var container in new[] { storage.Uploads, storage.Reports, storage.Published, storage.Reference, storage.Provisional, storage.Backups })
            {
                await container.DeleteIfExistsAsync();
            }
        }
    }

    private static async Task<int> RunOnAsync(ServiceProvider provider, PpsStorage storage, int runs)
    {
        var now = DateTimeOffset.UtcNow;
        await provider.GetRequiredService<CollectionYearStore>().SaveAsync(
            new CollectionYear { Year = Year, Opens = now.AddDays(-1), Closes = now.AddDays(30), NationalServiceCount = 150 }, null);
        var token = (await provider.GetRequiredService<CredentialStore>().IssueAsync(Service, Year, "bench", now)).Token;
        var upload = provider.GetRequiredService<WorkbookFunctions>();
        var trigger = provider.GetRequiredService<ValidateUploadedWorkbook>();
        var definition = BuiltInDefinitions.For(Year);
        var ok = true;

        // 1. Read and validate a filled template (every field answered), in process.
        var filled = Filled(definition, revision: 0);
        Console.WriteLine($"Filled template: {filled.Length / 1024.0:0.0} KiB, {definition.Fields.Count()} fields; {runs} runs after 20 warm-ups.");
        var read = Time(runs, () =>
        {
            var result = WorkbookReader.Read(filled, Year, Service, definition, ServiceCatalogue.BuiltIn);
            if (!CheckedReturn.Check(definition, Service, result.Answers!.Raw, null).IsValid) throw new InvalidOperationException("The filled template does not validate.");
        });
        var unzip = Time(runs, () =>
        {
            using var zip = new ZipArchive(new MemoryStream(filled), ZipArchiveMode.Read);
            var buffer = new byte[16 * 1024];
            foreach (var entry in zip.Entries)
            {
                using var part = entry.Open();
                while (part.Read(buffer) > 0) { }
            }
        });
        var inspect = Time(runs, () => WorkbookInspector.Inspect(filled));
        Report("read + validate a filled template", read);
        Report("  floor: unzip every part only", unzip);
        Report("  of which the safety inspection", inspect);
        ok &= Median(read.Ms) <= 200;

        // 2. The blob-triggered check through the function class, each run a new upload made from the current revision.
        var checks = new List<double>();
        var floors = new List<double>();
        for (var i = 0; i < Math.Min(runs, 40) + 3; i++)
        {
            var current = await provider.GetRequiredService<ReturnStore>().GetAsync(Year, Service);
            var file = Filled(definition, current?.Revision ?? 0, caseworkUsers: 400 + i % 7);
            var name = await UploadAsync(upload, token, file);
            var blob = storage.Uploads.GetBlobClient(name.BlobName);
            var started = Stopwatch.GetTimestamp();
            await trigger.Run(blob, name.BlobName, default);
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var report = await provider.GetRequiredService<UploadStore>().ReadReportAsync(name, default);
            if (report?.Report.Status != UploadStatus.Accepted) throw new InvalidOperationException($"Run {i}: {report?.Report.Summary}");

            // Floor: the storage calls every check makes, without reading the file: properties, download,
            // read the report, write it twice, read the return and last year's, write the return and its audit row.
            var store = provider.GetRequiredService<ReturnStore>();
            started = Stopwatch.GetTimestamp();
            await blob.GetPropertiesAsync();
            await blob.DownloadContentAsync();
            var reportBlob = storage.Reports.GetBlobClient(name.ReportName + ".floor");
            await reportBlob.UploadAsync(BinaryData.FromString("{}"), overwrite: true);
            await reportBlob.DownloadContentAsync();
            await reportBlob.UploadAsync(BinaryData.FromString("{}"), overwrite: true);
            var before = await store.GetAsync(Year, Service);
            await store.GetAsync(Year - 1, Service);
            await store.SaveAsync(before!, before, "bench", "floor");
            var floor = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (i >= 3)
            {
                checks.Add(elapsed);
                floors.Add(floor);
            }
        }
        Report("blob-triggered check of a filled template, Azurite", new Timing(checks, 0));
        Report("  floor: its storage calls alone", new Timing(floors, 0));

        // 3. A 50 MiB upload, streamed without a Content-Length: refused once 10 MiB have arrived.
        var big = new List<double>();
        long bigAllocated = 0;
        for (var i = 0; i < 5; i++)
        {
            var allocated = GC.GetTotalAllocatedBytes(true);
            var started = Stopwatch.GetTimestamp();
            var status = await PostAsync(upload, token, new PatternStream(50L * 1024 * 1024), declaredLength: null);
            big.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            bigAllocated = Math.Max(bigAllocated, GC.GetTotalAllocatedBytes(true) - allocated);
            if (status != StatusCodes.Status413PayloadTooLarge) throw new InvalidOperationException($"50 MiB upload answered {status}.");
        }
        Report("50 MiB upload, streamed, refused (413)", new Timing(big, bigAllocated));
        ok &= big.Max() <= 2000 && bigAllocated < 100L * 1024 * 1024;

        // 4. A workbook that expands past 1 GiB, through the blob-triggered check.
        var bomb = Bomb(filled, 1100L * 1024 * 1024);
        Console.WriteLine($"Zip bomb: {bomb.Length / 1024.0:0} KiB on disk, one part declaring {1100} MiB.");
        var bombs = new List<double>();
        long bombAllocated = 0;
        for (var i = 0; i < 5; i++)
        {
            var name = await UploadAsync(upload, token, bomb);
            var allocated = GC.GetTotalAllocatedBytes(true);
            var started = Stopwatch.GetTimestamp();
            await trigger.Run(storage.Uploads.GetBlobClient(name.BlobName), name.BlobName, default);
            bombs.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            bombAllocated = Math.Max(bombAllocated, GC.GetTotalAllocatedBytes(true) - allocated);
            var report = await provider.GetRequiredService<UploadStore>().ReadReportAsync(name, default);
            if (report?.Report.Problems is not [{ Code: "zip-bomb" }, ..]) throw new InvalidOperationException($"Bomb: {report?.Report.Summary}");
        }
        Report("1.1 GiB-expanding workbook, check refuses it", new Timing(bombs, bombAllocated));
        ok &= bombs.Max() <= 2000 && bombAllocated < 100L * 1024 * 1024;

        Console.WriteLine($"Process peak working set over the whole benchmark: {Environment.WorkingSet / 1024 / 1024} MiB now, " +
                          $"{Process.GetCurrentProcess().PeakWorkingSet64 / 1024 / 1024} MiB peak.");
        Console.WriteLine(ok ? "All targets met." : "A target was missed.");
        return ok ? 0 : 1;
    }

    /// <summary>The template of service 42 made from <paramref name="revision"/>, with every field answered.</summary>
    private static byte[] Filled(ReturnDefinition definition, int revision, int caseworkUsers = 400)
    {
        var raw = ExampleReturn.Full(Year, caseworkUsers).ToDictionary(kv => kv.Key, kv => (string?)(kv.Value switch
        {
            string[] list => string.Join(';', list),
            bool b => b ? "yes" : "no",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            var v => v.ToString(),
        }));
        var values = CheckedReturn.Check(definition, Service, raw, null).Values;
        using var output = new MemoryStream();
        WorkbookTemplate.Write(output, definition, new WorkbookOrigin(Service, Year, definition.Version, revision, DateTimeOffset.UtcNow), "Bench", values, values);
        return output.ToArray();
    }

    /// <summary>The filled template with one more part of <paramref name="expanded"/> zero bytes (about 1 MiB compressed per GiB).</summary>
    private static byte[] Bomb(byte[] template, long expanded)
    {
        // Create mode streams each entry through the compressor (Update mode would hold the 1.1 GiB in memory).
        using var stream = new MemoryStream();
        using (var source = new ZipArchive(new MemoryStream(template), ZipArchiveMode.Read))
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in source.Entries)
            {
                using var from = entry.Open();
                using var to = zip.CreateEntry(entry.FullName).Open();
                from.CopyTo(to);
            }
            using var part = zip.CreateEntry("xl/worksheets/sheet99.xml", CompressionLevel.Optimal).Open();
            var zeros = new byte[4 * 1024 * 1024];
            for (long written = 0; written < expanded; written += zeros.Length) part.Write(zeros);
        }
        return stream.ToArray();
    }

    private static async Task<UploadName> UploadAsync(WorkbookFunctions upload, string token, byte[] file)
    {
        var (status, body) = await PostRawAsync(upload, token, new MemoryStream(file), file.Length);
        if (status != StatusCodes.Status202Accepted) throw new InvalidOperationException($"Upload answered {status}.");
        return new UploadName(Year, Service, JsonDocument.Parse(body).RootElement.GetProperty("uploadId").GetString()!);
    }

    private static async Task<int> PostAsync(WorkbookFunctions upload, string token, Stream body, long? declaredLength) =>
        (await PostRawAsync(upload, token, body, declaredLength)).Status;

    private static async Task<(int Status, byte[] Body)> PostRawAsync(WorkbookFunctions upload, string token, Stream body, long? declaredLength)
    {
        var context = new DefaultHttpContext();
        var request = context.Request;
        request.Method = "POST";
        request.Headers.Authorization = "Bearer " + token;
        request.ContentType = WorkbookTemplate.ContentType;
        request.ContentLength = declaredLength;
        request.Body = body;
        var response = new MemoryStream();
        context.Response.Body = response;
        var result = await upload.Upload(request, Year, Service, CancellationToken.None);
        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new ActionDescriptor()));
        return (context.Response.StatusCode, response.ToArray());
    }

    private sealed record Timing(List<double> Ms, long Allocated);

    private static Timing Time(int runs, Action action)
    {
        for (var i = 0; i < 20; i++) action();
        var ms = new List<double>(runs);
        long allocated = 0;
        for (var i = 0; i < runs; i++)
        {
            var before = GC.GetTotalAllocatedBytes(true);
            var started = Stopwatch.GetTimestamp();
            action();
            ms.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            allocated = Math.Max(allocated, GC.GetTotalAllocatedBytes(true) - before);
        }
        return new Timing(ms, allocated);
    }

    private static void Report(string what, Timing t) =>
        Console.WriteLine($"{what,-52} median {Median(t.Ms),8:0.00} ms  p10 {Stats.Percentile(t.Ms, 10),8:0.00}  p90 {Stats.Percentile(t.Ms, 90),8:0.00}  " +
                          $"min {t.Ms.Min(),8:0.00}  max {t.Ms.Max(),8:0.00}  (n={t.Ms.Count}" +
                          (t.Allocated > 0 ? $", at most {t.Allocated / 1024.0 / 1024.0:0.0} MiB allocated)" : ")"));

    private static double Median(List<double> values) => Stats.Percentile(values, 50);


    /// <summary>A request body of <paramref name="length"/> bytes generated as it is read (never held in memory).</summary>
    private sealed class PatternStream(long length) : Stream
    {
        private long _position;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            Array.Fill(buffer, (byte)'x', offset, n);
            _position += n;
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
