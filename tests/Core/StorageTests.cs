using Pps.Core.Catalogue;
using Pps.Core.Definition;
using Pps.Core.Reference;
using Pps.Core.Returns;
using Pps.Core.Storage;
using Pps.Core.Validation;
using Pps.Tests.Support;

namespace Pps.Tests.Core;

public class StorageTests
{
    private static ReturnValues Values(params (string Id, string Value)[] fields) =>
        ReturnValidator.Validate(BuiltInDefinitions.For(2013), fields.ToDictionary(f => f.Id, f => (string?)f.Value)).Values;

    private static ServiceReturn NewReturn(int serviceId, ReturnValues values) => new()
    {
        ServiceId = serviceId, Year = 2013, Status = ReturnStatus.Draft, Values = values,
        UpdatedAt = new DateTimeOffset(2013, 10, 1, 9, 30, 0, TimeSpan.Zero),
        ConfirmedWarnings = new HashSet<string> { "yoy-core-budget" },
    };

    [Fact]
    public async Task A_return_round_trips_with_every_field_type()
    {
        var store = new ReturnStore(await Azurite.NewStorageAsync());
        var values = Values(
            (FieldIds.Rating("1a"), "N"), (FieldIds.Rating("6e"), "x"), (FieldIds.CompletedBy, "PPO+MG"), (FieldIds.CoreBudget, "123456"),
            (FieldIds.ManagerFte, "0.75"), (FieldIds.FormatKinds, "audio;braille"), (FieldIds.ManagesOtherStaff, "no"),
            (FieldIds.Comments, "Budget fell; a post was vacant for six months."));
        var saved = await store.SaveAsync(NewReturn(42, values), null, "service:42", "save-draft");

        var read = await store.GetAsync(2013, 42);
        Assert.NotNull(read);
        Assert.Equal(values.AsDictionary(), read.Values.AsDictionary());
        Assert.Equal(ReturnStatus.Draft, read.Status);
        Assert.Equal(1, read.Revision);
        Assert.Equal("service:42", read.UpdatedBy);
        Assert.Equal(saved.ETag, read.ETag);
        Assert.Equal(["yoy-core-budget"], read.ConfirmedWarnings);
        Assert.Equal(0.75m, read.Values.Number(FieldIds.ManagerFte));
        Assert.False(read.Values.Has(FieldIds.CaseworkUsers));
        Assert.Single(await store.ListYearAsync(2013));
        Assert.Empty(await store.ListYearAsync(2012));
    }

    [Fact]
    public async Task The_answers_are_one_property_and_the_close_reads_them_back()
    {
        var storage = await Azurite.NewStorageAsync();
        var store = new ReturnStore(storage);
        var values = Values((FieldIds.Rating("1a"), "N"), (FieldIds.CoreBudget, "123456"), (FieldIds.FormatKinds, "audio;braille"));
        await store.SaveAsync(NewReturn(42, values) with { Status = ReturnStatus.Submitted, SubmittedAt = new DateTimeOffset(2013, 10, 2, 9, 0, 0, TimeSpan.Zero) },
            null, "service:42", "submit");
        var entity = (await storage.Returns.GetEntityAsync<Azure.Data.Tables.TableEntity>("2013", "042")).Value;
        Assert.DoesNotContain(entity.Keys, k => k.StartsWith("f_", StringComparison.Ordinal));
        Assert.Equal("""{"access.formatKinds":"audio;braille","budget.core":"123456","rating.1a":"N"}""", entity.GetString("Values"));

        var forClose = await store.ListForAggregationAsync(2013);
        Assert.Equal(1, forClose.Stored);
        Assert.Equal(values.AsDictionary().OrderBy(kv => kv.Key), forClose.Returned.Single(r => r.ServiceId == 42).Values.AsDictionary().OrderBy(kv => kv.Key));
    }

    [Fact]
    public async Task A_stale_write_gets_a_conflict_carrying_the_current_version()
    {
        var store = new ReturnStore(await Azurite.NewStorageAsync());
        var first = await store.SaveAsync(NewReturn(7, Values((FieldIds.CaseworkUsers, "100"))), null, "service:7", "save-draft");

        var mine = await store.SaveAsync(first with { Values = Values((FieldIds.CaseworkUsers, "110")) }, first, "service:7", "save-draft");
        var conflict = await Assert.ThrowsAsync<ConcurrencyConflictException>(() =>
            store.SaveAsync(first with { Values = Values((FieldIds.CaseworkUsers, "999")) }, first, "service:7", "save-draft"));

        var current = Assert.IsType<ServiceReturn>(conflict.Current);
        Assert.Equal(110m, current.Values.Number(FieldIds.CaseworkUsers));
        Assert.Equal(mine.ETag, current.ETag);
        Assert.Equal(110m, (await store.GetAsync(2013, 7))!.Values.Number(FieldIds.CaseworkUsers));

        // Two writers that both found nothing: only one creates the return.
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() =>
            store.SaveAsync(NewReturn(7, Values((FieldIds.CaseworkUsers, "5"))), null, "service:7", "save-draft"));
    }

    [Fact]
    public async Task Every_change_is_audited_and_earlier_versions_can_be_read_back()
    {
        var store = new ReturnStore(await Azurite.NewStorageAsync());
        var v1 = await store.SaveAsync(NewReturn(9, Values((FieldIds.CaseworkUsers, "100"), (FieldIds.CoreBudget, "50000"))), null, "service:9", "save-draft");
        await store.SaveAsync(v1 with { Values = Values((FieldIds.CaseworkUsers, "120"), (FieldIds.ManagerFte, "1")), Status = ReturnStatus.Locked },
            v1, "nppn", "amend", "Service phoned: 120 is right");

        var history = await store.HistoryAsync(2013, 9);
        Assert.Equal([1, 2], history.Select(h => h.Revision));
        Assert.Equal(100m, history[0].Values.Number(FieldIds.CaseworkUsers));
        var amend = history[1];
        Assert.Equal("nppn", amend.By);
        Assert.Equal("Service phoned: 120 is right", amend.Reason);
        Assert.Equal(ReturnStatus.Locked, amend.Status);
        Assert.Equal(
            [new FieldChange(FieldIds.CoreBudget, "50000", null), new FieldChange(FieldIds.CaseworkUsers, "100", "120"), new FieldChange(FieldIds.ManagerFte, null, "1")],
            amend.Changes);
    }

    [Fact]
    public async Task A_collection_year_round_trips_and_conflicts_on_a_stale_etag()
    {
        var store = new CollectionYearStore(await Azurite.NewStorageAsync());
        var opens = new DateTimeOffset(2013, 9, 1, 0, 0, 0, TimeSpan.Zero);
        var year = new CollectionYear
        {
            Year = 2013, Opens = opens, Closes = opens.AddDays(45), NationalServiceCount = 150,
            Extensions = new Dictionary<int, DateTimeOffset> { [12] = opens.AddDays(50) },
        };
        var etag = await store.SaveAsync(year, null);
        var (read, readEtag) = (await store.GetAsync(2013))!.Value;
        Assert.Equal(etag, readEtag);
        Assert.Equal(year.Closes, read.Closes);
        Assert.Equal(opens.AddDays(50), read.Extensions[12]);
        Assert.Null(read.ClosedAt);

        await store.SaveAsync(read with { Closes = opens.AddDays(60) }, readEtag);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => store.SaveAsync(read with { ClosedAt = opens }, readEtag));
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => store.SaveAsync(year, null));
        Assert.Equal(opens.AddDays(60), (await store.GetAsync(2013))!.Value.Year.Closes);
        Assert.Equal([2013], (await store.ListAsync()).Select(y => y.Year));
    }

    private const string Header = "service_id,year,region,population_0_19,sen_pupils,fsm_pupils\n";

    [Fact]
    public async Task Reference_data_imports_and_replaces_only_the_years_in_the_file()
    {
        var store = new ReferenceDataStore(await Azurite.NewStorageAsync(), ServiceCatalogue.BuiltIn);
        var first = await store.ImportCsvAsync(new StringReader(Header + "1,2012,Yorkshire and The Humber,120000,9000,11000\n1,2013,Yorkshire and The Humber,121000,,\n"));
        Assert.True(first.Succeeded);
        var second = await store.ImportCsvAsync(new StringReader(Header + "2,2013,London,60000,4000,7000\n"));
        Assert.True(second.Succeeded);

        var data = await store.LoadAsync();
        Assert.Equal(120000, data.For(2012, 1)!.Population0To19);
        Assert.Null(data.For(2013, 1));
        var wandsworth = data.For(2013, 2)!;
        Assert.Equal(("London", 60000L, 4000L, 7000L), (wandsworth.Region, wandsworth.Population0To19!.Value, wandsworth.SenPupils!.Value, wandsworth.FsmPupils!.Value));
    }

    [Theory]
    [InlineData("999,2013,London,1,1,1", 2, "service_id", "not a known service id")]
    [InlineData("2,2013,London,-5,1,1", 2, "population_0_19", "negative")]
    [InlineData("2,2013,London,1,many,1", 2, "sen_pupils", "not a whole number")]
    [InlineData("2,2013,London,1,1,1\n2,2013,London,1,1,1", 3, "service_id", "already has a row for 2013 (line 3)")]
    [InlineData("2,2013,Atlantis,1,1,1", 2, "region", "not one of the 9 English regions")]
    [InlineData("2,,London,1,1,1", 2, "year", "is empty")]
    public async Task A_bad_row_fails_the_whole_import_naming_line_and_column(string rows, int line, string column, string phrase)
    {
        var store = new ReferenceDataStore(await Azurite.NewStorageAsync(), ServiceCatalogue.BuiltIn);
        Assert.True((await store.ImportCsvAsync(new StringReader(Header + "1,2013,Yorkshire and The Humber,121000,1,1\n"))).Succeeded);

        var result = await store.ImportCsvAsync(new StringReader(Header + "3,2013,Yorkshire and The Humber,5000,1,1\n" + rows + "\n"));

        Assert.False(result.Succeeded);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(line + 1, problem.Line);
        Assert.Equal(column, problem.Column);
        Assert.Contains(phrase, problem.Message);
        var data = await store.LoadAsync();
        Assert.Null(data.For(2013, 3));
        Assert.Equal(121000, data.For(2013, 1)!.Population0To19);
    }

    [Fact]
    public async Task A_file_without_the_required_columns_is_refused()
    {
        var store = new ReferenceDataStore(await Azurite.NewStorageAsync(), ServiceCatalogue.BuiltIn);
        var result = await store.ImportCsvAsync(new StringReader("service_id,year\n1,2013\n"));
        Assert.Contains("region", Assert.Single(result.Problems).Column);
        Assert.Empty((await store.LoadAsync()).Rows);
    }

    [Fact]
    public async Task Reference_data_and_neighbours_keep_the_json_the_general_serializer_wrote_and_reads()
    {
        var storage = await Azurite.NewStorageAsync();
        var store = new ReferenceDataStore(storage, ServiceCatalogue.BuiltIn);
        // As stored before the store read and wrote them through generated code.
        List<StoredReferenceRow> before = [new(1, 2013, "Yorkshire and The Humber", 121000, null, 7, "ONS mid-2012"), new(2, 2013, "London", 60000, 4000, 7000, null)];
        await storage.Reference.GetBlobClient("reference-data.json").UploadAsync(BinaryData.FromObjectAsJson(before));
        await storage.Reference.GetBlobClient("statistical-neighbours.json").UploadAsync(BinaryData.FromObjectAsJson(new Dictionary<int, List<int>> { [1] = [3, 2] }));

        var data = await store.LoadAsync();
        Assert.Equal((121000L, (long?)null, "ONS mid-2012"), (data.For(2013, 1)!.Population0To19!.Value, data.For(2013, 1)!.SenPupils, data.For(2013, 1)!.Source));
        Assert.Equal([3, 2], (await store.LoadNeighboursAsync())[1]);

        Assert.True((await store.ImportCsvAsync(new StringReader(Header + "3,2012,Yorkshire and The Humber,5000,1,1\n"))).Succeeded);
        Assert.True((await store.ImportNeighboursCsvAsync(new StringReader("service_id,neighbour_id\n2,1\n"))).Succeeded);
        // What is written now, read by the general serializer.
        var written = (await storage.Reference.GetBlobClient("reference-data.json").DownloadContentAsync()).Value.Content.ToObjectFromJson<List<StoredReferenceRow>>()!;
        Assert.All(before, row => Assert.Contains(row, written));
        Assert.Equal(5000, Assert.Single(written, r => (r.ServiceId, r.Year) == (3, 2012)).Population0To19);
        var neighbours = (await storage.Reference.GetBlobClient("statistical-neighbours.json").DownloadContentAsync()).Value.Content.ToObjectFromJson<Dictionary<int, List<int>>>()!;
        Assert.Equal([1], neighbours[2]);
    }

    [Fact]
    public async Task Statistical_neighbours_import_whole_or_not_at_all()
    {
        var store = new ReferenceDataStore(await Azurite.NewStorageAsync(), ServiceCatalogue.BuiltIn);
        Assert.Empty(await store.LoadNeighboursAsync());
        Assert.True((await store.ImportNeighboursCsvAsync(new StringReader("service_id,neighbour_id\n1,3\n1,2\n2,1\n"))).Succeeded);
        var loaded = await store.LoadNeighboursAsync();
        Assert.Equal([2, 3], loaded[1]);
        Assert.Equal([1], loaded[2]);

        var bad = await store.ImportNeighboursCsvAsync(new StringReader("service_id,neighbour_id\n4,5\n4,4\n4,5\n999,1\n4,x\n"));
        Assert.False(bad.Succeeded);
        Assert.Equal(
            [(3, "neighbour_id", "own neighbour"), (4, "neighbour_id", "already has 5 as a neighbour (line 2)"), (5, "service_id", "not a known service id"), (6, "neighbour_id", "not a whole number")],
            bad.Problems.Select(p => (p.Line, p.Column, Phrase(p.Message))).ToList());
        Assert.Equal([2, 3], (await store.LoadNeighboursAsync())[1]);
        Assert.False((await store.LoadNeighboursAsync()).ContainsKey(4));

        static string Phrase(string message) =>
            new[] { "own neighbour", "already has 5 as a neighbour (line 2)", "not a known service id", "not a whole number" }.First(message.Contains);
    }
}
