using System.Text.Json;
using Pps.Core.Definition;
using Pps.Core.Storage;

namespace Pps.Tests.Core;

public class ReturnValuesJsonTests
{
    [Fact]
    public void Values_read_from_stored_json_equal_the_values_written_whatever_the_text()
    {
        var longText = string.Concat(Enumerable.Repeat("Parents said \"thank you\" – مرحبا 👍. ", 40));
        var written = new ReturnValues([
            KeyValuePair.Create(FieldIds.CoreBudget, "123456"), KeyValuePair.Create(FieldIds.Rating("1a"), "B"),
            KeyValuePair.Create(FieldIds.Comments, longText), KeyValuePair.Create(FieldIds.CompletedBy, "PPO+MG"),
            KeyValuePair.Create("a.field.no.definition.has", "tab\there, quote \" and backslash \\"),
        ]);
        var json = StoredJson.Serialize(written.AsDictionary());

        var read = ReturnValues.FromJson(json);

        Assert.Equal(written.AsDictionary().OrderBy(kv => kv.Key), read.AsDictionary().OrderBy(kv => kv.Key));
        Assert.Equal(5, read.Count);
        Assert.Equal(123456m, read.Number(FieldIds.CoreBudget));
        Assert.False(read.Has(FieldIds.CaseworkUsers));
    }

    [Fact]
    public void A_null_is_no_value_a_repeated_field_keeps_its_last_value_and_anything_but_an_object_of_texts_is_refused()
    {
        var read = ReturnValues.FromJson("""{"budget.core":"1","rating.1a":null,"budget.core":"2"}""");
        Assert.Equal(1, read.Count);
        Assert.Equal("2", read.Text(FieldIds.CoreBudget));
        Assert.False(read.Has(FieldIds.Rating("1a")));
        Assert.Equal(0, ReturnValues.FromJson("{}").Count);

        Assert.Throws<JsonException>(() => ReturnValues.FromJson("""["budget.core"]"""));
        Assert.Throws<JsonException>(() => ReturnValues.FromJson("""{"budget.core":12}"""));
    }
}
