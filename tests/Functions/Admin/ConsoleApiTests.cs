using Pps.Core.Catalogue;
using System.Text.Json;
using Pps.Tests.Support;
using Pps.Core.Definition;
using Pps.Core.Returns;
using Microsoft.Extensions.Options;
using Pps.Core.Storage;
using Pps.Functions.Admin;
using Pps.Functions.Http;
using Pps.Tests.Functions.Returns;
using static Pps.Core.Definition.FieldIds;
using static Pps.Tests.Functions.Returns.ApiHarness;
using static Pps.Tests.Support.Window2013;

namespace Pps.Tests.Functions.Admin;

/// <summary>The endpoints NPPN's console needs beyond the returns API: extensions withdrawn, credentials and years listed, CSV imports.</summary>
public class ConsoleApiTests
{
    [Fact]
    public async Task NPPN_withdraws_an_extension_and_the_service_is_refused_again()
    {
        var api = await StartAsync();
        var token = await api.TokenForAsync(42);
        api.Clock.Now = Closes.AddDays(1);
        Assert.Equal(200, (await Run(api.YearsApi.GrantExtension(Request("POST", AdminToken, new { until = Closes.AddDays(14) }), 2013, 42, default))).Status);
        Assert.Equal(200, (await api.PutReturn(token, 42, Save(new Dictionary<string, object> { [CaseworkUsers] = 5 }))).Status);
        var extended = await Run(api.YearsApi.Get(Request("GET", token), 2013, default));
        Assert.True(extended.Body.GetProperty("acceptsWrites").GetBoolean());
        Assert.Equal(JsonValueKind.Null, (await Run(api.YearsApi.Get(Request("GET", AdminToken), 2013, default))).Body.GetProperty("acceptsWrites").ValueKind);

        Assert.Equal(403, (await Run(api.YearsApi.WithdrawExtension(Request("DELETE", token), 2013, 42, default))).Status);
        var withdrawn = await Run(api.YearsApi.WithdrawExtension(Request("DELETE", AdminToken), 2013, 42, default));
        Assert.Equal(200, withdrawn.Status);
        Assert.Empty(withdrawn.Body.GetProperty("extensions").EnumerateObject());
        Assert.Empty((await api.Years.GetAsync(2013))!.Value.Year.Extensions);

        var window = await Run(api.YearsApi.Get(Request("GET", token), 2013, default));
        Assert.False(window.Body.GetProperty("acceptsWrites").GetBoolean());
        var read = await api.GetReturn(token, 42);
        Assert.Equal(Closes, read.Body.GetProperty("closesFor").GetDateTimeOffset());
        Assert.Equal(409, (await api.PutReturn(token, 42, Save(new Dictionary<string, object> { [CaseworkUsers] = 6 }), read.ETag)).Status);
        var again = await Run(api.YearsApi.WithdrawExtension(Request("DELETE", AdminToken), 2013, 42, default));
        Assert.Equal(404, again.Status);
        Assert.Contains("no extension", again.Detail);
    }

    [Fact]
    public async Task NPPN_lists_credentials_without_their_tokens_filtered_by_year_and_service()
    {
        var api = await StartAsync();
        var first = await Run(api.CredentialsApi.Issue(Request("POST", AdminToken, new { serviceId = 42, year = 2013, label = "<b>officer</b>" }), default));
        api.Clock.Now = api.Clock.Now.AddMinutes(1);
        await Run(api.CredentialsApi.Issue(Request("POST", AdminToken, new { serviceId = 42, year = 2013 }), default));
        await Run(api.CredentialsApi.Issue(Request("POST", AdminToken, new { serviceId = 43, year = 2013 }), default));
        await Run(api.CredentialsApi.Issue(Request("POST", AdminToken, new { serviceId = 42, year = 2012 }), default));
        await Run(api.CredentialsApi.Revoke(Request("DELETE", AdminToken), first.Body.GetProperty("id").GetString()!, default));

        var request = Request("GET", AdminToken);
        request.QueryString = new Microsoft.AspNetCore.Http.QueryString("?year=2013&serviceId=42");
        var listed = await Run(api.CredentialsApi.List(request, default));
        Assert.Equal(200, listed.Status);
        var rows = listed.Body.EnumerateArray().ToList();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal(System.Text.Json.JsonValueKind.Null, r.GetProperty("token").ValueKind));
        // Newest first; the revoked one stays listed with when it was revoked.
        Assert.Equal(first.Body.GetProperty("id").GetString(), rows[1].GetProperty("id").GetString());
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, rows[1].GetProperty("revokedAt").ValueKind);
        Assert.Equal("<b>officer</b>", rows[1].GetProperty("label").GetString());
        Assert.Equal(4, (await Run(api.CredentialsApi.List(Request("GET", AdminToken), default))).Body.GetArrayLength());

        var bad = Request("GET", AdminToken);
        bad.QueryString = new Microsoft.AspNetCore.Http.QueryString("?year=last");
        var refused = await Run(api.CredentialsApi.List(bad, default));
        Assert.Equal(422, refused.Status);
        Assert.True(refused.Body.GetProperty("errors").TryGetProperty("year", out _));
        Assert.Equal(403, (await Run(api.CredentialsApi.List(Request("GET", await api.TokenForAsync(42)), default))).Status);
    }

    [Fact]
    public async Task A_token_says_whose_it_is_so_the_form_signs_in_with_the_token_alone()
    {
        var api = await StartAsync();
        var service = await Run(api.CredentialsApi.Me(Request("GET", await api.TokenForAsync(42)), default));
        Assert.Equal(200, service.Status);
        Assert.Equal((42, 2013, false), (service.Body.GetProperty("serviceId").GetInt32(), service.Body.GetProperty("year").GetInt32(), service.Body.GetProperty("nppn").GetBoolean()));
        Assert.False(string.IsNullOrEmpty(service.Body.GetProperty("serviceName").GetString()));
        var nppn = await Run(api.CredentialsApi.Me(Request("GET", AdminToken), default));
        Assert.True(nppn.Body.GetProperty("nppn").GetBoolean());
        Assert.Equal(401, (await Run(api.CredentialsApi.Me(Request("GET", "pps_0123456789abcdef_nope"), default))).Status);
    }

    [Fact]
    public async Task NPPN_lists_the_collection_years()
    {
        var api = await StartAsync();
        // A year opens only with its definition: NPPN publishes 2014's (a copy of 2013's) first.
        Assert.IsType<DefinitionOutcome.Published>(await api.App.Get<DefinitionStore>()
            .PublishAsync(Actor.Nppn, 2014, DefinitionDocuments.CopyOf(2013, 2014).ToJsonString()));
        await Run(api.YearsApi.SetWindow(Request("PUT", AdminToken, new { opens = Opens.AddYears(1), closes = Closes.AddYears(1) }), 2014, default));
        var listed = await Run(api.YearsApi.List(Request("GET", AdminToken), default));
        Assert.Equal(200, listed.Status);
        Assert.Equal([(2013, "open"), (2014, "scheduled")],
            listed.Body.EnumerateArray().Select(y => (y.GetProperty("year").GetInt32(), y.GetProperty("state").GetString())));
        Assert.Equal(403, (await Run(api.YearsApi.List(Request("GET", await api.TokenForAsync(42)), default))).Status);
    }

    private static ReferenceFunctions Imports(ApiHarness api) => new(new ReferenceDataStore(api.Storage, ServiceCatalogue.BuiltIn),
        new PpsAuthenticator(api.Credentials, Options.Create(new ApiAuthOptions { AdminTokenSha256 = CredentialStore.Sha256Hex(AdminToken) })));

    [Fact]
    public async Task A_reference_data_csv_with_bad_rows_stores_nothing_and_lists_every_bad_row()
    {
        var api = await StartAsync();
        var imports = Imports(api);
        const string bad = """
            service_id,year,region,population_0_19,sen_pupils,fsm_pupils
            1,2013,Yorkshire and The Humber,120000,3000,9000
            999,2013,London,1,1,1
            2,2013,Atlantis,1,1,1
            3,2013,London,-5,1,1
            """;
        var refused = await Run(imports.ImportReference(Request("POST", AdminToken, bad, contentType: "text/csv"), default));
        Assert.Equal(422, refused.Status);
        var rows = refused.Body.GetProperty("rows").EnumerateArray().Select(r => (r.GetProperty("line").GetInt32(), r.GetProperty("column").GetString())).ToList();
        Assert.Equal([(3, "service_id"), (4, "region"), (5, "population_0_19")], rows);
        Assert.Empty((await new ReferenceDataStore(api.Storage, ServiceCatalogue.BuiltIn).LoadAsync()).Rows);

        const string good = """
            service_id,year,region,population_0_19,sen_pupils,fsm_pupils
            1,2013,Yorkshire and The Humber,120000,3000,9000
            2,2013,London,50000,1000,2000
            """;
        var imported = await Run(imports.ImportReference(Request("POST", AdminToken, good, contentType: "text/csv; charset=utf-8"), default));
        Assert.Equal(200, imported.Status);
        Assert.Equal(2, imported.Body.GetProperty("count").GetInt32());
        Assert.Equal(2, (await new ReferenceDataStore(api.Storage, ServiceCatalogue.BuiltIn).LoadAsync()).Rows.Count());

        Assert.Equal(415, (await Run(imports.ImportReference(Request("POST", AdminToken, good), default))).Status);
        Assert.Equal(403, (await Run(imports.ImportReference(Request("POST", await api.TokenForAsync(1), good, contentType: "text/csv"), default))).Status);
    }

    [Fact]
    public async Task Statistical_neighbours_import_over_http_all_or_nothing()
    {
        var api = await StartAsync();
        var imports = Imports(api);
        var refused = await Run(imports.ImportNeighbours(Request("POST", AdminToken, "service_id,neighbour_id\n1,2\n1,x\n", contentType: "text/csv"), default));
        Assert.Equal(422, refused.Status);
        Assert.Equal(3, Assert.Single(refused.Body.GetProperty("rows").EnumerateArray()).GetProperty("line").GetInt32());
        Assert.Empty(await new ReferenceDataStore(api.Storage, ServiceCatalogue.BuiltIn).LoadNeighboursAsync());

        var imported = await Run(imports.ImportNeighbours(Request("POST", AdminToken, "service_id,neighbour_id\n1,2\n1,3\n4,1\n", contentType: "text/csv"), default));
        Assert.Equal(200, imported.Status);
        Assert.Equal([2, 3], (await new ReferenceDataStore(api.Storage, ServiceCatalogue.BuiltIn).LoadNeighboursAsync())[1]);
    }

    private static Microsoft.AspNetCore.Http.HttpRequest Preview(string csv, string preview = "true")
    {
        var request = Request("POST", AdminToken, csv, contentType: "text/csv");
        request.QueryString = new Microsoft.AspNetCore.Http.QueryString("?preview=" + preview);
        return request;
    }

    [Fact]
    public async Task A_reference_data_preview_says_what_each_row_would_change_and_stores_nothing()
    {
        var api = await StartAsync();
        var imports = Imports(api);
        const string first = """
            service_id,year,region,population_0_19,sen_pupils,fsm_pupils
            1,2013,Yorkshire and The Humber,120000,3000,9000
            2,2013,London,50000,1000,2000
            3,2012,London,40000,900,1800
            """;
        Assert.Equal(200, (await Run(imports.ImportReference(Request("POST", AdminToken, first, contentType: "text/csv"), default))).Status);

        // 2013 again: 1 unchanged, 2's SEN pupils changed, 4 new; 3's 2012 row is of another year, which the file leaves alone.
        const string second = """
            service_id,year,region,population_0_19,sen_pupils,fsm_pupils
            1,2013,Yorkshire and The Humber,120000,3000,9000
            2,2013,London,50000,1100,2000
            4,2013,London,10000,100,200
            """;
        var preview = await Run(imports.ImportReference(Preview(second), default));
        Assert.Equal(200, preview.Status);
        var body = preview.Body;
        Assert.Equal([2013], body.GetProperty("years").EnumerateArray().Select(y => y.GetInt32()));
        Assert.Equal((1, 1, 0, 1), (body.GetProperty("new").GetInt32(), body.GetProperty("changed").GetInt32(), body.GetProperty("removed").GetInt32(), body.GetProperty("unchanged").GetInt32()));
        var changed = body.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("change").GetString() == "changed");
        Assert.Equal(2, changed.GetProperty("serviceId").GetInt32());
        var field = Assert.Single(changed.GetProperty("fields").EnumerateArray());
        Assert.Equal(("sen_pupils", "1000", "1100"), (field.GetProperty("field").GetString(), field.GetProperty("from").GetString(), field.GetProperty("to").GetString()));
        // Nothing stored: 2's SEN pupils are as they were, and 4 has no row.
        var stored = await new ReferenceDataStore(api.Storage, ServiceCatalogue.BuiltIn).LoadAsync();
        Assert.Equal(1000, stored.For(2013, 2)!.SenPupils);
        Assert.Null(stored.For(2013, 4));

        // A 2013 file without service 2: its 2013 row would go (the load replaces the year).
        var removing = await Run(imports.ImportReference(Preview("service_id,year,region,population_0_19,sen_pupils,fsm_pupils\n1,2013,Yorkshire and The Humber,120000,3000,9000\n"), default));
        Assert.Equal(2, Assert.Single(removing.Body.GetProperty("rows").EnumerateArray(), r => r.GetProperty("change").GetString() == "removed").GetProperty("serviceId").GetInt32());

        // Bad rows are refused as by the load; an unreadable preview flag is a 400, never a 500.
        var bad = await Run(imports.ImportReference(Preview("service_id,year,region,population_0_19,sen_pupils,fsm_pupils\n999,2013,London,1,1,1\n"), default));
        Assert.Equal(422, bad.Status);
        Assert.Equal(2, Assert.Single(bad.Body.GetProperty("rows").EnumerateArray()).GetProperty("line").GetInt32());
        Assert.Equal(400, (await Run(imports.ImportReference(Preview(second, "yes"), default))).Status);
        // A stray quote: a bad row, not a 500.
        const string strayQuote = "service_id,year,region,population_0_19,sen_pupils,fsm_pupils\n1,2013,\"London,1,1,1\n";
        var quote = await Run(imports.ImportReference(Preview(strayQuote), default));
        Assert.Equal(422, quote.Status);
        Assert.Contains("quote", Assert.Single(quote.Body.GetProperty("rows").EnumerateArray()).GetProperty("message").GetString());
        Assert.Equal(422, (await Run(imports.ImportReference(Request("POST", AdminToken, strayQuote, contentType: "text/csv"), default))).Status);
        Assert.Equal(422, (await Run(imports.ImportNeighbours(Request("POST", AdminToken, "service_id,neighbour_id\n1,\"2\n", contentType: "text/csv"), default))).Status);
    }

    [Fact]
    public async Task A_neighbours_preview_names_each_service_whose_list_would_change_and_stores_nothing()
    {
        var api = await StartAsync();
        var imports = Imports(api);
        Assert.Equal(200, (await Run(imports.ImportNeighbours(Request("POST", AdminToken, "service_id,neighbour_id\n1,2\n1,3\n4,1\n5,1\n", contentType: "text/csv"), default))).Status);

        var preview = await Run(imports.ImportNeighbours(Preview("service_id,neighbour_id\n1,3\n1,2\n4,2\n6,1\n"), default));
        Assert.Equal(200, preview.Status);
        var rows = preview.Body.GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("serviceId").GetInt32());
        Assert.Equal([4, 5, 6], rows.Keys.Order());
        Assert.Equal("changed", rows[4].GetProperty("change").GetString());
        Assert.Equal("1", rows[4].GetProperty("fields")[0].GetProperty("from").GetString());
        Assert.Equal("2", rows[4].GetProperty("fields")[0].GetProperty("to").GetString());
        Assert.Equal("removed", rows[5].GetProperty("change").GetString());
        Assert.Equal("new", rows[6].GetProperty("change").GetString());
        Assert.Equal(1, preview.Body.GetProperty("unchanged").GetInt32()); // 1: the same neighbours in another order
        Assert.Equal([1], (await new ReferenceDataStore(api.Storage, ServiceCatalogue.BuiltIn).LoadNeighboursAsync())[4]);
    }
}
