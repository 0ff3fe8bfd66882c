using Pps.Core.Aggregation;
using Pps.Core.Catalogue;
using Pps.Core.Definition;
using Pps.Core.Reference;

namespace Pps.Tests.Aggregation.Part2;

/// <summary>Small hand-made returns and reference rows for the Part 2 tests.</summary>
internal static class Part2Builders
{
    public static ReturnRecord Return(int serviceId, int year, params (string Field, string Value)[] values) =>
        new(serviceId, year, new ReturnValues(values.Select(v => new KeyValuePair<string, string>(v.Field, v.Value))));

    public static (string, string) Budget(decimal pounds) => (FieldIds.CoreBudget, ReturnValues.FormatNumber(pounds));
    public static (string, string) Users(int users) => (FieldIds.CaseworkUsers, users.ToString(System.Globalization.CultureInfo.InvariantCulture));
    public static (string, string) Manager(decimal fte) => (FieldIds.ManagerFte, ReturnValues.FormatNumber(fte));
    public static (string, string) Field(string id, decimal value) => (id, ReturnValues.FormatNumber(value));

    public static ReferenceRow Row(int serviceId, int year, long? population, long? sen = null, long? fsm = null, string? region = null) =>
        new(serviceId, year, region, population, sen, fsm) { Source = "test population" };

    /// <summary>A 0-19 population of <paramref name="each"/> for every service existing in the year, with some overridden.</summary>
    public static List<ReferenceRow> EveryService(int year, long each, params (int Id, long Population)[] overrides)
    {
        var special = overrides.ToDictionary(o => o.Id, o => o.Population);
        return ServiceCatalogue.BuiltIn.ExistingIn(year).Select(s => Row(s.Id, year, special.GetValueOrDefault(s.Id, each))).ToList();
    }

    public static AggregationInput Input(int year, IEnumerable<ReturnRecord> returns, IEnumerable<ReferenceRow>? reference = null) => new()
    {
        Year = year,
        Returns = returns.ToList(),
        Reference = new ReferenceData(reference ?? []),
    };

    public static object? Cell(Figure figure, int row, string column) =>
        figure.Rows[row][figure.Columns.Select(c => c.Id).ToList().IndexOf(column)];

    public static IReadOnlyList<object?> RowFor(Figure figure, string firstColumn, object key) =>
        figure.Rows.Single(r => Equals(r[0], key));
}
