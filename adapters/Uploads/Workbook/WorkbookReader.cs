using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Pps.Core.Catalogue;
using Pps.Core.Definition;

namespace Pps.Core.Uploads.Workbook;

/// <summary>A problem at one cell of the workbook, before or after the validator.</summary>
public sealed record CellProblem(string Sheet, string Cell, string? FieldId, string Code, string Message);

/// <summary>What a clean workbook of the template says: every answer as raw text for the validator, and its checks.</summary>
/// <param name="Raw">Field id to the text of its cell (null when empty): the input of ReturnValidator.</param>
/// <param name="Problems">Cells that could not be read as an answer (a formula, text where a number goes, an error value).</param>
/// <param name="Confirmations">Year-on-year rule ids confirmed on the Checks sheet, with the reason given.</param>
/// <param name="Submit">"Yes" under Submit: submit the return as final rather than save a draft.</param>
public sealed record WorkbookAnswers(
    WorkbookOrigin Origin,
    IReadOnlyDictionary<string, string?> Raw,
    IReadOnlyList<CellProblem> Problems,
    IReadOnlyDictionary<string, string> Confirmations,
    bool Submit);

/// <summary>The workbook's answers, or why the file as a whole was refused.</summary>
public sealed record WorkbookReadResult(WorkbookAnswers? Answers, FileProblem? Refused);

/// <summary>
/// Reads an uploaded workbook of the template: first <see cref="WorkbookInspector"/> (nothing is parsed before
/// it passes), then the hidden origin (made by this system, for this service, year and definition version),
/// then every answer cell of <see cref="WorkbookLayout"/>, streaming each sheet with the SDK's reader so that
/// memory stays small whatever the sheet holds.
/// </summary>
public static class WorkbookReader
{
    public static WorkbookReadResult Read(ReadOnlyMemory<byte> file, int year, int serviceId, ReturnDefinition definition, ServiceCatalogue catalogue)
    {
        if (WorkbookInspector.Inspect(file) is { } refused) return new(null, refused);
        try
        {
            using var stream = WorkbookInspector.AsStream(file);
            using var document = SpreadsheetDocument.Open(stream, false, new OpenSettings
            {
                MaxCharactersInPart = WorkbookLimits.MaxPartBytes,
                AutoSave = false,
            });
            return ReadDocument(document, year, serviceId, definition, catalogue);
        }
        catch (Exception e) when (e is OpenXmlPackageException or InvalidDataException or System.Xml.XmlException or IOException
            or InvalidOperationException or FormatException or ArgumentException or NotSupportedException)
        {
            return new(null, new FileProblem("unreadable", "The file looks like a workbook but its contents cannot be read as one (it may be damaged, or made by a program that writes Excel files incorrectly). Open it in Excel, save it again as .xlsx, and upload it."));
        }
    }

    private static WorkbookReadResult ReadDocument(SpreadsheetDocument document, int year, int serviceId, ReturnDefinition definition, ServiceCatalogue catalogue)
    {
        var workbook = document.WorkbookPart ?? throw new InvalidDataException("No workbook part.");
        var strings = SharedStrings(workbook);
        var sheets = (workbook.Workbook?.Sheets?.Elements<Sheet>() ?? [])
            .Where(s => s.Name?.Value is not null && s.Id?.Value is not null)
            .GroupBy(s => s.Name!.Value!, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First().Id!.Value!, StringComparer.OrdinalIgnoreCase);

        Dictionary<string, Cell> CellsOf(string sheetName) =>
            sheets.TryGetValue(sheetName, out var id) && workbook.TryGetPartById(id, out var part) && part is WorksheetPart worksheet
                ? ReadCells(worksheet)
                : [];

        // 1. The origin, from the very hidden sheet.
        if (!sheets.ContainsKey(WorkbookLayout.MetadataSheet)) return NotTemplate();
        var meta = CellsOf(WorkbookLayout.MetadataSheet);
        string? Meta(int row) => meta.TryGetValue("B" + row, out var c) ? Text(c, strings) : null;
        int? MetaInt(int row) => int.TryParse(Meta(row), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;
        if (Meta(1) != WorkbookLayout.Marker || MetaInt(2) is not { } madeForService || MetaInt(3) is not { } madeForYear
            || MetaInt(4) is not { } version || MetaInt(5) is not { } revision)
        {
            return NotTemplate();
        }
        if (madeForYear != year)
        {
            return Refuse("wrong-year", $"This workbook was made for the {madeForYear} return, but it was uploaded as the {year} return. Download the {year} template and fill that in.");
        }
        if (madeForService != serviceId)
        {
            var name = catalogue.Find(madeForService)?.Name ?? "an unknown service";
            return Refuse("wrong-service", $"This workbook was made for service {madeForService} ({name}), not for service {serviceId}. Download your own service's template and fill that in.");
        }
        if (version != definition.Version)
        {
            return Refuse("old-template", $"This workbook was made from version {version} of the {year} return; the return is now at version {definition.Version} and its questions have changed. Download a new template (it carries your answers so far).");
        }
        var madeAt = DateTimeOffset.TryParse(Meta(6), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at : default;
        var origin = new WorkbookOrigin(madeForService, madeForYear, version, revision, madeAt);

        // 2. Every answer.
        var layout = WorkbookLayout.For(definition);
        var raw = new Dictionary<string, string?>(StringComparer.Ordinal);
        var problems = new List<CellProblem>();
        foreach (var sheet in layout.Sheets)
        {
            if (!sheets.ContainsKey(sheet.Name))
            {
                return Refuse("sheet-missing", $"The sheet \"{sheet.Name}\" of the template is missing (renamed or deleted). Download a new template and fill it in without renaming sheets.");
            }
            var cells = CellsOf(sheet.Name);
            foreach (var group in sheet.Cells.GroupBy(c => c.Field.Id))
            {
                var field = group.First().Field;
                raw[field.Id] = field.Type == FieldType.MultiChoice
                    ? ReadMultiChoice(group.ToList(), cells, strings, problems)
                    : ReadAnswer(group.First(), cells, strings, problems);
            }
        }

        // 3. The checks.
        var checks = CellsOf(WorkbookLayout.ChecksSheet);
        var confirmations = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var check in layout.Checks)
        {
            var confirm = YesNo(WorkbookLayout.ChecksSheet, check.ConfirmReference, null, checks, strings, problems);
            if (confirm != true) continue;
            var reason = checks.TryGetValue(check.ReasonReference, out var r) ? Text(r, strings)?.Trim() : null;
            if (string.IsNullOrEmpty(reason))
            {
                problems.Add(new CellProblem(WorkbookLayout.ChecksSheet, check.ReasonReference, check.Rule.FieldIds[0], "reason-required",
                    $"{check.Rule.Label}: you confirmed the change against last year; say why in this cell."));
            }
            else if (reason.Length > 500)
            {
                problems.Add(new CellProblem(WorkbookLayout.ChecksSheet, check.ReasonReference, check.Rule.FieldIds[0], "length",
                    $"{check.Rule.Label}: the reason may be at most 500 characters ({reason.Length} given)."));
            }
            else
            {
                confirmations[check.Rule.Id] = reason;
            }
        }
        var submit = YesNo(WorkbookLayout.ChecksSheet, layout.SubmitReference, null, checks, strings, problems) == true;
        return new(new WorkbookAnswers(origin, raw, problems, confirmations, submit), null);
    }

    private static string? ReadAnswer(AnswerCell at, Dictionary<string, Cell> cells, IReadOnlyList<string> strings, List<CellProblem> problems)
    {
        if (!cells.TryGetValue(at.Reference, out var cell)) return null;
        var field = at.Field;
        void Problem(string code, string message) => problems.Add(new CellProblem(at.Sheet, at.Reference, field.Id, code, $"{field.Label}: {message}"));

        if (cell.CellFormula is not null)
        {
            Problem("formula", "the cell holds a formula; type the value itself (formulas are not read, so that what you see is what is stored).");
            return null;
        }
        var type = cell.DataType?.Value;
        if (type == CellValues.Error)
        {
            Problem("error-value", $"the cell shows an error ({cell.CellValue?.Text}); type the value itself.");
            return null;
        }
        if (type == CellValues.Boolean)
        {
            return cell.CellValue?.Text == "1" ? "yes" : "no";
        }
        if (type == CellValues.SharedString || type == CellValues.InlineString || type == CellValues.String)
        {
            var text = Text(cell, strings);
            if (string.IsNullOrWhiteSpace(text)) return null;
            if (field.IsNumeric)
            {
                Problem("text-not-number", $"\"{Clip(text)}\" is text, not a number. Type the number alone (no words, units or quotes), or leave the cell empty.");
                return null;
            }
            return text;
        }
        // A number (no type, or n; d is an ISO date, which no field asks for).
        var number = cell.CellValue?.Text;
        if (string.IsNullOrWhiteSpace(number)) return null;
        if (type == CellValues.Date || !double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            Problem("type", $"\"{Clip(number)}\" cannot be read as a number.");
            return null;
        }
        if (Math.Abs(value) > 1e15)
        {
            Problem("range", $"{value:G4} is far too large.");
            return null;
        }
        // Excel keeps 17 significant digits (33.3 may be stored as 33.299999999999997); what it shows is 15.
        return ReturnValues.FormatNumber((decimal)value);
    }

    private static string? ReadMultiChoice(List<AnswerCell> options, Dictionary<string, Cell> cells, IReadOnlyList<string> strings, List<CellProblem> problems)
    {
        var ticked = new List<string>();
        var answered = false;
        foreach (var at in options)
        {
            var yes = YesNo(at.Sheet, at.Reference, at.Field, cells, strings, problems);
            answered |= yes is not null;
            if (yes == true) ticked.Add(at.Option!.Value);
        }
        return answered && ticked.Count > 0 ? string.Join(ReturnValues.ChoiceSeparator, ticked) : null;
    }

    private static bool? YesNo(string sheet, string reference, FieldDefinition? field, Dictionary<string, Cell> cells, IReadOnlyList<string> strings, List<CellProblem> problems)
    {
        if (!cells.TryGetValue(reference, out var cell)) return null;
        var text = cell.CellFormula is not null ? "=" : cell.DataType?.Value == CellValues.Boolean ? (cell.CellValue?.Text == "1" ? "yes" : "no") : Text(cell, strings);
        switch (text?.Trim().ToLowerInvariant())
        {
            case null or "": return null;
            case "yes" or "y" or "true": return true;
            case "no" or "n" or "false": return false;
            default:
                problems.Add(new CellProblem(sheet, reference, field?.Id, "yes-no",
                    $"{(field is null ? "This cell" : field.Label)}: choose Yes or No from the drop-down (\"{Clip(text!)}\" given)."));
                return null;
        }
    }

    /// <summary>The cell's text: a shared string, an inline string, a formula's text result, or the raw value.</summary>
    private static string? Text(Cell cell, IReadOnlyList<string> strings)
    {
        var type = cell.DataType?.Value;
        if (type == CellValues.InlineString) return cell.InlineString is { } inline ? InlineText(inline) : null;
        var value = cell.CellValue?.Text;
        if (type == CellValues.SharedString)
        {
            return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var index) && index >= 0 && index < strings.Count
                ? strings[index]
                : throw new InvalidDataException("A cell points outside the shared strings.");
        }
        return value;
    }

    private static string InlineText(OpenXmlElement item) =>
        item.GetFirstChild<Text>()?.Text ?? string.Concat(item.Elements<Run>().Select(r => r.Text?.Text));

    /// <summary>The cells of one sheet by reference, read with the SDK's streaming reader (the sheet's XML is never loaded whole).</summary>
    private static Dictionary<string, Cell> ReadCells(WorksheetPart part)
    {
        var cells = new Dictionary<string, Cell>(StringComparer.OrdinalIgnoreCase);
        using var reader = OpenXmlReader.Create(part);
        while (reader.Read())
        {
            if (reader.ElementType != typeof(Cell) || !reader.IsStartElement) continue;
            var cell = (Cell)reader.LoadCurrentElement()!;
            var reference = cell.CellReference?.Value;
            // Only the answer columns are read; everything else is the template's own text.
            if (reference is not null && (reference.StartsWith('B') || reference.StartsWith('C')) && reference.Length > 1 && char.IsDigit(reference[1]))
            {
                cells[reference] = cell;
            }
        }
        return cells;
    }

    private static List<string> SharedStrings(WorkbookPart workbook)
    {
        var list = new List<string>();
        if (workbook.SharedStringTablePart is not { } part) return list;
        using var reader = OpenXmlReader.Create(part);
        while (reader.Read())
        {
            if (reader.ElementType == typeof(SharedStringItem) && reader.IsStartElement)
            {
                list.Add(InlineText(reader.LoadCurrentElement()!));
            }
        }
        return list;
    }

    private static string Clip(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static WorkbookReadResult NotTemplate() => Refuse("not-template",
        "This workbook was not made from the PPS return template (it lacks the template's hidden details of service, year and version). Download the template for your service and year, fill it in, and upload that.");

    private static WorkbookReadResult Refuse(string code, string message) => new(null, new FileProblem(code, message));
}
