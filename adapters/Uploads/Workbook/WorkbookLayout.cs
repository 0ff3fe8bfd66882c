using System.Text.RegularExpressions;
using Pps.Core.Definition;

namespace Pps.Core.Uploads.Workbook;

/// <summary>One answer cell: the field it holds (and, for a multi-choice field, the one option it ticks).</summary>
public sealed record AnswerCell(FieldDefinition Field, string Sheet, int Row, Option? Option = null)
{
    public string Reference => WorkbookLayout.AnswerColumn + Row;
}

/// <summary>One year-on-year check the workbook can confirm: "Yes" in the answer column, the reason beside it.</summary>
public sealed record CheckCell(YearOnYearRule Rule, int Row)
{
    public string ConfirmReference => WorkbookLayout.AnswerColumn + Row;
    public string ReasonReference => WorkbookLayout.ReasonColumn + Row;
}

/// <summary>A section's sheet: its title, its answer cells and the running totals of its sum rules.</summary>
public sealed record SheetLayout(SectionDefinition Section, string Name, IReadOnlyList<AnswerCell> Cells, IReadOnlyList<TotalRow> Totals);

/// <summary>A running total under the fields of a sum rule (the six time percentages).</summary>
public sealed record TotalRow(SumRule Rule, int Row, IReadOnlyList<AnswerCell> Of);

/// <summary>
/// Where every answer of a year's return sits in the workbook, derived from the return definition alone, so
/// that the template writer and the upload reader agree by construction: one sheet per section (answers in
/// column B from row 4, a multi-choice field as one Yes/No row per option), a "Checks" sheet for confirming
/// year-on-year warnings and asking to submit, a hidden "Lists" sheet of drop-down values, and a very hidden,
/// protected sheet with what the workbook was made for (service, year, definition version, revision).
/// </summary>
public sealed partial class WorkbookLayout
{
    public const string AnswerColumn = "B";
    public const string ReasonColumn = "C";
    public const int FirstRow = 4;
    public const string ReadMeSheet = "Read me";
    public const string ChecksSheet = "Checks";
    public const string ListsSheet = "Lists";
    public const string MetadataSheet = "PPS template";
    /// <summary>The value in the metadata sheet's B1 that marks a workbook made by this system.</summary>
    public const string Marker = "pps-return-workbook/1";

    private readonly Dictionary<string, List<AnswerCell>> _cellsByField = new(StringComparer.Ordinal);

    private WorkbookLayout(ReturnDefinition definition)
    {
        Definition = definition;
        var sheets = new List<SheetLayout>();
        foreach (var section in definition.Sections)
        {
            var name = SheetName(section);
            var cells = new List<AnswerCell>();
            var row = FirstRow;
            foreach (var field in section.Fields)
            {
                if (field.Type == FieldType.MultiChoice)
                {
                    foreach (var option in field.Options) cells.Add(new AnswerCell(field, name, row++, option));
                }
                else
                {
                    cells.Add(new AnswerCell(field, name, row++));
                }
            }
            var totals = new List<TotalRow>();
            foreach (var rule in definition.Rules.OfType<SumRule>().Where(r => section.Fields.Any(f => f.Id == r.FieldIds[0])))
            {
                totals.Add(new TotalRow(rule, ++row, cells.Where(c => rule.FieldIds.Contains(c.Field.Id)).ToList()));
            }
            foreach (var cell in cells)
            {
                if (!_cellsByField.TryGetValue(cell.Field.Id, out var list)) _cellsByField[cell.Field.Id] = list = [];
                list.Add(cell);
            }
            sheets.Add(new SheetLayout(section, name, cells, totals));
        }
        Sheets = sheets;
        Checks = definition.YearOnYear.Select((rule, i) => new CheckCell(rule, FirstRow + i)).ToList();
        SubmitRow = FirstRow + Checks.Count + 1;
    }

    public static WorkbookLayout For(ReturnDefinition definition) => new(definition);

    public ReturnDefinition Definition { get; }
    public IReadOnlyList<SheetLayout> Sheets { get; }
    public IReadOnlyList<CheckCell> Checks { get; }
    /// <summary>The row on the Checks sheet whose "Yes" submits the return instead of saving it as a draft.</summary>
    public int SubmitRow { get; }
    public string SubmitReference => AnswerColumn + SubmitRow;

    public IEnumerable<AnswerCell> Cells => Sheets.SelectMany(s => s.Cells);

    /// <summary>The cells of a field (one, or one per option of a multi-choice field).</summary>
    public IReadOnlyList<AnswerCell> CellsOf(string fieldId) => _cellsByField.GetValueOrDefault(fieldId) ?? [];

    /// <summary>
    /// A section's sheet name: "A Self-assessment against the exemplifications" cut at a word to Excel's 31
    /// characters, without the characters Excel forbids in sheet names.
    /// </summary>
    public static string SheetName(SectionDefinition section)
    {
        var name = ForbiddenInSheetName().Replace($"{section.Id} {section.Title}", "");
        var bracket = name.IndexOf(" (", StringComparison.Ordinal);
        if (name.Length > 31 && bracket > 0) name = name[..bracket];
        if (name.Length <= 31) return name;
        var cut = name[..32].LastIndexOf(' ');
        return name[..(cut > 0 ? cut : 31)].TrimEnd();
    }

    [GeneratedRegex(@"[\[\]:*?/\\']")]
    private static partial Regex ForbiddenInSheetName();
}
