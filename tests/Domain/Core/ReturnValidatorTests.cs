using Pps.Core.Definition;
using Pps.Core.Validation;
using static Pps.Core.Definition.FieldIds;

namespace Pps.Tests.Core;

public class ReturnValidatorTests
{
    private static readonly ReturnDefinition Definition = BuiltInDefinitions.For(2013);

    private static CheckedReturn Validate(params (string Id, string? Value)[] fields) =>
        CheckedReturn.Check(Definition, 0, fields.ToDictionary(f => f.Id, f => f.Value), null);

    private static ValidationIssue SingleError(CheckedReturn result, string fieldId, string code)
    {
        var error = Assert.Single(result.Errors);
        Assert.Equal(fieldId, error.FieldId);
        Assert.Equal(code, error.Code);
        return error;
    }

    [Fact]
    public void An_empty_return_is_valid_and_missing_values_stay_missing()
    {
        var result = Validate((CoreBudget, ""), (CaseworkUsers, null));
        Assert.True(result.IsValid);
        Assert.False(result.Values.Has(CoreBudget));
        Assert.Null(result.Values.Number(CaseworkUsers));
    }

    [Fact]
    public void Values_are_made_canonical()
    {
        var result = Validate(
            (Rating("1a"), "b"), (Rating("1b"), "X"), (CoreBudget, "£123,456"), (ManagerFte, "1.50"),
            (ServiceType, "Out-sourced"), (FormatKinds, "braille; audio"), (ManagesOtherStaff, "Yes"), (ResponseDays, "more-than-5"));
        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => e.Message)));
        Assert.Equal("B", result.Values.Text(Rating("1a")));
        Assert.Equal("x", result.Values.Text(Rating("1b")));
        Assert.Equal(123456m, result.Values.Number(CoreBudget));
        Assert.Equal("1.5", result.Values.Text(ManagerFte));
        Assert.Equal("out-sourced", result.Values.Text(ServiceType));
        Assert.Equal(["audio", "braille"], result.Values.Choices(FormatKinds));
        Assert.True(result.Values.Flag(ManagesOtherStaff));
    }

    [Theory]
    [InlineData(CaseworkUsers, "-3", "range", "cannot be negative")]
    [InlineData(CaseworkUsers, "12.5", "type", "whole number")]
    [InlineData(CaseworkUsers, "lots", "type", "not a whole number")]
    [InlineData(CoreBudget, "1000.50", "type", "whole pounds")]
    [InlineData(ManagerFte, "1.333", "decimals", "round it to 2 decimal places (you entered 1.333)")]
    [InlineData(UpperAge, "18", "range", "between 19 and 25")]
    [InlineData(UpperAge, "26", "range", "between 19 and 25")]
    [InlineData(ResponseDays, "4", "option", "\"4\" is not one of")]
    [InlineData(ManagesOtherStaff, "maybe", "type", "yes or no")]
    public void A_bad_value_is_refused_naming_the_field(string fieldId, string value, string code, string phrase)
    {
        var error = SingleError(Validate((fieldId, value)), fieldId, code);
        Assert.Contains(Definition.Field(fieldId).Label, error.Message);
        Assert.Contains(phrase, error.Message);
    }

    [Theory]
    [InlineData(CoreBudget, "1,000", "1000")]
    [InlineData(CoreBudget, "£1,234,567", "1234567")]
    [InlineData(CoreBudget, "1 000", "1000")]
    [InlineData(CaseworkUsers, "+12", "12")]
    [InlineData(CaseworkUsers, "1e3", "1000")]
    [InlineData(ManagerFte, "0.750", "0.75")]
    [InlineData(ManagerFte, "1.", "1")]
    [InlineData(ManagerFte, ".5", "0.5")]
    [InlineData(ManagerFte, "25E-2", "0.25")]
    [InlineData(TimeCasework, "12.5%", "12.5")]
    public void A_number_is_taken_as_written(string fieldId, string text, string stored)
    {
        var result = Validate((fieldId, text));
        Assert.DoesNotContain(result.Errors, e => e.FieldId == fieldId);
        Assert.Equal(stored, result.Values.Text(fieldId));
    }

    [Theory]
    [InlineData(ManagerFte, "0,75", "type")]        // a decimal comma, not a thousands separator
    [InlineData(CoreBudget, "1,00", "type")]
    [InlineData(CoreBudget, "12,3456", "type")]
    [InlineData(CoreBudget, ",100", "type")]
    [InlineData(CoreBudget, "1,000.5", "type")]     // whole pounds
    [InlineData(CoreBudget, "1000,", "type")]
    [InlineData(CoreBudget, "1,000 000", "type")]
    [InlineData(ManagerFte, "1e-308", "decimals")]  // never 0
    [InlineData(ManagerFte, "0.001", "decimals")]
    [InlineData(CaseworkUsers, "1e-1", "type")]
    [InlineData(CaseworkUsers, "1e400", "range")]
    [InlineData(CaseworkUsers, "1e999999999999", "range")]
    [InlineData(CaseworkUsers, "0x10", "type")]
    [InlineData(CaseworkUsers, "١٢", "type")]        // Arabic-Indic digits are not read as 12
    [InlineData(CaseworkUsers, "Infinity", "type")]
    [InlineData(CaseworkUsers, "--1", "type")]
    public void A_number_that_would_be_changed_on_the_way_in_is_refused_naming_the_field(string fieldId, string text, string code)
    {
        var error = SingleError(Validate((fieldId, text)), fieldId, code);
        Assert.Contains(Definition.Field(fieldId).Label, error.Message);
        Assert.Contains(text, error.Message);
    }

    [Fact]
    public void Text_with_control_characters_or_a_lone_surrogate_is_refused()
    {
        SingleError(Validate((Comments, "a\u0000b")), Comments, "text");
        SingleError(Validate((Comments, "a\ud800b")), Comments, "text");
        Assert.True(Validate((Comments, "line one\nline two\ttabbed \U0001F600")).IsValid);
    }

    [Fact]
    public void Ratings_are_only_B_G_N_or_x()
    {
        var error = SingleError(Validate((Rating("3c"), "Q")), Rating("3c"), "option");
        Assert.Contains("B (Best practice)", error.Message);
    }

    [Fact]
    public void An_unknown_field_is_an_error()
    {
        var error = SingleError(Validate(("budget.secret", "1")), "budget.secret", "unknown-field");
        Assert.Contains("not a field of the 2013 return", error.Message);
    }

    [Fact]
    public void Time_percentages_must_add_up_to_100_when_any_is_given()
    {
        var good = Validate((TimeCasework, "60"), (TimeOtherDirect, "10"), (TimePolicy, "10"), (TimeTraining, "5"), (TimeSupervision, "10"), (TimeOther, "5"));
        Assert.True(good.IsValid);

        var off = Validate((TimeCasework, "60"), (TimeOtherDirect, "10"), (TimePolicy, "10"), (TimeTraining, "5"), (TimeSupervision, "10"), (TimeOther, "6"));
        Assert.Contains("add up to 101", SingleError(off, TimeCasework, "time-adds-to-100").Message);

        var partial = Validate((TimeCasework, "100"));
        Assert.Equal(5, partial.Errors.Count);
        Assert.All(partial.Errors, e => Assert.Equal("time-adds-to-100", e.Code));
    }

    [Fact]
    public void Number_of_languages_only_where_languages_are_held_in_stock()
    {
        Assert.True(Validate((CommunityLanguages, "some-in-stock"), (LanguageCount, "4")).IsValid);
        var error = SingleError(Validate((CommunityLanguages, "on-request"), (LanguageCount, "4")), LanguageCount, "languages-only-when-stocked");
        Assert.Contains("Most publications held in stock", error.Message);
        SingleError(Validate((LanguageCount, "4")), LanguageCount, "languages-only-when-stocked");
    }

    [Fact]
    public void Lower_age_may_not_exceed_upper_age_and_other_budget_rules_hold()
    {
        Assert.True(Validate((LowerAge, "0"), (UpperAge, "25")).IsValid);
        SingleError(Validate((OtherBudgetCount, "1"), (OtherBudgetKinds, "choice-advice;other")), OtherBudgetCount, "other-budgets-counted");
        SingleError(Validate((OtherBudgetName, "Short breaks"), (OtherBudgetKinds, "choice-advice")), OtherBudgetName, "other-budget-name-only-for-other");
        Assert.True(Validate((OtherBudgetName, "Short breaks"), (OtherBudgetKinds, "other"), (OtherBudgetCount, "1")).IsValid);
    }

    [Fact]
    public void A_field_that_fails_to_parse_is_not_reported_again_by_a_rule()
    {
        var result = Validate((TimeCasework, "sixty"), (TimeOtherDirect, "40"));
        Assert.Contains(result.Errors, e => e.FieldId == TimeCasework && e.Code == "type");
        Assert.DoesNotContain(result.Errors, e => e.FieldId == TimeCasework && e.Code == "time-adds-to-100");
    }

    [Theory]
    [InlineData("100", "119", false)]
    [InlineData("100", "120", true)]
    [InlineData("100", "80", true)]
    [InlineData("100", "81", false)]
    [InlineData("0", "5", true)]
    public void A_swing_of_20_percent_in_casework_users_is_a_warning(string before, string now, bool warned)
    {
        var previous = CheckedReturn.Check(Definition, 0, new Dictionary<string, string?> { [CaseworkUsers] = before }, null).Values;
        var result = CheckedReturn.Check(Definition, 0, new Dictionary<string, string?> { [CaseworkUsers] = now }, previous);
        Assert.True(result.IsValid);
        Assert.Equal(warned, result.Warnings.Any(w => w.Code == "yoy-casework-users"));
    }

    [Fact]
    public void Staff_change_is_measured_on_total_FTE()
    {
        var previous = CheckedReturn.Check(Definition, 0, new Dictionary<string, string?> { [ManagerFte] = "1", [OtherPaidFte] = "2", [AdminFte] = "1" }, null).Values;
        var moved = CheckedReturn.Check(Definition, 0, new Dictionary<string, string?> { [ManagerFte] = "2", [OtherPaidFte] = "1", [AdminFte] = "1" }, previous);
        Assert.Empty(moved.Warnings);
        var grown = CheckedReturn.Check(Definition, 0, new Dictionary<string, string?> { [ManagerFte] = "2", [OtherPaidFte] = "2", [AdminFte] = "1" }, previous);
        var warning = Assert.Single(grown.Warnings);
        Assert.Equal("yoy-staff-fte", warning.Code);
        Assert.Contains("up 25%", warning.Message);
    }
}
