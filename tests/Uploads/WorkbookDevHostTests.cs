using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pps.Core.Catalogue;
using Pps.Core.Definition;
using Pps.Core.Storage;
using Pps.Core.Uploads.Workbook;
using Pps.Synthetic;
using Pps.Tests.Functions.Returns;
using Pps.Tests.Support;
using static Pps.Tests.Support.Window2013;

namespace Pps.Tests.Uploads;

/// <summary>
/// End to end through the devhost (the app's own registration on Kestrel): the template and the upload over
/// HTTP, the blob in the uploads container, the devhost's upload trigger calling ValidateUploadedWorkbook, and
/// the report and the stored return read back over HTTP.
/// </summary>
public class WorkbookDevHostTests
{
    [Fact]
    public async Task A_workbook_uploaded_over_HTTP_is_checked_by_the_dispatched_trigger_and_its_report_and_return_read_back_over_HTTP()
    {
        await using var host = await DevHostFixture.StartAsync();
        await host.Services.GetRequiredService<CollectionYearStore>()
            .SaveAsync(Collection, null);
        host.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await host.TokenForAsync(24));

        var template = await host.Client.GetAsync("api/workbooks/2013/24");
        Assert.Equal(HttpStatusCode.OK, template.StatusCode);
        Assert.Equal(WorkbookTemplate.ContentType, template.Content.Headers.ContentType?.MediaType);
        var layout = WorkbookLayout.For(BuiltInDefinitions.For(2013));
        var ratings = WorkbookEdits.Ratings2013(24);
        var filled = WorkbookFiller.SetCells(await template.Content.ReadAsByteArrayAsync(), WorkbookFiller.Answers(layout, ratings.Select(r => KeyValuePair.Create(r.Key, r.Value!))));

        var upload = await host.Client.PostAsync("api/workbooks/2013/24/uploads",
            new ByteArrayContent(filled) { Headers = { ContentType = new MediaTypeHeaderValue(WorkbookTemplate.ContentType) } });
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        var reportPath = JsonDocument.Parse(await upload.Content.ReadAsStringAsync()).RootElement.GetProperty("report").GetString()!;
        Assert.Equal(reportPath, upload.Headers.Location?.OriginalString);

        // The devhost polls the uploads container (every 0.2 s here) and dispatches the new blob to the trigger.
        JsonElement report = default;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var read = await host.Client.GetAsync(reportPath.TrimStart('/'));
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            report = JsonDocument.Parse(await read.Content.ReadAsStringAsync()).RootElement.Clone();
            if (report.GetProperty("status").GetString() is "accepted" or "rejected" or "failed") break;
            await Task.Delay(200);
        }
        Assert.Equal("accepted", report.GetProperty("status").GetString());

        var stored = await host.Client.GetAsync("api/returns/2013/24");
        Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        var values = JsonDocument.Parse(await stored.Content.ReadAsStringAsync()).RootElement.GetProperty("values");
        foreach (var (field, value) in ratings) Assert.Equal(value, values.GetProperty(field).GetString());
        Assert.Equal(Exemplifications.All.Count + 1, values.EnumerateObject().Count());
    }
}
