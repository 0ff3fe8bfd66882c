using System.Globalization;
using Pps.Core.Aggregation;

namespace Pps.Tests.Aggregation.Part1;

/// <summary>
/// Reads one published value out of a computed result, never recomputing it: a figure's cell by row key
/// (its first cell) and column id; "@returns" (the figure's N), "@rows" (its row count), "stat:{name}";
/// or a highlight's value when the figure is "highlight:{id}".
/// </summary>
public static class FigureReader
{
    public static object? Read(PartResult result, string figureId, string rowKey, string columnId)
    {
        if (figureId.StartsWith("highlight:", StringComparison.Ordinal))
        {
            return result.Highlights.Single(h => h.Id == figureId["highlight:".Length..]).Values[columnId];
        }
        var figure = result.Figures.Single(f => f.Id == figureId);
        return columnId switch
        {
            "@returns" => figure.Returns,
            "@rows" => figure.Rows.Count,
            _ when columnId.StartsWith("stat:", StringComparison.Ordinal) => figure.Statistics[columnId["stat:".Length..]],
            _ => Cell(figure, rowKey, columnId),
        };
    }

    public static object? Cell(Figure figure, string rowKey, string columnId)
    {
        var column = figure.Columns.ToList().FindIndex(c => c.Id == columnId);
        Assert.True(column >= 0, $"{figure.Id} has no column {columnId}");
        var rows = figure.Rows.Where(r => Text(r[0]) == rowKey).ToList();
        Assert.True(rows.Count == 1, $"{figure.Id} has {rows.Count} rows keyed {rowKey}");
        return rows[0][column];
    }

    /// <summary>A cell as a whole number (counts, rounded percentages, area numbers); null for no data.</summary>
    public static int? Number(object? cell) => cell is null ? null : Convert.ToInt32(cell, CultureInfo.InvariantCulture);

    public static string? Text(object? cell) => cell is null ? null : Convert.ToString(cell, CultureInfo.InvariantCulture);
}
