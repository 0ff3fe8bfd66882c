using System.Globalization;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Pps.Core.Definition;
using Pps.Core.Uploads.Workbook;

namespace Pps.Synthetic;

/// <summary>
/// Fills a downloaded return workbook as a person would: answers typed into their cells (a number as a number, an
/// option by its label, a multi-choice field as Yes/No per option), year-on-year changes confirmed on the Checks
/// sheet with Yes and a reason, and Submit = Yes. Used by the upload tests and by the demo.
/// </summary>
public static class WorkbookFiller
{
    /// <summary>A single-cell field's answer as typed: a number, or an option's label (else the text itself).</summary>
    public static (string Sheet, string Cell, object? Value) Answer(WorkbookLayout layout, string fieldId, string value)
    {
        var cell = layout.CellsOf(fieldId)[0];
        if (cell.Field.IsNumeric) return (cell.Sheet, cell.Reference, decimal.Parse(value, CultureInfo.InvariantCulture));
        var label = cell.Field.Options.FirstOrDefault(o => o.Value == value)?.Label ?? value;
        return (cell.Sheet, cell.Reference, label);
    }

    /// <summary>
    /// Every answer of a return (field id to its stored text; a multi-choice field's options joined with ';'): one
    /// edit per cell, Yes or No on each option row of a multi-choice field. A field the workbook has no cell for throws.
    /// </summary>
    public static IEnumerable<(string Sheet, string Cell, object? Value)> Answers(WorkbookLayout layout, IEnumerable<KeyValuePair<string, string>> values)
    {
        foreach (var (fieldId, value) in values)
        {
            var cells = layout.CellsOf(fieldId);
            if (cells.Count == 0) throw new ArgumentException($"The {layout.Definition.Year} workbook has no cell for {fieldId}.", nameof(values));
            if (cells[0].Field.Type != FieldType.MultiChoice)
            {
                yield return Answer(layout, fieldId, value);
                continue;
            }
            var chosen = value.Split(ReturnValues.ChoiceSeparator, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
            foreach (var cell in cells) yield return (cell.Sheet, cell.Reference, chosen.Contains(cell.Option!.Value) ? "Yes" : "No");
        }
    }

    /// <summary>Yes and the reason beside each named year-on-year check.</summary>
    public static IEnumerable<(string Sheet, string Cell, object? Value)> Confirm(WorkbookLayout layout, IEnumerable<string> ruleIds, string reason) =>
        layout.Checks.Where(c => ruleIds.Contains(c.Rule.Id)).SelectMany(c => new (string Sheet, string Cell, object? Value)[]
        {
            (WorkbookLayout.ChecksSheet, c.ConfirmReference, (object?)"Yes"),
            (WorkbookLayout.ChecksSheet, c.ReasonReference, reason),
        });

    /// <summary>Yes under Submit: the upload submits the return rather than saving a draft.</summary>
    public static (string Sheet, string Cell, object? Value) Submit(WorkbookLayout layout) => (WorkbookLayout.ChecksSheet, layout.SubmitReference, "Yes");

    /// <summary>Types the edits into a copy of the workbook: a string (typed text), a number, or "=..." (a formula); null empties the cell.</summary>
    public static byte[] SetCells(byte[] workbook, params IEnumerable<(string Sheet, string Cell, object? Value)> edits)
    {
        using var stream = new MemoryStream();
        stream.Write(workbook);
        using (var document = SpreadsheetDocument.Open(stream, true))
        {
            var part = document.WorkbookPart!;
            foreach (var group in edits.GroupBy(e => e.Sheet))
            {
                var sheet = part.Workbook.Sheets!.Elements<Sheet>().Single(s => s.Name == group.Key);
                var worksheet = ((WorksheetPart)part.GetPartById(sheet.Id!)).Worksheet;
                var cells = worksheet.Descendants<Cell>().ToDictionary(c => c.CellReference!.Value!);
                foreach (var (_, reference, value) in group)
                {
                    var cell = cells[reference];
                    cell.RemoveAllChildren();
                    cell.DataType = null;
                    switch (value)
                    {
                        case null: break;
                        case string s when s.StartsWith('='):
                            cell.Append(new CellFormula(s[1..]));
                            break;
                        case string s:
                            cell.DataType = CellValues.InlineString;
                            cell.Append(new InlineString(new Text(s)));
                            break;
                        case int i:
                            cell.Append(new CellValue(i));
                            break;
                        case decimal d:
                            cell.Append(new CellValue(d));
                            break;
                        case double d:
                            cell.Append(new CellValue(d));
                            break;
                        default: throw new ArgumentException($"Cannot type {value.GetType().Name} into a cell.");
                    }
                }
            }
        }
        return stream.ToArray();
    }
}
