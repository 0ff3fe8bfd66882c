using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pps.Core.Catalogue;
using Pps.Core.Definition;
using Pps.Core.Storage;
using Pps.Synthetic;
using Pps.Tests.Support;
using static Pps.Tests.Support.Window2013;

namespace Pps.Tests.DevHost;

/// <summary>
/// NPPN's CSV bulk load over HTTP through the local host, as issue 23 found it: each refusal is problem details
/// naming the line, column or field, and the stored return is exactly as it was afterwards.
/// </summary>
public class ReturnsCsvHttpTests
{

    /// <summary>The host with 2013 open and service 24's full return saved as a draft by the service (every field answered).</summary>
    private static async Task<DevHostFixture> StartWithReturnAsync()
    {
        var host = await DevHostFixture.StartAsync();
        await host.Services.GetRequiredService<CollectionYearStore>()
            .SaveAsync(Collection, null);
        using var put = new HttpRequestMessage(HttpMethod.Put, "api/returns/2013/24") { Content = JsonContent.Create(new { values = ExampleReturn.Full(2013) }) };
        put.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await host.TokenForAsync(24));
        var saved = await host.Client.SendAsync(put);
        Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync());
        host.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DevHostFixture.AdminToken);
        return host;
    }

    private static Task<HttpResponseMessage> PostCsvAsync(DevHostFixture host, string csv, string query = "", int year = 2013, string contentType = "text/csv") =>
        PostCsvAsync(host, Encoding.UTF8.GetBytes(csv), query, year, contentType);

    private static Task<HttpResponseMessage> PostCsvAsync(DevHostFixture host, byte[] csv, string query = "", int year = 2013, string contentType = "text/csv")
    {
        var content = new ByteArrayContent(csv);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return host.Client.PostAsync($"api/years/{year}/returns/import{query}", content);
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static List<(int Line, string Column, string Message)> ProblemList(JsonElement problem) =>
        problem.GetProperty("problems").EnumerateArray()
            .Select(p => (p.GetProperty("line").GetInt32(), p.GetProperty("column").GetString()!, p.GetProperty("message").GetString()!)).ToList();

    /// <summary>What is stored for service 24 in 2013: its ETag, its answers and its audit rows.</summary>
    private static async Task<(string ETag, IReadOnlyDictionary<string, string> Values, int Audit)> StoredAsync(DevHostFixture host)
    {
        var store = host.Services.GetRequiredService<ReturnStore>();
        var stored = await store.GetAsync(2013, 24);
        Assert.NotNull(stored);
        return (stored!.ETag!, stored.Values.AsDictionary(), (await store.HistoryAsync(2013, 24)).Count);
    }

    private static async Task AssertUnchangedAsync(DevHostFixture host, (string ETag, IReadOnlyDictionary<string, string> Values, int Audit) before)
    {
        var after = await StoredAsync(host);
        Assert.Equal(before.ETag, after.ETag);
        Assert.Equal(before.Values.OrderBy(kv => kv.Key, StringComparer.Ordinal), after.Values.OrderBy(kv => kv.Key, StringComparer.Ordinal));
        Assert.Equal(before.Audit, after.Audit);
    }

    [Fact]
    public async Task A_file_naming_only_some_fields_is_refused_naming_the_missing_columns_and_wipes_nothing()
    {
        await using var host = await StartWithReturnAsync();
        var before = await StoredAsync(host);
        Assert.True(before.Values.Count > 60, $"{before.Values.Count} answers stored");

        var problem = await ProblemAsync(await PostCsvAsync(host, "service_id,comments.text\n24,Only a comment\n"), HttpStatusCode.BadRequest);
        var missing = ProblemList(problem);
        Assert.Contains(missing, p => p.Line == 1 && p.Column == FieldIds.CoreBudget && p.Message.Contains("missing", StringComparison.Ordinal));
        Assert.Contains(missing, p => p.Column == FieldIds.Rating("1a"));
        Assert.DoesNotContain(missing, p => p.Column == FieldIds.Comments);
        Assert.Contains("mode=merge", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await AssertUnchangedAsync(host, before);
    }

    [Fact]
    public async Task Merge_mode_changes_only_the_columns_given_and_the_audit_names_them()
    {
        await using var host = await StartWithReturnAsync();
        var before = await StoredAsync(host);

        var merged = await PostCsvAsync(host, $"service_id,{FieldIds.Comments},{FieldIds.CaseworkUsers}\n24,Corrected by NPPN,410\n", "?mode=merge");
        Assert.True(merged.StatusCode == HttpStatusCode.OK, await merged.Content.ReadAsStringAsync());

        var after = await StoredAsync(host);
        Assert.Equal(before.Values.Count, after.Values.Count);
        Assert.Equal("Corrected by NPPN", after.Values[FieldIds.Comments]);
        Assert.Equal("410", after.Values[FieldIds.CaseworkUsers]);
        foreach (var (field, value) in before.Values.Where(kv => kv.Key is not FieldIds.Comments and not FieldIds.CaseworkUsers))
        {
            Assert.Equal(value, after.Values[field]);
        }
        var audit = (await host.Services.GetRequiredService<ReturnStore>().HistoryAsync(2013, 24)).MaxBy(a => a.Revision)!;
        Assert.Contains("merge", audit.Source, StringComparison.Ordinal);
        Assert.Contains($"{FieldIds.Comments}, {FieldIds.CaseworkUsers}", audit.Source, StringComparison.Ordinal);
        Assert.Equal([FieldIds.CaseworkUsers, FieldIds.Comments], audit.Changes.Select(c => c.FieldId).Order(StringComparer.Ordinal));

        var unknownMode = await ProblemAsync(await PostCsvAsync(host, "service_id,comments.text\n24,x\n", "?mode=overwrite"), HttpStatusCode.BadRequest);
        Assert.Contains("mode", unknownMode.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Windows_1252_file_is_refused_and_one_that_names_its_charset_is_read_correctly()
    {
        await using var host = await StartWithReturnAsync();
        var before = await StoredAsync(host);
        var csv = $"service_id,{FieldIds.Comments}\n24,café naïve £100\n";

        var problem = await ProblemAsync(await PostCsvAsync(host, Encoding.Latin1.GetBytes(csv), "?mode=merge"), HttpStatusCode.BadRequest);
        Assert.Contains("UTF-8", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await AssertUnchangedAsync(host, before);

        var named = await PostCsvAsync(host, Encoding.Latin1.GetBytes(csv), "?mode=merge", contentType: "text/csv; charset=windows-1252");
        Assert.True(named.StatusCode == HttpStatusCode.OK, await named.Content.ReadAsStringAsync());
        Assert.Equal("café naïve £100", (await StoredAsync(host)).Values[FieldIds.Comments]);

        var unknown = await ProblemAsync(await PostCsvAsync(host, Encoding.Latin1.GetBytes(csv), "?mode=merge", contentType: "text/csv; charset=x-klingon"), HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("x-klingon", unknown.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("service_id,comments.text,casework.users\n24,ab\"c,410\n", 2, 2)]           // a bare quote inside a field
    [InlineData("service_id,comments.text,casework.users\n24,\"abc,410\n", 2, 2)]           // a quote never closed
    [InlineData("service_id,comments.text,casework.users\n24,abc\n", 2, 3)]                 // a short row
    [InlineData("service_id,comments.text,casework.users\n24,abc,410,oops,more\n", 2, 4)]   // extra fields
    [InlineData("service_id,comments.text,casework.users\n24,abc,410\n25,\"x\"y,410\n", 3, 2)]
    public async Task A_malformed_row_is_a_400_naming_its_line_and_column_and_changes_nothing(string csv, int line, int column)
    {
        await using var host = await StartWithReturnAsync();
        var before = await StoredAsync(host);

        var problem = await ProblemAsync(await PostCsvAsync(host, csv, "?mode=merge"), HttpStatusCode.BadRequest);
        var first = ProblemList(problem)[0];
        Assert.Equal(line, first.Line);
        Assert.Contains($"column {column}", first.Message, StringComparison.Ordinal);
        Assert.Contains($"Line {line}", first.Message, StringComparison.Ordinal);
        await AssertUnchangedAsync(host, before);
    }

    [Fact]
    public async Task A_year_with_no_definition_is_a_404_and_a_year_not_set_up_is_refused()
    {
        await using var host = await StartWithReturnAsync();
        var before = await StoredAsync(host);

        var noDefinition = await ProblemAsync(await PostCsvAsync(host, "service_id,comments.text\n24,x\n", year: 1999), HttpStatusCode.NotFound);
        Assert.Contains("no return definition for 1999", noDefinition.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // Set up, but no definition: still a 404, never another year's form.
        await host.Services.GetRequiredService<CollectionYearStore>().SaveAsync(new CollectionYear
        {
            Year = 2030, Opens = Opens.AddYears(17), Closes = Closes.AddYears(17), NationalServiceCount = 150,
        }, null);
        await ProblemAsync(await PostCsvAsync(host, "service_id,comments.text\n24,x\n", "?mode=merge", year: 2030), HttpStatusCode.NotFound);
        await AssertUnchangedAsync(host, before);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/json")]
    [InlineData("application/octet-stream")]
    public async Task The_import_takes_text_csv_only(string contentType)
    {
        await using var host = await StartWithReturnAsync();
        var before = await StoredAsync(host);
        var problem = await ProblemAsync(await PostCsvAsync(host, "service_id,comments.text\n24,x\n", "?mode=merge", contentType: contentType), HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("text/csv", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await AssertUnchangedAsync(host, before);
    }

    [Fact]
    public async Task The_problems_listed_are_capped_and_the_answer_says_how_many_more_there_are()
    {
        await using var host = await StartWithReturnAsync();
        var before = await StoredAsync(host);
        var csv = new StringBuilder("service_id,comments.text\n");
        for (var i = 0; i < 100_000; i++) csv.Append("999,x\n");

        var response = await PostCsvAsync(host, csv.ToString(), "?mode=merge");
        var bytes = (await response.Content.ReadAsByteArrayAsync()).Length;
        var problem = await ProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Equal(100, problem.GetProperty("problems").GetArrayLength());
        Assert.Equal(100_000 - 100, problem.GetProperty("moreProblems").GetInt32());
        Assert.Contains("100,000 problem", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(bytes < 32 * 1024, $"{bytes} bytes of problems for a {csv.Length}-byte file");
        await AssertUnchangedAsync(host, before);
    }
}
