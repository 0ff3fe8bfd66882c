using static Pps.Tests.Functions.Returns.ApiHarness;

namespace Pps.Tests.Functions.Returns;

/// <summary>NPPN's reference-data and statistical-neighbours imports over HTTP (text/csv, all or nothing).</summary>
public class ReferenceDataApiTests
{
    private const string Header = "service_id,year,region,population_0_19,sen_pupils,fsm_pupils,source\n";

    [Fact]
    public async Task Nppn_imports_reference_data_as_csv_and_a_service_cannot()
    {
        var api = await StartAsync();
        var csv = Header + "1,2013,Yorkshire and The Humber,120000,13000,9000,test\n2,2013,Yorkshire and The Humber,60000,7000,5000,test\n";
        var imported = await Run(api.ReferenceApi.Import(Request("POST", AdminToken, csv, contentType: "text/csv"), default));
        Assert.Equal(200, imported.Status);
        Assert.Equal(2, imported.Body.GetProperty("rows").GetInt32());
        Assert.Equal([2013], imported.Body.GetProperty("years").EnumerateArray().Select(y => y.GetInt32()));
        Assert.Equal(13000, (await api.Reference.LoadAsync()).For(2013, 1)!.SenPupils);

        var token = await api.TokenForAsync(42);
        Assert.Equal(403, (await Run(api.ReferenceApi.Import(Request("POST", token, csv, contentType: "text/csv"), default))).Status);
        Assert.Equal(415, (await Run(api.ReferenceApi.Import(Request("POST", AdminToken, csv), default))).Status);
        Assert.Equal(400, (await Run(api.ReferenceApi.Import(Request("POST", AdminToken, "", contentType: "text/csv"), default))).Status);
    }

    [Fact]
    public async Task A_bad_row_stores_nothing_and_every_problem_is_named_by_line_and_column()
    {
        var api = await StartAsync();
        var csv = Header + "1,2013,Yorkshire and The Humber,120000,13000,9000,test\n999,2013,Nowhere,-5,x,1,test\n";
        var rejected = await Run(api.ReferenceApi.Import(Request("POST", AdminToken, csv, contentType: "text/csv"), default));
        Assert.Equal(422, rejected.Status);
        var problems = rejected.Body.GetProperty("problems").EnumerateArray().ToList();
        Assert.True(problems.Count >= 2, rejected.Body.GetRawText());
        Assert.All(problems, p => Assert.Equal(3, p.GetProperty("line").GetInt32()));
        Assert.Contains(problems, p => p.GetProperty("column").GetString() == "service_id");
        Assert.Contains(problems, p => p.GetProperty("column").GetString() == "sen_pupils");
        Assert.All(problems, p => Assert.False(string.IsNullOrWhiteSpace(p.GetProperty("problem").GetString())));
        Assert.Null((await api.Reference.LoadAsync()).For(2013, 1));
    }

    [Fact]
    public async Task Nppn_imports_statistical_neighbours_and_an_unknown_service_is_refused()
    {
        var api = await StartAsync();
        var imported = await Run(api.ReferenceApi.ImportNeighbours(Request("POST", AdminToken, "service_id,neighbour_id\n1,2\n1,3\n2,1\n", contentType: "text/csv"), default));
        Assert.Equal(200, imported.Status);
        Assert.Equal(2, imported.Body.GetProperty("services").GetInt32());
        Assert.Equal(3, imported.Body.GetProperty("pairs").GetInt32());
        Assert.Equal([2, 3], (await api.Reference.LoadNeighboursAsync())[1]);

        var rejected = await Run(api.ReferenceApi.ImportNeighbours(Request("POST", AdminToken, "service_id,neighbour_id\n1,9999\n", contentType: "text/csv"), default));
        Assert.Equal(422, rejected.Status);
        Assert.Equal(2, rejected.Body.GetProperty("problems")[0].GetProperty("line").GetInt32());
        Assert.Equal([2, 3], (await api.Reference.LoadNeighboursAsync())[1]);
    }
}
