using System.IO.Compression;
using System.Text.Json;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Pps.Core.Definition;
using Pps.Core.Returns;
using Pps.Core.Uploads.Workbook;
using Pps.Core.Validation;
using Pps.Synthetic;
using Pps.Tests.Support;
using static Pps.Core.Definition.FieldIds;

namespace Pps.Tests.Uploads;

public class WorkbookRoundTripTests
{
    private static readonly ReturnDefinition Definition = BuiltInDefinitions.For(2013);
    private static readonly WorkbookLayout Layout = WorkbookLayout.For(Definition);

    /// <summary>Types a field's answer into its cell as a person picking from the drop-down would: the option's label.</summary>
    private static (string Sheet, string Cell, object? Value) Answer(string fieldId, string value) => WorkbookFiller.Answer(Layout, fieldId, value);

    [Fact]
    public async Task Service_24s_2013_ratings_go_through_the_template_upload_and_check_and_read_back_equal()
    {
        var app = await UploadHarness.StartAsync();
        var token = await app.TokenForAsync(24);
        var ratings = WorkbookEdits.Ratings2013(24);

        var template = await app.DownloadTemplateAsync(token, 24);
        var filled = WorkbookFiller.SetCells(template, [.. ratings.Select(r => Answer(r.Key, r.Value!))]);
        var report = await app.UploadAndCheckAsync(token, 24, filled);

        Assert.Equal("accepted", report.GetProperty("status").GetString());
        Assert.Empty(report.GetProperty("problems").EnumerateArray());
        Assert.Equal(1, report.GetProperty("storedRevision").GetInt32());
        Assert.Equal(0, report.GetProperty("workbookRevision").GetInt32());
        var expected = ReturnValidator.Validate(Definition, ratings).Values.AsDictionary();
        var stored = await app.Store.GetAsync(2013, 24);
        Assert.NotNull(stored);
        Assert.Equal(expected.OrderBy(kv => kv.Key), stored!.Values.AsDictionary().OrderBy(kv => kv.Key));
        Assert.Equal(35, stored.Values.Count); // 34 ratings and who completed them
        Assert.Equal("G", stored.Values.Text(Rating("1a")));
        Assert.Equal("x", stored.Values.Text(Rating("6e")));
        Assert.Equal("PPO+LA", stored.Values.Text(CompletedBy));
        Assert.Equal(ReturnStatus.Draft, stored.Status);

        // The audit row names the upload.
        var audit = Assert.Single(await app.Store.HistoryAsync(2013, 24));
        Assert.StartsWith($"Workbook upload {report.GetProperty("uploadId").GetString()}", audit.Source);
        Assert.Null(audit.Reason); // reasons are NPPN's
        Assert.Equal("service:24", audit.By);
    }

    [Fact]
    public async Task A_full_return_of_every_field_type_round_trips_through_a_prefilled_template()
    {
        var app = await UploadHarness.StartAsync();
        var token = await app.TokenForAsync(42);
        var full = Pps.Synthetic.ExampleReturn.Full(2013).ToDictionary(kv => kv.Key, kv => (string?)(kv.Value switch
        {
            string[] many => string.Join(';', many),
            bool b => b ? "yes" : "no",
            IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
            var v => v.ToString(),
        }));
        var saved = await app.Returns.SaveDraftAsync(Actor.ForService(42), new ReturnChange(2013, 42, full, [], null));
        var stored = Assert.IsType<ReturnOutcome.Done>(saved).Return;

        // The template carries the stored draft; uploaded unchanged, it stores the same values as revision 2.
        var template = await app.DownloadTemplateAsync(token, 42);
        var report = await app.UploadAndCheckAsync(token, 42, template);
        Assert.Equal("accepted", report.GetProperty("status").GetString());
        Assert.Equal(1, report.GetProperty("workbookRevision").GetInt32());
        var after = await app.Store.GetAsync(2013, 42);
        Assert.Equal(2, after!.Revision);
        Assert.Equal(stored.Values.AsDictionary().OrderBy(kv => kv.Key), after.Values.AsDictionary().OrderBy(kv => kv.Key));
    }

    [Fact]
    public async Task The_template_has_a_labelled_sheet_per_section_drop_downs_limits_help_last_year_and_a_hidden_protected_origin()
    {
        var app = await UploadHarness.StartAsync();
        var token = await app.TokenForAsync(42);
        var lastYear = ReturnValidator.Validate(BuiltInDefinitions.For(2012), new Dictionary<string, string?> { [CaseworkUsers] = "300", [ServiceType] = "mixed" });
        await app.Store.SaveAsync(new ServiceReturn { ServiceId = 42, Year = 2012, Status = ReturnStatus.Locked, Values = lastYear.Values }, null, "import", "import");
        var bytes = await app.DownloadTemplateAsync(token, 42);

        using (var zip = new ZipArchive(new MemoryStream(bytes)))
        {
            Assert.DoesNotContain(zip.Entries, e => e.FullName.Contains("vbaProject", StringComparison.OrdinalIgnoreCase));
            Assert.DoesNotContain(zip.Entries, e => e.FullName.Contains("externalLink", StringComparison.OrdinalIgnoreCase));
            Assert.DoesNotContain("macroEnabled", zip.Read("[Content_Types].xml"), StringComparison.Ordinal);
        }
        using var document = SpreadsheetDocument.Open(new MemoryStream(bytes), false);
        var workbook = document.WorkbookPart!;
        var sheets = workbook.Workbook.Sheets!.Elements<Sheet>().ToList();
        Assert.Equal(["Read me", .. Layout.Sheets.Select(s => s.Name), "Checks", "Lists", "PPS template"], sheets.Select(s => s.Name!.Value));
        Assert.Equal(SheetStateValues.VeryHidden, sheets.Single(s => s.Name == WorkbookLayout.MetadataSheet).State!.Value);
        Assert.True(workbook.Workbook.GetFirstChild<WorkbookProtection>()!.LockStructure!.Value);

        Worksheet SheetNamed(string name) => ((WorksheetPart)workbook.GetPartById(sheets.Single(s => s.Name == name).Id!)).Worksheet;
        Assert.NotNull(SheetNamed(WorkbookLayout.MetadataSheet).GetFirstChild<SheetProtection>());
        foreach (var sheet in Layout.Sheets)
        {
            var worksheet = SheetNamed(sheet.Name);
            var validations = worksheet.Descendants<DataValidation>().ToDictionary(v => v.SequenceOfReferences!.InnerText!);
            foreach (var cell in sheet.Cells)
            {
                var validation = validations[cell.Reference];
                var field = cell.Field;
                if (field.HasOptions || field.Type == FieldType.Boolean)
                {
                    Assert.Equal(DataValidationValues.List, validation.Type!.Value);
                }
                else if (field.IsNumeric)
                {
                    Assert.Equal(field.Type == FieldType.Integer ? DataValidationValues.Whole : DataValidationValues.Decimal, validation.Type!.Value);
                    Assert.Equal(ReturnValues.FormatNumber(field.Min!.Value), validation.Formula1!.Text);
                    Assert.Equal(ReturnValues.FormatNumber(field.Max!.Value), validation.Formula2!.Text);
                }
            }
        }
        // Help beside each field, last year's answer beside it, the running total of the six time percentages.
        var texts = (Worksheet w) => w.Descendants<Cell>().ToDictionary(c => c.CellReference!.Value!, c => c.InlineString?.InnerText ?? c.CellValue?.Text ?? c.CellFormula?.Text);
        var usersCell = Layout.CellsOf(CaseworkUsers)[0];
        var section = texts(SheetNamed(usersCell.Sheet));
        Assert.Equal("300", section[$"D{usersCell.Row}"]);
        Assert.Contains("Parents and carers who used the casework service", section[$"E{usersCell.Row}"]);
        var typeCell = Layout.CellsOf(ServiceType)[0];
        Assert.Equal("Mixed", texts(SheetNamed(typeCell.Sheet))[$"D{typeCell.Row}"]);
        var total = Layout.Sheets.SelectMany(s => s.Totals).Single();
        Assert.Equal("SUM(" + string.Join(",", TimeCategories.Select(id => Layout.CellsOf(id)[0].Reference)) + ")",
            texts(SheetNamed(Layout.CellsOf(TimeCasework)[0].Sheet))[$"B{total.Row}"]);
    }

    /// <summary>
    /// Issue 25: a draft always saves, whatever rule across fields it breaks, by the workbook as by the form. The six time
    /// percentages adding to 95 used to reject the whole workbook; now the draft is stored and the report (and its mail)
    /// says, by sheet and cell, what still stops the submit. Marked for submission, the same workbook is refused.
    /// </summary>
    [Fact]
    public async Task A_draft_workbook_that_breaks_a_rule_across_fields_is_saved_and_its_report_says_what_stops_the_submit()
    {
        var app = await UploadHarness.StartAsync();
        var token = await app.TokenForAsync(24);
        var sum = Definition.Rules.OfType<SumRule>().First();
        var template = await app.DownloadTemplateAsync(token, 24);
        var offBy5 = sum.FieldIds.Select((id, i) => Answer(id, i == 0 ? (sum.Total - 5).ToString(System.Globalization.CultureInfo.InvariantCulture) : "0"));
        var draft = WorkbookFiller.SetCells(template, [.. WorkbookEdits.Ratings2013(24).Select(r => Answer(r.Key, r.Value!)), .. offBy5]);

        var report = await app.UploadAndCheckAsync(token, 24, draft);

        Assert.Equal("accepted", report.GetProperty("status").GetString());
        Assert.Equal("save-draft", report.GetProperty("action").GetString());
        Assert.Empty(report.GetProperty("problems").EnumerateArray());
        var toSubmit = Assert.Single(report.GetProperty("toSubmit").EnumerateArray());
        Assert.Equal(sum.Id, toSubmit.GetProperty("code").GetString());
        var cell = Layout.CellsOf(sum.FieldIds[0])[0];
        Assert.Equal((cell.Sheet, cell.Reference), (toSubmit.GetProperty("sheet").GetString(), toSubmit.GetProperty("cell").GetString()));
        Assert.Contains("before you can submit", report.GetProperty("summary").GetString(), StringComparison.Ordinal);
        var stored = await app.Store.GetAsync(2013, 24);
        Assert.Equal(ReturnStatus.Draft, stored!.Status);
        Assert.Equal(sum.Total - 5, stored.Values.Number(sum.FieldIds[0]));

        // The result mail lists it too.
        var parsed = report.Deserialize<Pps.Core.Uploads.ValidationReport>(Pps.Core.Uploads.ValidationReport.Json)!;
        var (_, body) = Pps.Core.Mail.MailComposer.UploadResult(
            new Pps.Core.Mail.OutboxMessage(Pps.Core.Mail.MailKinds.UploadResult, "k", 2013, 24, DateTimeOffset.UtcNow), "Service 24", parsed, "http://site/");
        Assert.Contains($"still to do before you can submit:\n- {cell.Sheet}!{cell.Reference}: ", body.ReplaceLineEndings("\n"), StringComparison.Ordinal);

        // Marked for submission, the same answers are refused at the cell, and nothing changes.
        var again = await app.DownloadTemplateAsync(token, 24);
        var submit = WorkbookFiller.SetCells(again, [.. offBy5, (WorkbookLayout.ChecksSheet, Layout.SubmitReference, "Yes")]);
        var refused = await app.UploadAndCheckAsync(token, 24, submit);
        Assert.Equal("rejected", refused.GetProperty("status").GetString());
        Assert.Contains(refused.GetProperty("problems").EnumerateArray(), p => p.GetProperty("code").GetString() == sum.Id && p.GetProperty("cell").GetString() == cell.Reference);
        Assert.Equal(ReturnStatus.Draft, (await app.Store.GetAsync(2013, 24))!.Status);
    }

    [Fact]
    public async Task A_large_change_is_confirmed_with_a_reason_on_the_checks_sheet_and_the_workbook_submits()
    {
        var app = await UploadHarness.StartAsync();
        var token = await app.TokenForAsync(42);
        var lastYear = ReturnValidator.Validate(BuiltInDefinitions.For(2012), new Dictionary<string, string?> { [CaseworkUsers] = "100" });
        await app.Store.SaveAsync(new ServiceReturn { ServiceId = 42, Year = 2012, Status = ReturnStatus.Locked, Values = lastYear.Values }, null, "import", "import");
        var template = await app.DownloadTemplateAsync(token, 42);
        var check = Layout.Checks.Single(c => c.Rule.Id == "yoy-casework-users");

        // Unconfirmed, submitting is refused with the warning at its check cell.
        var unconfirmed = WorkbookFiller.SetCells(template,
            [.. CompleteReturn.With((CaseworkUsers, "400")).Select(a => Answer(a.Id, a.Value)), (WorkbookLayout.ChecksSheet, Layout.SubmitReference, "Yes")]);
        var refused = await app.UploadAndCheckAsync(token, 42, unconfirmed);
        Assert.Equal("rejected", refused.GetProperty("status").GetString());
        var problem = Assert.Single(refused.GetProperty("problems").EnumerateArray());
        Assert.Equal("Checks", problem.GetProperty("sheet").GetString());
        Assert.Equal(check.ConfirmReference, problem.GetProperty("cell").GetString());
        Assert.Contains("up 300%", problem.GetProperty("message").GetString());
        Assert.Null(await app.Store.GetAsync(2013, 42));

        // Confirmed with a reason: submitted, the confirmation kept, the reason in the audit row.
        var confirmed = WorkbookFiller.SetCells(unconfirmed,
            (WorkbookLayout.ChecksSheet, check.ConfirmReference, "Yes"), (WorkbookLayout.ChecksSheet, check.ReasonReference, "A second caseworker joined in January."));
        var accepted = await app.UploadAndCheckAsync(token, 42, confirmed);
        Assert.Equal("accepted", accepted.GetProperty("status").GetString());
        Assert.Equal("submit", accepted.GetProperty("action").GetString());
        var stored = await app.Store.GetAsync(2013, 42);
        Assert.Equal(ReturnStatus.Submitted, stored!.Status);
        Assert.Contains("yoy-casework-users", stored.ConfirmedWarnings);
        var audit = Assert.Single(await app.Store.HistoryAsync(2013, 42));
        Assert.Contains("yoy-casework-users: A second caseworker joined in January.", audit.Source);
    }

    [Fact]
    public async Task A_workbook_made_before_another_save_is_refused_naming_both_revisions()
    {
        var app = await UploadHarness.StartAsync();
        var token = await app.TokenForAsync(42);
        var template = await app.DownloadTemplateAsync(token, 42);   // made from revision 0 (no return yet)
        var form = await app.Returns.SaveDraftAsync(Actor.ForService(42), new ReturnChange(2013, 42, new Dictionary<string, string?> { [CoreBudget] = "90000" }, [], null));
        Assert.IsType<ReturnOutcome.Done>(form);

        var report = await app.UploadAndCheckAsync(token, 42, WorkbookFiller.SetCells(template, Answer(CoreBudget, "120000")));
        Assert.Equal("rejected", report.GetProperty("status").GetString());
        var message = report.GetProperty("problems")[0].GetProperty("message").GetString()!;
        Assert.Contains("made from revision 0", message);
        Assert.Contains("now at revision 1", message);
        var stored = await app.Store.GetAsync(2013, 42);
        Assert.Equal(1, stored!.Revision);
        Assert.Equal("90000", stored.Values.Text(CoreBudget));
    }

    [Fact]
    public async Task Delivered_twice_the_second_run_changes_nothing_even_after_a_run_that_died_before_its_report()
    {
        var app = await UploadHarness.StartAsync();
        var token = await app.TokenForAsync(42);
        var filled = WorkbookFiller.SetCells(await app.DownloadTemplateAsync(token, 42), Answer(CoreBudget, "120000"));
        var uploaded = await app.UploadAsync(token, 42, filled);
        var id = uploaded.Body.GetProperty("uploadId").GetString()!;

        await app.DeliverAsync(id, 42);
        await app.DeliverAsync(id, 42);
        Assert.Equal(1, (await app.Store.GetAsync(2013, 42))!.Revision);

        // A run that stored the return and died before writing its report: the report still says "processing".
        var name = new Pps.Core.Uploads.UploadName(2013, 42, id);
        var uploads = new Pps.Core.Uploads.UploadStore(app.Storage);
        var (report, etag) = (await uploads.ReadReportAsync(name, default))!.Value;
        await uploads.TryWriteReportAsync(name, report with { Status = Pps.Core.Uploads.UploadStatus.Processing }, etag, default);
        await app.DeliverAsync(id, 42);
        var again = await app.ReportAsync(token, 42, id);
        Assert.Equal("accepted", again.Body.GetProperty("status").GetString());
        Assert.Equal(1, again.Body.GetProperty("storedRevision").GetInt32());
        Assert.Single(await app.Store.HistoryAsync(2013, 42));
    }

    [Fact]
    public async Task An_upload_whose_check_keeps_failing_ends_with_a_failed_report()
    {
        var app = await UploadHarness.StartAsync();
        var token = await app.TokenForAsync(42);
        var uploaded = await app.UploadAsync(token, 42, WorkbookFiller.SetCells(await app.DownloadTemplateAsync(token, 42), Answer(CoreBudget, "1")));
        var id = uploaded.Body.GetProperty("uploadId").GetString()!;
        // The blob is gone (say the storage account lost it): every run throws until the last.
        await app.Storage.Uploads.DeleteBlobAsync(new Pps.Core.Uploads.UploadName(2013, 42, id).BlobName);
        for (var attempt = 1; attempt < Pps.Core.Uploads.WorkbookIntake.MaxAttempts; attempt++)
        {
            await Assert.ThrowsAnyAsync<Exception>(() => app.DeliverAsync(id, 42));
        }
        await app.DeliverAsync(id, 42);
        var report = await app.ReportAsync(token, 42, id);
        Assert.Equal("failed", report.Body.GetProperty("status").GetString());
        Assert.Equal(Pps.Core.Uploads.WorkbookIntake.MaxAttempts, report.Body.GetProperty("attempts").GetInt32());
        await app.DeliverAsync(id, 42); // and a later delivery leaves it so
        Assert.Equal("failed", (await app.ReportAsync(token, 42, id)).Body.GetProperty("status").GetString());
        Assert.Null(await app.Store.GetAsync(2013, 42));
    }

    [Fact]
    public async Task Another_services_credential_cannot_download_upload_or_read_reports()
    {
        var app = await UploadHarness.StartAsync();
        var token = await app.TokenForAsync(42);
        var other = await app.TokenForAsync(43);
        var uploaded = await app.UploadAsync(token, 42, await app.DownloadTemplateAsync(token, 42));
        var id = uploaded.Body.GetProperty("uploadId").GetString()!;
        Assert.Equal(403, (await app.UploadAsync(other, 42, [1, 2, 3])).Status);
        Assert.Equal(403, (await app.ReportAsync(other, 42, id)).Status);
        Assert.Equal(404, (await app.ReportAsync(token, 42, "..%2F..%2Fsecret")).Status);
        Assert.Equal(JsonValueKind.String, uploaded.Body.GetProperty("report").ValueKind);
        Assert.Equal($"/api/workbooks/2013/42/uploads/{id}", uploaded.Body.GetProperty("report").GetString());
    }
}
