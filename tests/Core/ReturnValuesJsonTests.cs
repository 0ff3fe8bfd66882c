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

    [Fact]
    public void Stored_answers_read_packed_as_the_close_holds_them_equal_the_plain_values_and_what_one_refuses_the_other_does()
    {
        // Every synthetic return of five years, as the store writes them, through one reader as a close reads a year.
        var packed = new PackedReturnValues.Reader();
        foreach (var record in Pps.Synthetic.SyntheticReturns.Generate(2013, 2009, 2013).Returns)
        {
            var json = StoredJson.Serialize(new SortedDictionary<string, string>(record.Values.AsDictionary().ToDictionary(), StringComparer.Ordinal));
            var plain = ReturnValues.FromJson(json);
            var read = packed.FromJson(json);
            Assert.Equal(record.Values.Count, read.Count);
            Assert.Equal(plain.Count, read.Count);
            Assert.Equal(plain.AsDictionary().OrderBy(kv => kv.Key), read.AsDictionary().OrderBy(kv => kv.Key));
            foreach (var id in plain.AsDictionary().Keys) Assert.Equal(plain.Text(id), read.Text(id));
            Assert.Equal(plain.Number(FieldIds.CoreBudget), read.Number(FieldIds.CoreBudget));
        }

        string[] accepted =
        [
            """{"budget.core":"1","budget.core":"2"}""", """{ "budget.core" : "1" }""", """{"budget.core":"1","rating.1a":null}""",
            """{"comments.text":"a \"quoted\" word and \u00e9"}""", "{}",
        ];
        foreach (var json in accepted)
        {
            var plain = ReturnValues.FromJson(json);
            var read = packed.FromJson(json);
            Assert.Equal(plain.AsDictionary().OrderBy(kv => kv.Key), read.AsDictionary().OrderBy(kv => kv.Key));
        }
        Assert.Equal("2", packed.FromJson("""{"budget.core":"1","budget.core":"2"}""").Text(FieldIds.CoreBudget));

        string[] refused =
        [
            "{\"budget.core\":\"1\n2\"}", """{"budget.core":"1"}}""", """{"budget.core":"1",}""", """{"budget.core""1"}""",
            """["budget.core"]""", """{"budget.core":12}""",
        ];
        foreach (var json in refused)
        {
            Assert.ThrowsAny<JsonException>(() => ReturnValues.FromJson(json));
            Assert.ThrowsAny<JsonException>(() => packed.FromJson(json));
        }
    }

    [Fact]
    public void Two_reads_number_their_fields_and_values_each_for_itself()
    {
        // The numbering belongs to a read, not to the process: a value met by one read is not held by another.
        var first = new PackedReturnValues.Reader();
        var second = new PackedReturnValues.Reader();
        var a = first.FromJson("""{"budget.core":"12345","rating.1a":"B"}""");
        var b = second.FromJson("""{"rating.1a":"G","x.only.here":"short"}""");
        Assert.Equal("12345", a.Text(FieldIds.CoreBudget));
        Assert.Null(b.Text(FieldIds.CoreBudget));
        Assert.Equal("G", b.Text(FieldIds.Rating("1a")));
        Assert.Equal("B", a.Text(FieldIds.Rating("1a")));
        Assert.Null(a.Text("x.only.here"));
        Assert.Equal(12345m, a.Number(FieldIds.CoreBudget));
    }

    [Fact]
    public void Numbers_read_from_the_canonical_text_equal_what_decimal_parse_reads_scale_included()
    {
        string[] texts =
        [
            "0", "7", "-7", "123456", "12.5", "-12.5", "0.50", "1.500", ".5", "-.5", "007", "00.010", "999999999999999999",
            "-999999999999999999", "99999999999.9999999", "1000000000000000000", "12345678901234567890.5", "0.000000000000000001",
            "5.", "-0", "-0.0", "-", ".", "", " 5", "5 ", "1,000", "1e5", "+5", "1.2.3", "--1", "12a", "0x10",
        ];
        var random = new Random(11);
        var generated = Enumerable.Range(0, 2000).Select(_ =>
        {
            var digits = new string(Enumerable.Range(0, random.Next(1, 22)).Select(_ => (char)('0' + random.Next(10))).ToArray());
            var point = random.Next(3) == 0 ? -1 : random.Next(digits.Length + 1);
            var number = point < 0 ? digits : digits[..point] + "." + digits[point..];
            return random.Next(4) == 0 ? "-" + number : number;
        });

        foreach (var text in texts.Concat(generated))
        {
            var values = new ReturnValues([KeyValuePair.Create(FieldIds.CoreBudget, text)]);
            object expected, actual;
            try { expected = decimal.Parse(text, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture); }
            catch (Exception e) { expected = e.GetType(); }
            try { actual = values.Number(FieldIds.CoreBudget)!.Value; }
            catch (Exception e) { actual = e.GetType(); }
            object packed;
            try { packed = PackedReturnValues.ParseNumber(text); }
            catch (Exception e) { packed = e.GetType(); }
            Assert.Equal(expected, packed);
            if (expected is decimal p) Assert.Equal(p.ToString(System.Globalization.CultureInfo.InvariantCulture), ((decimal)packed).ToString(System.Globalization.CultureInfo.InvariantCulture));

            Assert.Equal(expected, actual);
            if (expected is decimal d) Assert.Equal(d.ToString(System.Globalization.CultureInfo.InvariantCulture), ((decimal)actual).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
