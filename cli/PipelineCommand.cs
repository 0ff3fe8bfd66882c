using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pps.Core.Catalogue;
using Pps.Core.Intake;
using Pps.Core.Publishing;
using Pps.Core.Reference;
using Pps.Core.Returns;
using Pps.Core.Storage;
using Pps.Synthetic;

namespace Pps.Cli;

/// <summary>
/// The main job: the 2013 collection end to end on the storage in PPS_STORAGE. Opens the 2013 window,
/// imports the reference data, stores the 131 real self-ratings as each service's submitted return through
/// the same ReturnService the API uses, closes the window, runs the close-of-year code and prints what it
/// published.
/// </summary>
public static class PipelineCommand
{
    private const int Year = 2013;

    public static async Task<int> RunAsync(CommandLine options)
    {
        var dataFolder = options.Required("data");
        var ratingsFile = Path.Combine(dataFolder, "nppn-2013-exemplification-ratings.csv");
        if (!File.Exists(ratingsFile)) throw new CommandLineException($"{ratingsFile} does not exist: pass --data <shared/data folder>.");

        await using var app = await CliApp.StartAsync(options);
        var storage = app.GetRequiredService<PpsStorage>();
        var clock = app.GetRequiredService<TimeProvider>();
        var years = app.GetRequiredService<CollectionYearStore>();
        var reference = app.GetRequiredService<ReferenceDataStore>();
        var service = app.GetRequiredService<ReturnService>();
        var closer = app.GetRequiredService<YearCloser>();

        var now = clock.GetUtcNow();
        var etag = await years.SaveAsync(new CollectionYear
        {
            Year = Year, Opens = now.AddDays(-30), Closes = now.AddDays(1), NationalServiceCount = app.GetRequiredService<ServicesNationally>().InYear(Year),
        }, null);
        Console.WriteLine($"Opened the {Year} collection window.");

        var imported = await reference.ImportCsvAsync(new StringReader(ReferenceCsv(Year)));
        if (!imported.Succeeded) throw new InvalidOperationException("Reference data import failed: " + string.Join("; ", imported.Problems));
        Console.WriteLine($"Imported reference data for {imported.Data!.Rows.Count()} services: {OnsPopulation.Source}; SEN and FSM pupils are SYNTHETIC.");

        var stored = 0;
        using var ratings = new StreamReader(ratingsFile);
        foreach (var (serviceId, values) in SelfRatingsCsv.Read(ratings))
        {
            var outcome = await service.SubmitAsync(Actor.ForService(serviceId), new ReturnChange(Year, serviceId, values, [], IfMatch: null));
            if (outcome is not ReturnOutcome.Done)
            {
                throw new InvalidOperationException($"Service {serviceId}'s return was not stored: {outcome}");
            }
            stored++;
        }
        Console.WriteLine($"Stored {stored} submitted returns from {Path.GetFileName(ratingsFile)}.");

        var (year, current) = (await years.GetAsync(Year))!.Value;
        await years.SaveAsync(year with { Closes = clock.GetUtcNow() }, current);
        Console.WriteLine($"Closed the {Year} window; running the close-of-year run.");

        var outcomes = await closer.CloseDueYearsAsync();
        var published = outcomes.Single(o => o.Year == Year);
        if (published.Manifest is null) throw new InvalidOperationException($"The close-of-year run did not publish {Year}: {published.Result}.");
        var manifest = published.Manifest;
        Console.WriteLine($"Closed the year (locking its {published.ReturnsLocked} returns) and published version {manifest.Version}: {manifest.Files.Count} files.");
        Console.WriteLine($"Manifest: {storage.Published.Uri}/{storage.Options.PublishedPrefix}{PublishedPaths.Manifest(Year, Manifest.Final)}");
        Console.WriteLine($"Index:    {storage.Published.Uri}/{storage.Options.PublishedPrefix}{PublishedPaths.Index}");

        var highlights = await BlobPublishedStore.For(storage).ReadAsync(manifest.Files.Single(f => f.Kind == "highlights").Path, CancellationToken.None);
        Console.WriteLine("Headline figures as published:");
        foreach (var highlight in highlights!.Value.Content.ToObjectFromJson<List<PublishedHighlight>>(PublishedSetBuilder.Json)!)
        {
            Console.WriteLine($"  - {highlight.Text}");
        }
        return 0;
    }

    private sealed record PublishedHighlight(string Id, string Text);

    /// <summary>
    /// NPPN's reference-data CSV for a year: the real ONS population that ships with the catalogue, and
    /// synthetic SEN and FSM pupil counts (no public 2013 counts by local authority exist), labelled so.
    /// </summary>
    private static string ReferenceCsv(int year)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using var csv = new CsvWriter(text, CultureInfo.InvariantCulture);
        foreach (var column in ReferenceDataCsv.RequiredColumns.Append("source")) csv.WriteField(column);
        csv.NextRecord();
        var synthetic = SyntheticReturns.Generate(seed: year, firstYear: year, lastYear: year).Reference;
        foreach (var service in ServiceCatalogue.BuiltIn.ExistingIn(year))
        {
            var pupils = synthetic.For(year, service.Id);
            csv.WriteField(service.Id);
            csv.WriteField(year);
            csv.WriteField(service.Region);
            csv.WriteField(OnsPopulation.For(service));
            csv.WriteField(pupils?.SenPupils);
            csv.WriteField(pupils?.FsmPupils);
            csv.WriteField(pupils?.SenPupils is null ? OnsPopulation.Source : SyntheticReturns.ReferenceSource);
            csv.NextRecord();
        }
        csv.Flush();
        return text.ToString();
    }
}
