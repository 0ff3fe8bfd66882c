using Pps.Core.Definition;

namespace Pps.Synthetic;

/// <summary>
/// A return with every field of a year's definition answered and valid, as a form would send it (JSON-ready
/// values: text, numbers, booleans, arrays). For tests and benchmarks that need a whole return.
/// </summary>
public static class ExampleReturn
{
    public static Dictionary<string, object> Full(int year, int caseworkUsers = 400, string comment = "A full return.")
    {
        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var field in BuiltInDefinitions.For(year).Fields)
        {
            values[field.Id] = field.Type switch
            {
                FieldType.Rating => "G",
                FieldType.Choice => field.Options[0].Value,
                FieldType.MultiChoice => new[] { field.Options[0].Value, field.Options[1].Value },
                FieldType.Integer => 3,
                FieldType.Decimal => 1.5m,
                FieldType.Boolean => true,
                _ => comment,
            };
        }
        // Fields whose rules tie them to others get values that satisfy those rules.
        values[FieldIds.LowerAge] = 0;
        values[FieldIds.UpperAge] = 25;
        values[FieldIds.CoreBudget] = 120000;
        values[FieldIds.CaseworkUsers] = caseworkUsers;
        values[FieldIds.OtherBudgetKinds] = new[] { "parent-participation", "other" };
        values[FieldIds.OtherBudgetName] = "Short breaks";
        foreach (var (id, pct) in FieldIds.TimeCategories.Zip(new[] { 50m, 20m, 10m, 10m, 5m, 5m })) values[id] = pct;
        return values;
    }
}
