using System.Globalization;

namespace Pps.Core.Aggregation.Part1;

/// <summary>Reads one value of a computed figure by row key (its first cell) and column id.</summary>
internal static class FigureCells
{
    /// <summary>
    /// The cell in the row whose first cell reads <paramref name="rowKey"/> and the column <paramref name="columnId"/>;
    /// "stat:{name}" reads a statistic instead (row key ignored). Null when the cell holds no data.
    /// </summary>
    public static object? Read(Figure figure, string rowKey, string columnId)
    {
        if (columnId.StartsWith("stat:", StringComparison.Ordinal))
        {
            return figure.Statistics[columnId["stat:".Length..]];
        }
        var column = figure.Columns.Select((c, i) => (c.Id, i)).Single(c => c.Id == columnId).i;
        var row = figure.Rows.Single(r => Key(r[0]) == rowKey);
        return row[column];
    }

    private static string? Key(object? cell) => Convert.ToString(cell, CultureInfo.InvariantCulture);
}
