using Azure.Data.Tables;
using Pps.Core.Definition;
using Pps.Core.Returns;
using Pps.Core.Storage;
using Pps.Tests.Support;
using static Pps.Tests.Support.Window2013;

namespace Pps.Tests.Core;

/// <summary>
/// Azure Table storage's limits, which Azurite does not enforce, held by the code that writes; and text limits in
/// bytes as the store writes them.
/// </summary>
public class TableLimitsTests
{

    [Theory]
    [InlineData("plain text")]
    [InlineData("café naïve £100")]
    [InlineData("引用 and \"quotes\" and \\ and a\nline")]
    [InlineData("\U0001F600\U0001F469\u200D\U0001F4BB")]
    public void A_texts_stored_bytes_are_the_bytes_the_store_writes(string text) =>
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(StoredJson.Serialize(text)) - 2, FreeText.StoredBytes(text));

    [Fact]
    public void A_text_limit_is_in_bytes_as_stored_to_the_byte()
    {
        Assert.Equal(12, FreeText.StoredBytes("\U0001F600"));
        Assert.Null(FreeText.Problem(new string('x', 1200), 1200));
        Assert.Contains("at most 1200 bytes as stored (1201 given", FreeText.Problem(new string('x', 1201), 1200));
        Assert.Null(FreeText.Problem(string.Concat(Enumerable.Repeat("\U0001F600", 100)), 1200));
        Assert.NotNull(FreeText.Problem(string.Concat(Enumerable.Repeat("\U0001F600", 100)) + "x", 1200));
        Assert.NotNull(FreeText.Problem(string.Concat(Enumerable.Repeat("é", 601)), 1200));
    }

    [Fact]
    public void An_entity_is_refused_one_byte_past_1_MiB_and_a_string_one_unit_past_64_KiB()
    {
        Assert.Null(Record.Exception(() => TableLimits.EnsureFits(new TableEntity("p", "r") { ["S"] = new string('x', 32_768) })));
        var tooLong = Assert.Throws<StorageLimitException>(() => TableLimits.EnsureFits(new TableEntity("p", "r") { ["S"] = new string('x', 32_769) }));
        Assert.Equal("S", tooLong.Property);

        // 4 + 2*2 for the keys; each part: 8 + 2*2 for its name "Pn" + 4 + 2 per character.
        var entity = new TableEntity("p", "r");
        long size = 8;
        for (var i = 0; size + 16 + 2 * 32_768 <= TableLimits.MaxEntityBytes; i++)
        {
            entity[$"P{(char)('a' + i)}"] = new string('x', 32_768);
            size += 16 + 2 * 32_768;
        }
        var rest = (int)(TableLimits.MaxEntityBytes - size - 16) / 2;
        entity["Pz"] = new string('x', rest);
        Assert.Equal(TableLimits.MaxEntityBytes, TableLimits.SizeOf(entity));
        TableLimits.EnsureFits(entity);
        entity["Pz"] = new string('x', rest + 1);
        Assert.Contains("at most 1048576", Assert.Throws<StorageLimitException>(() => TableLimits.EnsureFits(entity)).Message);
    }

    [Fact]
    public void An_entity_holds_252_properties_and_a_batch_100_entities_within_4_MiB()
    {
        var full = new TableEntity("p", "r");
        for (var i = 0; i < 252; i++) full[$"P{i}"] = i;
        TableLimits.EnsureFits(full);
        full["P252"] = 1;
        Assert.Throws<StorageLimitException>(() => TableLimits.EnsureFits(full));

        var small = Enumerable.Range(0, 201).Select(i => new TableEntity("p", $"{i:000}")).ToList();
        Assert.Equal([100, 100, 1], TableLimits.Batches(small).Select(b => b.Count));
        Assert.Throws<StorageLimitException>(() => TableLimits.EnsureFits(small));

        var large = Enumerable.Range(0, 10).Select(i => new TableEntity("p", $"{i:000}") { ["A"] = new string('x', 30_000), ["B"] = new string('x', 30_000), ["C"] = new string('x', 30_000), ["D"] = new string('x', 30_000), ["E"] = new string('x', 30_000) }).ToList();
        var batches = TableLimits.Batches(large).ToList();
        Assert.True(batches.Count > 1);
        Assert.Equal(10, batches.Sum(b => b.Count));
        Assert.All(batches, b => TableLimits.EnsureFits(b));
    }

    [Fact]
    public async Task A_return_too_large_for_an_entity_is_refused_before_anything_is_written()
    {
        var app = await TestApp.StartAsync(Now);
        var store = app.Get<ReturnStore>();
        // Emoji escaped take 12 characters each, in the answers and again in the revision's changes: about 2.9 MB counted.
        var huge = Return(string.Concat(Enumerable.Repeat("\U0001F600", 60_000)));
        await Assert.ThrowsAsync<StorageLimitException>(() => store.SaveAsync(huge, null, "service:42", "submit"));
        Assert.Null(await store.GetAsync(2013, 42));
    }

    [Fact]
    public async Task The_close_reads_the_answers_of_any_return_the_store_accepted()
    {
        var app = await TestApp.StartAsync(Now);
        var store = app.Get<ReturnStore>();
        // Six parts of 30,000 characters, where the close's query used to stop after four.
        var text = string.Concat(Enumerable.Repeat("\U0001F600", 14_000));
        await store.SaveAsync(Return(text), null, "service:42", "submit");

        var year = await store.ListForAggregationAsync(2013);
        Assert.Equal(text, Assert.Single(year.Returned).Values.Text(FieldIds.Comments));
    }

    private static ServiceReturn Return(string comment) => new()
    {
        ServiceId = 42,
        Year = 2013,
        Status = ReturnStatus.Submitted,
        SubmittedAt = Now,
        UpdatedAt = Now,
        Values = new ReturnValues([KeyValuePair.Create(FieldIds.Comments, comment)]),
    };

    /// <summary>The mail tables too: a ledger key past Table storage's 1 KiB is refused before anything is written; a contact at its limits fits.</summary>
    [Fact]
    public async Task The_mail_tables_are_written_within_the_limits()
    {
        var storage = await Azurite.NewStorageAsync();
        var ledger = new Pps.Core.Mail.MailLedger(storage);
        var tooLong = new Pps.Core.Mail.OutboxMessage("chase", "chase-2013-042-" + new string('x', TableLimits.MaxKeyCharacters), 2013, 42, Now);
        await Assert.ThrowsAsync<StorageLimitException>(() => ledger.TryClaimAsync(tooLong, null, Now));
        Assert.Empty(await ledger.ListAsync(2013));

        var contacts = new Pps.Core.Mail.ContactStore(storage);
        var name = string.Concat(Enumerable.Repeat("\U0001F600", Pps.Core.Mail.ContactStore.MaxNameLength / 2));
        var email = new string('a', 64) + "@" + string.Join('.', Enumerable.Repeat(new string('b', 60), 3)) + ".org"; // 251 characters
        Assert.Empty(Pps.Core.Mail.ContactStore.Problems(name, email));
        Assert.NotNull(await contacts.SaveAsync(42, null, name, email, "nppn", Now));
    }
}
