using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Pps.Core.Catalogue;
using Pps.Core.Storage;
using Pps.Core.Telemetry;
using Pps.Core.Uploads;
using Pps.Tests.Support;
using static Pps.Tests.Support.Window2013;

namespace Pps.Tests.Telemetry;

public class UploadsRefusedCountTests
{
    [Fact]
    public async Task A_refused_upload_is_counted_once_and_a_second_delivery_of_it_is_not()
    {
        var clock = new FakeClock(Now);
        await using var app = await AppServices.StartAsync(clock, "admin-" + Guid.NewGuid().ToString("N"));
        var storage = app.GetRequiredService<PpsStorage>();
        await app.GetRequiredService<CollectionYearStore>().SaveAsync(new CollectionYear
        {
            Year = 2013, Opens = clock.Now.AddDays(-14), Closes = clock.Now.AddDays(40), NationalServiceCount = 150,
        }, null);
        var name = UploadName.New(2013, 42);
        var blob = storage.Uploads.GetBlobClient(name.BlobName);
        await blob.UploadAsync(BinaryData.FromString("not a workbook at all"));

        var refused = new List<(long Value, string? Status)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == PpsTelemetry.Name && instrument.Name == "pps.uploads.refused") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            // Other tests refuse uploads at the same time: count only the measurements of this one's thread of work.
            if (Equals(AsyncLocalMarker.Value, name.UploadId)) lock (refused) refused.Add((value, tags.ToArray().FirstOrDefault(t => t.Key == "pps.status").Value as string));
        });
        listener.Start();
        AsyncLocalMarker.Value = name.UploadId;

        var intake = app.GetRequiredService<WorkbookIntake>();
        var report = await intake.CheckAsync(blob, default);
        await intake.CheckAsync(blob, default);

        Assert.Equal(UploadStatus.Rejected, report!.Status);
        Assert.Equal([(1L, "rejected")], refused);
    }

    private static readonly AsyncLocal<string?> AsyncLocalMarker = new();
}
