using System.Text.Json.Nodes;
using Pps.Core.Definition;
using Pps.Core.Storage;
using Pps.Functions.Admin;
using Pps.Functions.Definitions;
using Pps.Tests.Support;
using static Pps.Tests.Functions.Returns.ApiHarness;

namespace Pps.Tests.Cli;

/// <summary>
/// The cli as NPPN runs it: a process of its own (another instance of the app) on the app's storage, building the
/// app's object graph (AddPpsApp) and so seeing what the app sees.
/// </summary>
public class CliTests
{
    [Fact]
    public async Task Import_returns_loads_a_year_whose_definition_NPPN_published_through_the_app()
    {
        const int year = 2014;
        var opens = new DateTimeOffset(year, 9, 1, 0, 0, 0, TimeSpan.Zero);
        using var app = await TestApp.StartAsync(opens.AddDays(-20));
        var document = DefinitionDocuments.CopyOf(2013, year);
        DefinitionDocuments.Section(document, "E")["fields"]!.AsArray().Add(new JsonObject
        {
            ["id"] = "access.website", ["label"] = "Web address", ["type"] = "text", ["maxLength"] = 300,
        });
        Assert.Equal(201, (await Run(app.Function<DefinitionFunctions>().Publish(Request("PUT", AdminToken, document.ToJsonString()), year, default))).Status);
        Assert.Equal(201, (await Run(app.Function<YearFunctions>().SetWindow(
            Request("PUT", AdminToken, new { opens, closes = opens.AddDays(60) }), year, default))).Status);

        var csv = Path.Combine(Path.GetTempPath(), $"returns-{Guid.NewGuid():N}.csv");
        // A merge of the columns given (with the 34 ratings a submitted 2014 return needs), not a file of every field.
        var answers = CompleteReturn.With(("access.website", "https://24.example"), (FieldIds.CaseworkUsers, "80"));
        await File.WriteAllTextAsync(csv, $"service_id,{string.Join(',', answers.Select(a => a.Id))}\n24,{string.Join(',', answers.Select(a => a.Value))}\n");
        try
        {
            var (exit, output) = await CliProcess.RunAsync(app.Options, "import-returns", "--year", $"{year}", "--file", csv, "--mode", "merge");
            Assert.True(exit == 0, output);
            Assert.Contains("Loaded 1 return(s) for 2014", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(csv);
        }
        var stored = await app.Get<ReturnStore>().GetAsync(year, 24);
        Assert.Equal("https://24.example", stored!.Values.Text("access.website"));
        Assert.Equal(80m, stored.Values.Number(FieldIds.CaseworkUsers));
    }
}
