using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Pps.Core.Catalogue;
using Pps.Core.Returns;
using Pps.Core.Storage;
using Pps.Tests.Functions.Returns;
using static Pps.Core.Definition.FieldIds;
using static Pps.Tests.Support.Window2013;

namespace Pps.Tests.Uploads;

public class ReturnsCsvTests
{
    /// <summary>NPPN loads 2012 late: the year is set up, and its window closed long ago.</summary>
    private static async Task<UploadHarness> With2012Async()
    {
        var app = await UploadHarness.StartAsync();
        await app.Provider.GetRequiredService<CollectionYearStore>().SaveAsync(new CollectionYear
        {
            Year = 2012, Opens = Opens.AddYears(-1), Closes = Closes.AddYears(-1), NationalServiceCount = 150,
        }, null);
        return app;
    }

    /// <summary>
    /// Service 24's and 25's real 2013 ratings (tests/data) as 2012 rows, with a budget and format kinds, and every other
    /// field of the definition as an empty column (a file that replaces returns carries every field).
    /// </summary>
    private static string Csv(Func<int, string>? budget = null)
    {
        var codes = Exemplifications.All.Select(e => e.Code).ToList();
        var given = new[] { CompletedBy }.Concat(codes.Select(Rating)).Append(CoreBudget).Append(FormatKinds).ToList();
        var empty = Pps.Core.Definition.BuiltInDefinitions.For(2012).Fields.Select(f => f.Id).Except(given).ToList();
        var text = new StringBuilder($"service_id,{string.Join(",", given.Concat(empty))}\n");
        foreach (var service in new[] { 24, 25 })
        {
            var ratings = WorkbookEdits.Ratings2013(service);
            text.Append($"{service},{ratings.GetValueOrDefault(CompletedBy) ?? ""},{string.Join(",", codes.Select(c => ratings[Rating(c)]))},{budget?.Invoke(service) ?? "98000"},audio;braille{new string(',', empty.Count)}\n");
        }
        return text.ToString();
    }

    /// <summary>A row of the <see cref="Csv"/> layout: the service id, then every other cell empty.</summary>
    private static string EmptyRow(string serviceId) => serviceId + new string(',', Csv().Split('\n')[0].Count(c => c == ',')) + "\n";

    [Fact]
    public async Task NPPN_loads_a_late_year_from_CSV_through_the_validator_and_a_second_load_changes_nothing()
    {
        var app = await With2012Async();
        var loaded = await app.ImportCsvAsync(ApiHarness.AdminToken, 2012, Csv());
        Assert.True(loaded.Status == 200, loaded.Body.ToString());
        Assert.Equal(2, loaded.Body.GetProperty("imported").GetInt32());

        var stored = await app.Store.GetAsync(2012, 24);
        Assert.NotNull(stored);
        Assert.Equal(ReturnStatus.Locked, stored!.Status); // NPPN's write after the close keeps it locked
        Assert.Equal("PPO+LA", stored.Values.Text(CompletedBy));
        Assert.Equal("G", stored.Values.Text(Rating("1a")));
        Assert.Equal("x", stored.Values.Text(Rating("6e")));
        Assert.Equal("98000", stored.Values.Text(CoreBudget));
        Assert.Equal("audio;braille", stored.Values.Text(FormatKinds));
        var audit = Assert.Single(await app.Store.HistoryAsync(2012, 24));
        Assert.Equal("nppn", audit.By);
        var batch = loaded.Body.GetProperty("batch").GetString();
        Assert.Equal($"CSV bulk load {batch} (HTTP upload), line 2", audit.Source); // where it came from, as the form and workbook record theirs
        Assert.Equal($"CSV bulk load {batch} (HTTP upload)", audit.Reason); // no reason given: the load names itself

        var again = await app.ImportCsvAsync(ApiHarness.AdminToken, 2012, Csv());
        Assert.Equal(200, again.Status);
        Assert.Equal(0, again.Body.GetProperty("imported").GetInt32());
        Assert.Equal(2, again.Body.GetProperty("unchanged").GetInt32());
        Assert.Single(await app.Store.HistoryAsync(2012, 24));
    }

    [Fact]
    public async Task NPPN_s_reason_for_a_load_is_each_audit_row_s_reason_and_a_reason_past_its_limit_stores_nothing()
    {
        var app = await With2012Async();
        var tooLong = await app.ImportCsvAsync(ApiHarness.AdminToken, 2012, Csv(), "?reason=" + new string('x', 5000));
        Assert.Equal(422, tooLong.Status);
        Assert.Contains("Reason:", tooLong.Body.GetProperty("problems")[0].GetProperty("message").GetString());
        Assert.Equal("reason", tooLong.Body.GetProperty("problems")[0].GetProperty("column").GetString());
        Assert.Null(await app.Store.GetAsync(2012, 24));

        var loaded = await app.ImportCsvAsync(ApiHarness.AdminToken, 2012, Csv(), "?reason=Late%20returns%20sent%20on%20paper");
        Assert.True(loaded.Status == 200, loaded.Body.ToString());
        foreach (var service in new[] { 24, 25 })
        {
            var audit = Assert.Single(await app.Store.HistoryAsync(2012, service));
            Assert.Equal("Late returns sent on paper", audit.Reason);
            Assert.StartsWith($"CSV bulk load {loaded.Body.GetProperty("batch").GetString()} (HTTP upload), line ", audit.Source);
        }
    }

    [Fact]
    public async Task A_CSV_with_any_bad_row_stores_nothing_and_names_each_error_by_line_and_column()
    {
        var app = await With2012Async();
        var csv = Csv(service => service == 25 ? "about 98k" : "98000").Replace("24,PPO+LA,G,G,G", "24,PPO+LA,G,Q,G", StringComparison.Ordinal)
            + EmptyRow("24") + EmptyRow("999");
        var refused = await app.ImportCsvAsync(ApiHarness.AdminToken, 2012, csv);
        Assert.Equal(422, refused.Status);
        var problems = refused.Body.GetProperty("problems").EnumerateArray()
            .Select(p => (p.GetProperty("line").GetInt32(), p.GetProperty("column").GetString(), p.GetProperty("message").GetString()!)).ToList();
        Assert.Contains(problems, p => p.Item1 == 2 && p.Item2 == Rating("1b") && p.Item3.Contains("\"Q\" is not one of", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Item1 == 3 && p.Item2 == CoreBudget && p.Item3.Contains("is not a whole number", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Item1 == 4 && p.Item2 == "service_id" && p.Item3.Contains("has a row already (line 2)", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Item1 == 5 && p.Item2 == "service_id" && p.Item3.Contains("not a known service id", StringComparison.Ordinal));
        Assert.Null(await app.Store.GetAsync(2012, 24));
        Assert.Null(await app.Store.GetAsync(2012, 25));
    }

    [Fact]
    public async Task An_unknown_column_a_year_not_set_up_and_a_service_credential_are_refused()
    {
        var app = await With2012Async();
        var unknown = await app.ImportCsvAsync(ApiHarness.AdminToken, 2012, Csv().Replace("budget.core", "budget.cor", StringComparison.Ordinal));
        Assert.Equal(400, unknown.Status); // the layout, not the answers: nothing was read
        var problems = unknown.Body.GetProperty("problems").EnumerateArray().ToList();
        Assert.Contains(problems, p => p.GetProperty("line").GetInt32() == 1 && p.GetProperty("column").GetString() == "budget.cor");
        Assert.Contains(problems, p => p.GetProperty("column").GetString() == "budget.core" && p.GetProperty("message").GetString()!.Contains("is missing", StringComparison.Ordinal));

        var notSetUp = await app.ImportCsvAsync(ApiHarness.AdminToken, 2011, "service_id,budget.core\n24,1000\n");
        Assert.Equal(422, notSetUp.Status);
        Assert.Contains("has not been set up", notSetUp.Body.GetProperty("problems")[0].GetProperty("message").GetString());

        var service = await app.ImportCsvAsync(await app.TokenForAsync(24, 2012), 2012, "service_id,budget.core\n24,1000\n");
        Assert.Equal(403, service.Status);
        Assert.Null(await app.Store.GetAsync(2012, 24));
    }

    [Fact]
    public void A_service_is_checked_against_the_year_loaded_not_the_year_of_the_definition()
    {
        // Service 26 ended in 2009: a 2009 file may hold it (the 2013 definition serves 2009 too); a 2013 file may not.
        var definition = Pps.Core.Definition.BuiltInDefinitions.For(2013);
        var csv = $"service_id,{CoreBudget}\n26,50000\n";
        var merge = Pps.Core.Intake.ReturnsCsvMode.Merge;
        Assert.Empty(Pps.Core.Intake.ReturnsCsv.Read(new StringReader(csv), definition, ServiceCatalogue.BuiltIn, 2009, merge).Problems);
        Assert.Contains("did not exist in 2013", Assert.Single(Pps.Core.Intake.ReturnsCsv.Read(new StringReader(csv), definition, ServiceCatalogue.BuiltIn, 2013, merge).Problems).Message, StringComparison.Ordinal);
    }
}
