using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Pps.Core.Definition;

namespace Pps.Core.Uploads.Workbook;

/// <summary>
/// Writes the return workbook of one service for one year from the year's return definition (the one that
/// drives the form and the validator): a sheet per section with a drop-down for every option and rating,
/// data validation with the definition's limits on numeric cells, the help text and last year's answer
/// beside each field, running totals for sum rules, a Checks sheet, and the origin in a very hidden,
/// protected sheet. No macros, no external links, no shared strings (every text is inline).
/// </summary>
public static class WorkbookTemplate
{
    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    // Cell styles (indexes into the stylesheet written below).
    private const uint Plain = 0, Input = 1, Header = 2, Title = 3, Wrapped = 4, Quiet = 5, Bold = 6;

    /// <summary>
    /// The password of the sheet and structure protection. Not a secret (Excel's legacy protection is a
    /// deterrent against accidental edits, not security): the server checks everything the workbook claims.
    /// </summary>
    private const string ProtectionPassword = "pps-template";

    private const string YesNoList = "yes-no";

    public static void Write(
        Stream output, ReturnDefinition definition, WorkbookOrigin origin, string serviceName,
        ReturnValues? current, ReturnValues? lastYear)
    {
        var layout = WorkbookLayout.For(definition);
        using var document = SpreadsheetDocument.Create(output, SpreadsheetDocumentType.Workbook);
        var workbookPart = document.AddWorkbookPart();
        workbookPart.Workbook = new DocumentFormat.OpenXml.Spreadsheet.Workbook();
        var styles = workbookPart.AddNewPart<WorkbookStylesPart>();
        styles.Stylesheet = Stylesheet();

        var lists = ListColumns(definition);
        var sheets = new List<(string Name, WorksheetPart Part, SheetStateValues? State)>
        {
            (WorkbookLayout.ReadMeSheet, AddSheet(workbookPart, ReadMe(definition, origin, serviceName, layout)), null),
        };
        foreach (var sheet in layout.Sheets)
        {
            sheets.Add((sheet.Name, AddSheet(workbookPart, SectionSheet(sheet, lists, current, lastYear)), null));
        }
        sheets.Add((WorkbookLayout.ChecksSheet, AddSheet(workbookPart, ChecksSheet(layout, lists)), null));
        sheets.Add((WorkbookLayout.ListsSheet, AddSheet(workbookPart, ListsSheet(definition, lists)), SheetStateValues.Hidden));
        sheets.Add((WorkbookLayout.MetadataSheet, AddSheet(workbookPart, MetadataSheet(origin)), SheetStateValues.VeryHidden));

        workbookPart.Workbook.Append(
            new WorkbookProtection { LockStructure = true, WorkbookPassword = LegacyPasswordHash(ProtectionPassword) },
            new BookViews(new WorkbookView { ActiveTab = 0U }),
            new Sheets(sheets.Select((s, i) => new Sheet
            {
                Name = s.Name, SheetId = (uint)(i + 1), Id = workbookPart.GetIdOfPart(s.Part), State = s.State,
            })),
            new CalculationProperties { FullCalculationOnLoad = true });
    }

    /// <summary>Each list of drop-down values gets a column on the Lists sheet: one per field with options, and Yes/No.</summary>
    private static Dictionary<string, (string Column, IReadOnlyList<string> Values)> ListColumns(ReturnDefinition definition)
    {
        var lists = new Dictionary<string, (string, IReadOnlyList<string>)>(StringComparer.Ordinal);
        var index = 0;
        lists[YesNoList] = (ColumnName(index++), ["Yes", "No"]);
        foreach (var field in definition.Fields.Where(f => f.Type is FieldType.Rating or FieldType.Choice))
        {
            lists[field.Id] = (ColumnName(index++), field.Options.Select(o => o.Label).ToList());
        }
        return lists;
    }

    private static Worksheet SectionSheet(
        SheetLayout sheet, Dictionary<string, (string Column, IReadOnlyList<string> Values)> lists, ReturnValues? current, ReturnValues? lastYear)
    {
        var rows = new List<Row>
        {
            new(TextCell("A1", $"Section {sheet.Section.Id}: {sheet.Section.Title}", Title)) { RowIndex = 1U },
            new(TextCell("A2", sheet.Section.Help ?? "Type or choose your answers in the yellow cells of column B. Leave a cell empty for a question you do not answer; an empty cell is never read as 0.", Wrapped)) { RowIndex = 2U },
            HeaderRow("Question", "Your answer", "Unit", "Last year", "Help", "Field id"),
        };
        var validations = new List<DataValidation>();
        foreach (var cell in sheet.Cells)
        {
            var field = cell.Field;
            var label = cell.Option is null ? field.Label : $"{field.Label}: {cell.Option.Label}";
            var row = new Row { RowIndex = (uint)cell.Row };
            row.Append(TextCell($"A{cell.Row}", label, Wrapped));
            row.Append(AnswerCellFor(cell, current));
            if (field.Unit is not null) row.Append(TextCell($"C{cell.Row}", field.Unit, Plain));
            if (LastYearCell(cell, lastYear) is { } last) row.Append(last);
            if (cell.Option is null || cell.Option == field.Options[0])
            {
                var help = string.Join(" ", new[] { field.Help, LimitText(field), field.ReportRef is null ? null : $"Used in: {field.ReportRef}." }
                    .Where(s => !string.IsNullOrWhiteSpace(s)));
                if (help.Length > 0) row.Append(TextCell($"E{cell.Row}", help, Wrapped));
            }
            row.Append(TextCell($"F{cell.Row}", cell.Option is null ? field.Id : $"{field.Id}:{cell.Option.Value}", Quiet));
            rows.Add(row);
            validations.Add(ValidationFor(cell, lists));
        }
        foreach (var total in sheet.Totals)
        {
            var refs = string.Join(",", total.Of.Select(c => c.Reference));
            rows.Add(new Row(
                TextCell($"A{total.Row}", $"Running total of the {total.Of.Count} fields above (they must add up to {ReturnValues.FormatNumber(total.Rule.Total)})", Bold),
                new Cell(new CellFormula($"SUM({refs})")) { CellReference = $"B{total.Row}", StyleIndex = Bold })
            { RowIndex = (uint)total.Row });
        }
        return Sheet(rows, validations, widths: [60, 28, 10, 28, 70, 26]);
    }

    private static Worksheet ChecksSheet(WorkbookLayout layout, Dictionary<string, (string Column, IReadOnlyList<string> Values)> lists)
    {
        var rows = new List<Row>
        {
            new(TextCell("A1", "Checks against last year, and submitting", Title)) { RowIndex = 1U },
            new(TextCell("A2", "A change of 20% or more against last year is usually a typing error. If the figure is right, choose Yes and say why in column C: the upload confirms it. Choose Yes under \"Submit\" to submit the return as final; otherwise it is saved as a draft.", Wrapped)) { RowIndex = 2U },
            HeaderRow("Check", "Confirm (Yes/No)", "Reason", "Rule id"),
        };
        var validations = new List<DataValidation>();
        foreach (var check in layout.Checks)
        {
            rows.Add(new Row(
                TextCell($"A{check.Row}", $"{check.Rule.Label}: a change of {check.Rule.ThresholdPercent:0}% or more on last year is correct", Wrapped),
                new Cell { CellReference = check.ConfirmReference, StyleIndex = Input },
                new Cell { CellReference = check.ReasonReference, StyleIndex = Input },
                TextCell($"D{check.Row}", check.Rule.Id, Quiet))
            { RowIndex = (uint)check.Row });
            validations.Add(ListValidation(check.ConfirmReference, lists[YesNoList].Column, 2, check.Rule.Label));
            validations.Add(new DataValidation
            {
                Type = DataValidationValues.TextLength, Operator = DataValidationOperatorValues.LessThanOrEqual, AllowBlank = true,
                ShowErrorMessage = true, ErrorTitle = "Reason", Error = "At most 500 characters.",
                SequenceOfReferences = new ListValue<StringValue> { InnerText = check.ReasonReference },
                Formula1 = new Formula1("500"),
            });
        }
        rows.Add(new Row(
            TextCell($"A{layout.SubmitRow}", "Submit the return as final (Yes), or save it as a draft (No or empty)", Bold),
            new Cell { CellReference = layout.SubmitReference, StyleIndex = Input })
        { RowIndex = (uint)layout.SubmitRow });
        validations.Add(ListValidation(layout.SubmitReference, lists[YesNoList].Column, 2, "Submit"));
        return Sheet(rows, validations, widths: [70, 18, 60, 24]);
    }

    private static Worksheet ReadMe(ReturnDefinition definition, WorkbookOrigin origin, string serviceName, WorkbookLayout layout)
    {
        string[] lines =
        [
            $"PPS annual return {origin.Year}: {serviceName} (service {origin.ServiceId})",
            $"Made on {origin.MadeAt:d MMMM yyyy HH:mm} UTC from {(origin.Revision == 0 ? "an empty return" : $"revision {origin.Revision} of your return")}; definition version {definition.Version}.",
            "",
            "How to fill it in",
            "1. Each section of the return has its own sheet (A to H). Answer in the yellow cells of column B; choose from the drop-down where there is one.",
            "2. Help for each question is in column E, and last year's answer in column D.",
            "3. Leave a cell empty for a question you do not answer. Type numbers as numbers (no formulas, no text such as \"about 5\").",
            "4. On the Checks sheet, confirm any large change against last year with a reason, and choose whether to submit.",
            "5. Upload this file (as .xlsx) through the PPS returns service. A report lists any problem by sheet, cell and question; nothing changes until the whole workbook is correct.",
            "",
            "If your return is saved again after this workbook was made (on the web form, or by another upload), this workbook will be refused so that no change is lost: download a new one.",
            $"Sheets: {string.Join(", ", layout.Sheets.Select(s => s.Name))}, {WorkbookLayout.ChecksSheet}.",
        ];
        var rows = lines.Select((text, i) => new Row(TextCell($"A{i + 1}", text, i is 0 or 3 ? Title : Wrapped)) { RowIndex = (uint)(i + 1) }).ToList();
        return Sheet(rows, [], widths: [140]);
    }

    private static Worksheet ListsSheet(ReturnDefinition definition, Dictionary<string, (string Column, IReadOnlyList<string> Values)> lists)
    {
        var longest = lists.Values.Max(l => l.Values.Count);
        var rows = new List<Row>();
        for (var i = 0; i < longest; i++)
        {
            var row = new Row { RowIndex = (uint)(i + 1) };
            foreach (var (column, values) in lists.Values.OrderBy(l => l.Column.Length).ThenBy(l => l.Column, StringComparer.Ordinal))
            {
                if (i < values.Count) row.Append(TextCell($"{column}{i + 1}", values[i], Plain));
            }
            rows.Add(row);
        }
        _ = definition;
        return Sheet(rows, [], widths: []);
    }

    private static Worksheet MetadataSheet(WorkbookOrigin origin)
    {
        (string Name, OpenXmlElement Value)[] entries =
        [
            ("template", new InlineString(new Text(WorkbookLayout.Marker))),
            ("serviceId", new CellValue(origin.ServiceId)),
            ("year", new CellValue(origin.Year)),
            ("definitionVersion", new CellValue(origin.DefinitionVersion)),
            ("revision", new CellValue(origin.Revision)),
            ("madeAt", new InlineString(new Text(origin.MadeAt.ToString("O", CultureInfo.InvariantCulture)))),
        ];
        var rows = entries.Select((e, i) => new Row(
            TextCell($"A{i + 1}", e.Name, Plain),
            new Cell(e.Value.CloneNode(true)) { CellReference = $"B{i + 1}", DataType = e.Value is InlineString ? CellValues.InlineString : null })
        { RowIndex = (uint)(i + 1) }).ToList();
        return Sheet(rows, [], widths: []);
    }

    private static Cell AnswerCellFor(AnswerCell cell, ReturnValues? current)
    {
        var at = cell.Reference;
        var value = current?.Text(cell.Field.Id);
        if (value is null) return new Cell { CellReference = at, StyleIndex = Input };
        if (cell.Option is not null)
        {
            var ticked = current!.Choices(cell.Field.Id).Contains(cell.Option.Value);
            return TextCell(at, ticked ? "Yes" : "No", Input);
        }
        return cell.Field.IsNumeric
            ? new Cell(new CellValue(value)) { CellReference = at, StyleIndex = Input }
            : TextCell(at, Display(cell.Field, value), Input);
    }

    private static Cell? LastYearCell(AnswerCell cell, ReturnValues? lastYear)
    {
        var value = lastYear?.Text(cell.Field.Id);
        var at = $"D{cell.Row}";
        if (value is null) return null;
        if (cell.Option is not null) return TextCell(at, lastYear!.Choices(cell.Field.Id).Contains(cell.Option.Value) ? "Yes" : "No", Plain);
        return cell.Field.IsNumeric ? new Cell(new CellValue(value)) { CellReference = at } : TextCell(at, Display(cell.Field, value), Wrapped);
    }

    /// <summary>A stored canonical value as the workbook shows it: option labels, Yes/No.</summary>
    private static string Display(FieldDefinition field, string value) => field.Type switch
    {
        FieldType.Rating or FieldType.Choice => field.Options.FirstOrDefault(o => o.Value == value)?.Label ?? value,
        FieldType.Boolean => value == "true" ? "Yes" : "No",
        _ => value,
    };

    private static string? LimitText(FieldDefinition field)
    {
        if (!field.IsNumeric) return field.Type == FieldType.Text ? $"At most {field.MaxLength} bytes as stored (a plain letter counts 1, an accented letter 2, an emoji 12)." : null;
        var kind = field.Type == FieldType.Integer ? "A whole number" : $"A number with at most {field.Decimals} decimal places";
        return $"{kind} from {ReturnValues.FormatNumber(field.Min ?? 0)} to {ReturnValues.FormatNumber(field.Max ?? decimal.MaxValue)}.";
    }

    private static DataValidation ValidationFor(AnswerCell cell, Dictionary<string, (string Column, IReadOnlyList<string> Values)> lists)
    {
        var field = cell.Field;
        if (cell.Option is not null || field.Type == FieldType.Boolean)
        {
            return ListValidation(cell.Reference, lists[YesNoList].Column, 2, field.Label);
        }
        if (field.Type is FieldType.Rating or FieldType.Choice)
        {
            var (column, values) = lists[field.Id];
            return ListValidation(cell.Reference, column, values.Count, field.Label);
        }
        if (field.IsNumeric)
        {
            var min = ReturnValues.FormatNumber(field.Min ?? 0);
            var max = ReturnValues.FormatNumber(field.Max ?? 1_000_000_000);
            return new DataValidation
            {
                Type = field.Type == FieldType.Integer ? DataValidationValues.Whole : DataValidationValues.Decimal,
                Operator = DataValidationOperatorValues.Between, AllowBlank = true, ShowErrorMessage = true, ShowInputMessage = true,
                ErrorTitle = Short(field.Label), Error = Short(LimitText(field)!, 225), PromptTitle = Short(field.Label), Prompt = Short(LimitText(field)!, 250),
                SequenceOfReferences = new ListValue<StringValue> { InnerText = cell.Reference },
                Formula1 = new Formula1(min), Formula2 = new Formula2(max),
            };
        }
        return new DataValidation
        {
            Type = DataValidationValues.TextLength, Operator = DataValidationOperatorValues.LessThanOrEqual, AllowBlank = true,
            ShowErrorMessage = true, ErrorTitle = Short(field.Label), Error = $"At most {field.MaxLength} bytes as stored (a plain letter counts 1, an accented letter 2, an emoji 12).",
            SequenceOfReferences = new ListValue<StringValue> { InnerText = cell.Reference },
            Formula1 = new Formula1(field.MaxLength.ToString(CultureInfo.InvariantCulture)),
        };
    }

    private static DataValidation ListValidation(string reference, string listColumn, int count, string title) => new()
    {
        Type = DataValidationValues.List, AllowBlank = true, ShowErrorMessage = true, ShowDropDown = false,
        ErrorTitle = Short(title), Error = "Choose one of the values in the drop-down list.",
        SequenceOfReferences = new ListValue<StringValue> { InnerText = reference },
        Formula1 = new Formula1($"'{WorkbookLayout.ListsSheet}'!${listColumn}$1:${listColumn}${count}"),
    };

    /// <summary>Excel's limits: 32 characters for titles, 255 for messages.</summary>
    private static string Short(string text, int max = 32) => text.Length <= max ? text : text[..(max - 1)] + "…";

    private static Row HeaderRow(params string[] titles) =>
        new(titles.Select((t, i) => TextCell($"{ColumnName(i)}3", t, Header))) { RowIndex = 3U };

    private static Cell TextCell(string reference, string text, uint style) =>
        new(new InlineString(new Text(text) { Space = SpaceProcessingModeValues.Preserve }))
        {
            CellReference = reference, DataType = CellValues.InlineString, StyleIndex = style,
        };

    private static Worksheet Sheet(IEnumerable<Row> rows, IReadOnlyList<DataValidation> validations, double[] widths)
    {
        var worksheet = new Worksheet();
        if (widths.Length > 0)
        {
            worksheet.Append(new Columns(widths.Select((w, i) => new Column { Min = (uint)(i + 1), Max = (uint)(i + 1), Width = w, CustomWidth = true })));
        }
        worksheet.Append(new SheetData(rows));
        worksheet.Append(new SheetProtection
        {
            Password = LegacyPasswordHash(ProtectionPassword), Sheet = true, Objects = true, Scenarios = true,
            FormatColumns = false, FormatRows = false,
        });
        if (validations.Count > 0) worksheet.Append(new DataValidations(validations) { Count = (uint)validations.Count });
        return worksheet;
    }

    private static WorksheetPart AddSheet(WorkbookPart workbook, Worksheet worksheet)
    {
        var part = workbook.AddNewPart<WorksheetPart>();
        part.Worksheet = worksheet;
        return part;
    }

    private static Stylesheet Stylesheet() => new(
        new Fonts(
            new Font(new FontSize { Val = 11 }, new FontName { Val = "Calibri" }),
            new Font(new Bold(), new FontSize { Val = 11 }, new FontName { Val = "Calibri" }),
            new Font(new Bold(), new FontSize { Val = 14 }, new FontName { Val = "Calibri" }),
            new Font(new Italic(), new FontSize { Val = 9 }, new Color { Rgb = "FF7F7F7F" }, new FontName { Val = "Calibri" })) { Count = 4U },
        new Fills(
            new Fill(new PatternFill { PatternType = PatternValues.None }),
            new Fill(new PatternFill { PatternType = PatternValues.Gray125 }),
            new Fill(new PatternFill(new ForegroundColor { Rgb = "FFFFF2CC" }) { PatternType = PatternValues.Solid }),
            new Fill(new PatternFill(new ForegroundColor { Rgb = "FFD9D9D9" }) { PatternType = PatternValues.Solid })) { Count = 4U },
        new Borders(new Border()) { Count = 1U },
        new CellStyleFormats(new CellFormat()) { Count = 1U },
        new CellFormats(
            new CellFormat(),
            new CellFormat(new Protection { Locked = false }) { FillId = 2U, ApplyFill = true, ApplyProtection = true },
            new CellFormat { FontId = 1U, FillId = 3U, ApplyFont = true, ApplyFill = true },
            new CellFormat { FontId = 2U, ApplyFont = true },
            new CellFormat(new Alignment { WrapText = true, Vertical = VerticalAlignmentValues.Top }) { ApplyAlignment = true },
            new CellFormat { FontId = 3U, ApplyFont = true },
            new CellFormat { FontId = 1U, ApplyFont = true }) { Count = 7U });

    /// <summary>Column letters: 0 is A, 25 is Z, 26 is AA.</summary>
    internal static string ColumnName(int index) =>
        index < 26 ? ((char)('A' + index)).ToString() : ColumnName(index / 26 - 1) + (char)('A' + index % 26);

    /// <summary>Excel's legacy 16-bit password hash for sheet and workbook protection (ECMA-376 Part 4, 14.7.1).</summary>
    private static string LegacyPasswordHash(string password)
    {
        var hash = 0;
        for (var i = password.Length - 1; i >= 0; i--)
        {
            hash = ((hash >> 14) & 0x01) | ((hash << 1) & 0x7fff);
            hash ^= password[i];
        }
        hash = ((hash >> 14) & 0x01) | ((hash << 1) & 0x7fff);
        hash ^= password.Length;
        hash ^= 0xCE4B;
        return hash.ToString("X4", CultureInfo.InvariantCulture);
    }
}
