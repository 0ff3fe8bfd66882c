using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Pps.Core.Catalogue;
using Pps.Core.Returns;
using Pps.Core.Storage;
using Pps.Core.Uploads;
using Pps.Functions.Uploads;
using Pps.Tests.Functions.Returns;
using Pps.Tests.Support;
using static Pps.Tests.Support.Window2013;

namespace Pps.Tests.Uploads;

/// <summary>
/// The app's upload path built through its own DI registration (AddPpsApp, through <see cref="AppServices"/>)
/// on storage of its own in Azurite, with a fake clock inside the 2013 window. The blob trigger is called as
/// the host calls it: with a BlobClient of the new blob and its name.
/// </summary>
public sealed class UploadHarness
{
    private UploadHarness(ServiceProvider provider, FakeClock clock)
    {
        Provider = provider;
        Clock = clock;
        Storage = provider.GetRequiredService<PpsStorage>();
        Returns = provider.GetRequiredService<ReturnService>();
        Store = provider.GetRequiredService<ReturnStore>();
        // Function classes made from the app's services as the worker's default activator makes them.
        Workbooks = ActivatorUtilities.CreateInstance<WorkbookFunctions>(provider);
        Trigger = ActivatorUtilities.CreateInstance<ValidateUploadedWorkbook>(provider);
        Csv = ActivatorUtilities.CreateInstance<ReturnsCsvFunctions>(provider);
    }

    public ServiceProvider Provider { get; }
    public FakeClock Clock { get; }
    public PpsStorage Storage { get; }
    public ReturnService Returns { get; }
    public ReturnStore Store { get; }
    public WorkbookFunctions Workbooks { get; }
    public ValidateUploadedWorkbook Trigger { get; }
    public ReturnsCsvFunctions Csv { get; }

    public Task<ApiResponse> ImportCsvAsync(string token, int year, string csv, string query = "")
    {
        var request = ApiHarness.Request("POST", token, csv, contentType: "text/csv");
        request.QueryString = new Microsoft.AspNetCore.Http.QueryString(query);
        return ApiHarness.Run(Csv.Import(request, year, default));
    }

    public static async Task<UploadHarness> StartAsync()
    {
        var clock = new FakeClock(Now);
        var harness = new UploadHarness(await AppServices.StartAsync(clock, ApiHarness.AdminToken), clock);
        await harness.Provider.GetRequiredService<CollectionYearStore>().SaveAsync(
            Collection, null);
        return harness;
    }

    public async Task<string> TokenForAsync(int serviceId, int year = 2013) =>
        (await Provider.GetRequiredService<CredentialStore>().IssueAsync(serviceId, year, "nppn", Clock.GetUtcNow(), "test")).Token;

    /// <summary>GET the service's workbook over the function, as bytes.</summary>
    public async Task<byte[]> DownloadTemplateAsync(string token, int serviceId, int year = 2013)
    {
        var (status, headers, body) = await RunRaw(Workbooks.Template(ApiHarness.Request("GET", token), year, serviceId, default));
        Assert.True(status == 200, $"template: {status} {Encoding.UTF8.GetString(body)}");
        Assert.StartsWith("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", headers.ContentType.ToString());
        return body;
    }

    /// <summary>POST a file over the function; the response as JSON.</summary>
    public Task<ApiResponse> UploadAsync(string token, int serviceId, Stream body, long? contentLength, int year = 2013)
    {
        var request = ApiHarness.Request("POST", token);
        request.Body = body;
        request.ContentLength = contentLength;
        request.ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
        return ApiHarness.Run(Workbooks.Upload(request, year, serviceId, default));
    }

    public Task<ApiResponse> UploadAsync(string token, int serviceId, byte[] file, int year = 2013) =>
        UploadAsync(token, serviceId, new MemoryStream(file), file.Length, year);

    public Task<ApiResponse> ReportAsync(string token, int serviceId, string uploadId, int year = 2013) =>
        ApiHarness.Run(Workbooks.Report(ApiHarness.Request("GET", token), year, serviceId, uploadId, default));

    /// <summary>What the host does when Event Grid reports the new blob.</summary>
    public Task DeliverAsync(string uploadId, int serviceId, int year = 2013)
    {
        var name = new UploadName(year, serviceId, uploadId).BlobName;
        return Trigger.Run(Storage.Uploads.GetBlobClient(name), name, default);
    }

    /// <summary>Upload, deliver to the trigger, and read the report back over HTTP.</summary>
    public async Task<JsonElement> UploadAndCheckAsync(string token, int serviceId, byte[] file, int year = 2013)
    {
        var uploaded = await UploadAsync(token, serviceId, file, year);
        Assert.True(uploaded.Status == 202, $"upload: {uploaded.Status} {uploaded.Detail}");
        var id = uploaded.Body.GetProperty("uploadId").GetString()!;
        await DeliverAsync(id, serviceId, year);
        var report = await ReportAsync(token, serviceId, id, year);
        Assert.Equal(200, report.Status);
        return report.Body;
    }

    public async Task<int> BlobCountAsync(BlobContainerClient container)
    {
        var count = 0;
        await foreach (var _ in container.GetBlobsAsync()) count++;
        return count;
    }

    private static async Task<(int Status, IHeaderDictionary Headers, byte[] Body)> RunRaw(Task<Microsoft.AspNetCore.Mvc.IActionResult> call)
    {
        var result = await call;
        var context = new DefaultHttpContext();
        var body = new MemoryStream();
        context.Response.Body = body;
        await result.ExecuteResultAsync(new Microsoft.AspNetCore.Mvc.ActionContext(context, new Microsoft.AspNetCore.Routing.RouteData(), new Microsoft.AspNetCore.Mvc.Abstractions.ActionDescriptor()));
        return (context.Response.StatusCode, context.Response.Headers, body.ToArray());
    }
}

/// <summary>Edits a workbook as an attacker would: parts added to the zip (cells are typed with Pps.Synthetic.WorkbookFiller).</summary>
public static class WorkbookEdits
{
    /// <summary>Rewrites the zip: <paramref name="change"/> adds, replaces or removes parts.</summary>
    public static byte[] Rezip(byte[] workbook, Action<ZipArchive> change)
    {
        using var stream = new MemoryStream();
        stream.Write(workbook);
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Update, leaveOpen: true)) change(zip);
        return stream.ToArray();
    }

    public static void Put(this ZipArchive zip, string name, string text, CompressionLevel level = CompressionLevel.Optimal)
    {
        zip.GetEntry(name)?.Delete();
        using var writer = new StreamWriter(zip.CreateEntry(name, level).Open(), new UTF8Encoding(false));
        writer.Write(text);
    }

    public static string Read(this ZipArchive zip, string name)
    {
        using var reader = new StreamReader(zip.GetEntry(name)!.Open());
        return reader.ReadToEnd();
    }

    /// <summary>The zip part of a named sheet (xl/worksheets/sheetN.xml).</summary>
    public static string SheetPart(byte[] workbook, string sheetName)
    {
        using var document = SpreadsheetDocument.Open(new MemoryStream(workbook), false);
        var part = document.WorkbookPart!;
        var sheet = part.Workbook.Sheets!.Elements<Sheet>().Single(s => s.Name == sheetName);
        return part.GetPartById(sheet.Id!).Uri.OriginalString.TrimStart('/');
    }

    public static IReadOnlyDictionary<string, string?> Ratings2013(int serviceId)
    {
        using var reader = new StreamReader(RepoFiles.At("tests", "data", "nppn-2013-exemplification-ratings.csv"));
        var row = Pps.Core.Intake.SelfRatingsCsv.Read(reader).Single(r => r.ServiceId == serviceId);
        Assert.True(ServiceCatalogue.BuiltIn.IsKnown(serviceId));
        return row.Values;
    }
}
