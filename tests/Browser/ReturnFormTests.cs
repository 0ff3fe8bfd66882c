using System.Globalization;
using Microsoft.Playwright;
using Pps.Core.Definition;
using Pps.Core.Returns;
using Pps.Synthetic;
using static Pps.Core.Definition.FieldIds;
using static Pps.Tests.Browser.BrowserPages;
using static Pps.Tests.Support.Window2013;

namespace Pps.Tests.Browser;

/// <summary>The return form in Chromium against the devhost: keyboard only, errors, conflicts, free text.</summary>
public class ReturnFormTests
{
    private const string Hostile = "<script>window.__pwned = 1</script><img src=x onerror=\"window.__pwned = 2\"> & \"quotes\"";

    private static string ControlId(string fieldId) => "f-" + string.Concat(fieldId.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_'));

    private static async Task<string?> ActiveFieldAsync(IPage page) =>
        await page.EvaluateAsync<string?>("() => document.activeElement?.closest('[data-field]')?.dataset.field ?? null");

    private static async Task TabToFieldAsync(IPage page, string fieldId, int limit)
    {
        for (var i = 0; i <= limit; i++)
        {
            if (await ActiveFieldAsync(page) == fieldId) return;
            await page.Keyboard.PressAsync("Tab");
        }
        Assert.Fail($"Tab did not reach {fieldId} within {limit} presses (focus is on {await ActiveFieldAsync(page) ?? await page.EvaluateAsync<string>("() => document.activeElement?.outerHTML.slice(0, 300) ?? 'nothing'")}).");
    }

    private static async Task TabToAsync(IPage page, string selector, int limit = 20)
    {
        for (var i = 0; i <= limit; i++)
        {
            if (await page.EvaluateAsync<bool>("s => document.activeElement?.matches(s) ?? false", selector)) return;
            await page.Keyboard.PressAsync("Tab");
        }
        Assert.Fail($"Tab did not reach {selector} within {limit} presses.");
    }

    /// <summary>
    /// Answers every field of the definition with the keyboard alone (Tab, typing, arrows and Space), a section at a time
    /// as the form shows them: into the first from the task list, "Save and continue" to each next one, and from the last
    /// back to the task list. The last section is screenshot filled in, before it is left.
    /// </summary>
    private static async Task FillWithKeyboardAsync(IPage page, IReadOnlyDictionary<string, object> values)
    {
        var sections = BuiltInDefinitions.For(2013).Sections;
        await TabToAsync(page, $"#task-list a[href='#part-{sections[0].Id}']", 60);
        await page.Keyboard.PressAsync("Enter");
        foreach (var (section, index) in sections.Select((s, i) => (s, i)))
        {
            // Each section opens with the focus on its heading, alone on the page.
            await page.WaitForFunctionAsync("id => document.activeElement?.id === id", $"section-{section.Id}");
            Assert.Equal(1, await page.Locator(".pps-return-section:visible").CountAsync());
            foreach (var field in section.Fields)
            {
                await TabToFieldAsync(page, field.Id, 8);
                await AnswerWithKeyboardAsync(page, field, values[field.Id]);
            }
            if (index == sections.Count - 1) await ScreenshotAsync(page, "form-filled", page.Locator($"#part-{section.Id}"));
            await TabToAsync(page, $"#continue-{section.Id}");
            await page.Keyboard.PressAsync("Enter");
        }
        await page.WaitForFunctionAsync("() => document.activeElement?.id === 'task-list'");
    }

    private static async Task AnswerWithKeyboardAsync(IPage page, FieldDefinition field, object value)
    {
        switch (field.Type)
        {
            case FieldType.Rating or FieldType.Choice or FieldType.Boolean:
            {
                var options = field.Type == FieldType.Boolean ? ["true", "false"] : field.Options.Select(o => o.Value).ToList();
                var index = options.IndexOf(value is bool b ? (b ? "true" : "false") : (string)value);
                Assert.True(index >= 0, $"{field.Id}: {value} is not an option");
                if (index == 0) await page.Keyboard.PressAsync("Space");
                for (var i = 0; i < index; i++) await page.Keyboard.PressAsync("ArrowDown");
                break;
            }
            case FieldType.MultiChoice:
            {
                var wanted = ((string[])value).ToHashSet();
                for (var i = 0; i < field.Options.Count; i++)
                {
                    if (wanted.Contains(field.Options[i].Value)) await page.Keyboard.PressAsync("Space");
                    if (i < field.Options.Count - 1) await page.Keyboard.PressAsync("Tab");
                }
                break;
            }
            default:
                await page.Keyboard.TypeAsync(Convert.ToString(value, CultureInfo.InvariantCulture)!);
                break;
        }
    }

    [Fact]
    public async Task A_service_fills_in_and_submits_a_whole_return_with_the_keyboard_alone_confirming_a_warning_with_its_reason()
    {
        await using var pages = await StartAsync();
        await pages.SeedLastYearAsync(42, (CaseworkUsers, "100"), (CoreBudget, "118000"), (Comments, Hostile));
        var token = await pages.TokenForAsync(42);
        var page = await pages.NewPageAsync();

        await SignInAsync(page, "form.html", "token", token);
        Assert.Contains("Suffolk", await page.Locator(".pps-facts").InnerTextAsync());
        // Last year's answer beside its field; last year's free text as text.
        Assert.Contains("100", await page.Locator($"#{ControlId(CaseworkUsers)}-last").InnerTextAsync());
        Assert.Equal($"Last year (2012): {Hostile}", await page.Locator($"#{ControlId(Comments)}-last").InnerTextAsync());
        await AssertAccessibleAsync(page, "the empty form");

        var values = ExampleReturn.Full(2013, caseworkUsers: 400);
        await FillWithKeyboardAsync(page, values);
        Assert.DoesNotContain("Not yet started", await page.Locator("#task-list").InnerTextAsync());
        Assert.Contains("These add up", await page.Locator("#total-time-adds-to-100").InnerTextAsync());
        await TabToAsync(page, "#check-answers");
        await page.Keyboard.PressAsync("Enter");

        // Check your answers: every answer, nothing left to answer, and the casework users (100 to 400) to confirm with a reason.
        await page.Locator("#check-answers-page #warnings").WaitForAsync();
        Assert.Equal("check-answers-title", await page.EvaluateAsync<string>("() => document.activeElement.id"));
        Assert.Equal(0, await page.Locator("#blockers").CountAsync());
        Assert.True(await page.Locator("#return-form").IsHiddenAsync());
        Assert.Contains("Casework service users", await page.Locator("#warnings").InnerTextAsync());
        Assert.Equal(BuiltInDefinitions.For(2013).Fields.Count(), await page.Locator("#check-answers-page .govuk-summary-list__row").CountAsync());
        await AssertAccessibleAsync(page, "check your answers, with a warning to confirm", "#check-answers-page");
        await ScreenshotAsync(page, "form-check-answers", page.Locator("#check-answers-page"));
        await page.FocusAsync("#confirm-0");
        await page.Keyboard.PressAsync("Space");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("A new school outreach worker. " + Hostile);
        await TabToAsync(page, "#submit-return");
        await page.Keyboard.PressAsync("Enter");

        await page.Locator(".govuk-notification-banner--success").WaitForAsync();
        Assert.Contains("Return submitted", await page.Locator(".govuk-notification-banner--success").InnerTextAsync());
        var stored = await pages.StoredAsync(42);
        Assert.Equal(ReturnStatus.Submitted, stored!.Status);
        Assert.Contains("yoy-casework-users", stored.ConfirmedWarnings);
        Assert.Equal(BuiltInDefinitions.For(2013).Fields.Count(), stored.Values.AsDictionary().Count);
        Assert.Equal(400m, stored.Values.Number(CaseworkUsers));
        Assert.Equal(["other", "parent-participation"], stored.Values.Choices(OtherBudgetKinds).Order(StringComparer.Ordinal));

        // Read-only now, saying why, with last year's answers still beside each field; the history shows the
        // submission and the officer's note on the warning, as text.
        Assert.True(await page.Locator($"#{ControlId(CaseworkUsers)}").IsEditableAsync() == false);
        Assert.Equal("Last year (2012): 100 people", await page.Locator($"#{ControlId(CaseworkUsers)}-last").InnerTextAsync());
        Assert.Contains("You submitted this return", await page.Locator(".govuk-notification-banner").Last.InnerTextAsync());
        await page.Locator(".pps-revision__source").First.WaitForAsync();
        Assert.Contains(Hostile, await page.Locator(".pps-revision__source").First.InnerTextAsync());
        Assert.Null(await page.EvaluateAsync<object?>("() => window.__pwned ?? null"));
        Assert.Equal(0, await page.Locator(".pps-revision img, .pps-last-year img").CountAsync());
        await AssertAccessibleAsync(page, "the submitted return", ".pps-messages", ".pps-facts", ".pps-history");
        await ScreenshotAsync(page, "form-submitted", page.Locator(".pps-history"));
    }

    /// <summary>
    /// A draft always saves, whatever rule across fields it breaks; the form shows the running total, the task list each
    /// section's state, the exemplification beside each rating, and check-your-answers what stops the submit. A second
    /// tab of the same browser session needs no second sign-in.
    /// </summary>
    [Fact]
    public async Task A_draft_whose_percentages_do_not_add_up_saves_and_check_your_answers_lists_what_stops_the_submit()
    {
        await using var pages = await StartAsync();
        var token = await pages.TokenForAsync(42);
        var page = await pages.NewPageAsync();
        await SignInAsync(page, "form.html", "token", token);
        Assert.Contains("Not yet started", await page.Locator("#task-list").InnerTextAsync());
        // The form opens on its task list: no question shows until a section is chosen.
        Assert.Equal(0, await page.Locator(".pps-return-section:visible").CountAsync());
        // No field shows a stray "null" where it has no hint or exemplification (Node.append wrote null as text).
        Assert.Equal(0, await page.EvaluateAsync<int>(
            "() => [...document.querySelectorAll('#return-form *')].filter(e => [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim() === 'null')).length"));

        await ShowSectionOfAsync(page, Rating("1a"));
        var exemplification = page.Locator($"#{ControlId(Rating("1a"))}-exemplification");
        await exemplification.Locator("summary").ClickAsync();
        Assert.Contains("Best practice", await exemplification.InnerTextAsync());
        Assert.Contains("offer all parents who request it access to independent parental supporters", await exemplification.InnerTextAsync());
        await page.CheckAsync($"#{ControlId(Rating("1a"))}");
        await ShowSectionOfAsync(page, TimeCasework);
        string[] percentages = ["50", "10", "10", "10", "5", "5"];
        foreach (var (id, value) in TimeCategories.Zip(percentages)) await page.FillAsync($"#{ControlId(id)}", value);
        Assert.Contains("Running total: 90% of 100%", await page.Locator("#total-time-adds-to-100").InnerTextAsync());
        // "Save and continue" saves the draft that does not add up, and moves on.
        await page.ClickAsync($"#continue-{SectionOf(TimeCasework)}");
        await page.Locator(".pps-save-status", new() { HasTextString = "Draft saved" }).WaitForAsync();
        Assert.Equal(50m, (await pages.StoredAsync(42))!.Values.Number(TimeCasework));
        await ShowTaskListAsync(page);
        Assert.Contains("In progress", await page.Locator("a[href='#part-A']").Locator("xpath=../..").InnerTextAsync());

        await page.ClickAsync("#check-answers");
        await page.Locator("#blockers").WaitForAsync();
        var blockers = await page.Locator("#blockers").InnerTextAsync();
        Assert.Contains("add up to 90", blockers);
        Assert.Contains("Questions to answer before you submit (33)", blockers);
        Assert.DoesNotContain("1a Access to Independent Parental Supporters", blockers);
        Assert.Contains("1b Monitoring and supervision", blockers);
        Assert.Equal(0, await page.Locator("#submit-return").CountAsync());
        await AssertAccessibleAsync(page, "check your answers with what stops the submit", "#check-answers-page");
        await ScreenshotAsync(page, "form-check-answers-blocked", page.Locator("#blockers"));

        // "Change" goes back to the question, focused.
        await page.Locator("#blockers a", new() { HasTextString = "1b Monitoring" }).ClickAsync();
        Assert.Equal(ControlId(Rating("1b")), await page.EvaluateAsync<string>("() => document.activeElement.id"));
        Assert.True(await page.Locator("#check-answers-page").IsHiddenAsync());

        // A new tab of this browser session is signed in already.
        var second = await page.Context.NewPageAsync();
        await OpenAsync(second, "form.html");
        await second.Locator(".pps-facts").WaitForAsync();
        Assert.Equal(0, await second.Locator("#token").CountAsync());
        await ShowTaskListAsync(page);
        await ScreenshotAsync(page, "form-task-list", page.Locator("#task-list"));
    }

    [Fact]
    public async Task A_value_out_of_range_shows_its_message_beside_the_field_and_in_the_summary_and_nothing_is_saved()
    {
        await using var pages = await StartAsync();
        var page = await pages.NewPageAsync();
        await SignInAsync(page, "form.html", "token", await pages.TokenForAsync(7));

        await ShowSectionOfAsync(page, UpperAge);
        await page.FillAsync($"#{ControlId(UpperAge)}", "40");
        await ShowSectionOfAsync(page, CaseworkUsers);
        await page.FillAsync($"#{ControlId(CaseworkUsers)}", "250");
        await page.ClickAsync($"#continue-{SectionOf(CaseworkUsers)}");

        // Refused: the section stays, and the summary names the answer in the other section.
        var summary = page.Locator(".govuk-error-summary");
        await summary.WaitForAsync();
        Assert.True(await page.Locator($"#part-{SectionOf(CaseworkUsers)}").IsVisibleAsync());
        var link = summary.Locator($"a[href='#{ControlId(UpperAge)}']");
        Assert.Contains("Highest age covered", await link.InnerTextAsync());
        Assert.True(await page.EvaluateAsync<bool>("() => document.activeElement?.classList.contains('govuk-error-summary')"));
        Assert.Null(await pages.StoredAsync(7));

        // The summary's link takes the keyboard to the field, opening its section; the message is beside it.
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Enter");
        Assert.Equal(ControlId(UpperAge), await page.EvaluateAsync<string>("() => document.activeElement.id"));
        var beside = page.Locator($"#{ControlId(UpperAge)}-error");
        Assert.True(await beside.IsVisibleAsync());
        Assert.Equal(await link.InnerTextAsync(), (await beside.InnerTextAsync()).Replace("Error:", "").Trim());
        Assert.Contains("govuk-form-group--error", await page.Locator($"#{ControlId(UpperAge)}-group").GetAttributeAsync("class"));
        Assert.Contains($"{ControlId(UpperAge)}-error", await page.Locator($"#{ControlId(UpperAge)}").GetAttributeAsync("aria-describedby"));
        await AssertAccessibleAsync(page, "the form with an error");
        await ScreenshotAsync(page, "form-error", page.Locator($"#{ControlId(UpperAge)}-group"));

        // Correcting it saves.
        await page.FillAsync($"#{ControlId(UpperAge)}", "19");
        await page.ClickAsync($"#continue-{SectionOf(UpperAge)}");
        await page.Locator(".pps-save-status", new() { HasTextString = "Draft saved" }).WaitForAsync();
        Assert.Equal(0, await page.Locator(".govuk-error-summary").CountAsync());
        Assert.Equal(19m, (await pages.StoredAsync(7))!.Values.Number(UpperAge));
    }

    [Fact]
    public async Task Two_tabs_editing_one_return_the_second_save_shows_both_versions_and_loses_nothing()
    {
        await using var pages = await StartAsync();
        var token = await pages.TokenForAsync(9);
        var first = await pages.NewPageAsync();
        var second = await pages.NewPageAsync();
        await SignInAsync(first, "form.html", "token", token);
        await SignInAsync(second, "form.html", "token", token);

        await ShowSectionOfAsync(first, CaseworkUsers);
        await first.FillAsync($"#{ControlId(CaseworkUsers)}", "120");
        await ShowSectionOfAsync(first, Comments);
        await first.FillAsync($"#{ControlId(Comments)}", "Typed in the first tab");
        await ShowTaskListAsync(first);
        await first.ClickAsync("#save-draft");
        await first.Locator(".pps-save-status", new() { HasTextString = "Draft saved" }).WaitForAsync();

        await ShowSectionOfAsync(second, CoreBudget);
        await second.FillAsync($"#{ControlId(CoreBudget)}", "95000");
        await ShowSectionOfAsync(second, Comments);
        await second.FillAsync($"#{ControlId(Comments)}", "Typed in the second tab " + Hostile);
        await ShowTaskListAsync(second);
        await second.ClickAsync("#save-draft");

        var conflict = second.Locator("#conflict");
        await conflict.WaitForAsync();
        var text = await conflict.InnerTextAsync();
        Assert.Contains("Typed in the first tab", text);
        Assert.Contains("Typed in the second tab " + Hostile, text);
        Assert.Contains("Parent/carer casework service users", text);
        Assert.Contains("Core PPS budget", text);
        Assert.Null(await second.EvaluateAsync<object?>("() => window.__pwned ?? null"));
        // Nothing stored was overwritten by the stale save.
        var between = await pages.StoredAsync(9);
        Assert.Equal(120m, between!.Values.Number(CaseworkUsers));
        Assert.Null(between.Values.Number(CoreBudget));
        await AssertAccessibleAsync(second, "the conflict", "#conflict", ".pps-messages");
        await ScreenshotAsync(second, "form-conflict", conflict);

        // Defaults: casework users only changed in the first tab → theirs; budget and comment → mine.
        await second.ClickAsync("#resolve-conflict");
        await second.Locator(".pps-save-status", new() { HasTextString = "Draft saved" }).WaitForAsync();
        var stored = await pages.StoredAsync(9);
        Assert.Equal(120m, stored!.Values.Number(CaseworkUsers));
        Assert.Equal(95000m, stored.Values.Number(CoreBudget));
        Assert.Equal("Typed in the second tab " + Hostile, stored.Values.Text(Comments));
        Assert.Equal(2, stored.Revision);
        Assert.Equal("120", await second.InputValueAsync($"#{ControlId(CaseworkUsers)}"));
    }

    [Fact]
    public async Task After_the_close_the_form_is_read_only_and_says_why()
    {
        await using var pages = await StartAsync();
        var token = await pages.TokenForAsync(11);
        pages.Host.Clock.Now = Closes.AddDays(1);
        var page = await pages.NewPageAsync();
        await SignInAsync(page, "form.html", "token", token);
        Assert.Contains("closed on 31 October 2013", await page.Locator(".govuk-notification-banner").InnerTextAsync());
        Assert.False(await page.Locator($"#{ControlId(CaseworkUsers)}").IsEditableAsync());
        Assert.False(await page.Locator("#save-draft").IsVisibleAsync());
        await AssertAccessibleAsync(page, "the closed form");
        await ScreenshotAsync(page, "form-closed");
    }

    [Fact]
    public async Task A_wrong_token_is_refused_in_words_and_the_sign_in_page_is_accessible()
    {
        await using var pages = await StartAsync();
        var page = await pages.NewPageAsync();
        await OpenAsync(page, "form.html");
        await AssertAccessibleAsync(page, "the sign-in page");
        await ScreenshotAsync(page, "form-sign-in");
        await page.FillAsync("#token", "pps_0123456789abcdef_wrong");
        await page.Keyboard.PressAsync("Enter");
        await page.Locator(".govuk-error-summary").WaitForAsync();
        Assert.Contains("not known or has been revoked", await page.Locator(".govuk-error-summary").InnerTextAsync());
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('pps.form.token')"));
        await AssertAccessibleAsync(page, "the sign-in page with an error");
    }

    [Fact]
    public async Task A_service_downloads_the_workbook_uploads_it_and_sees_each_problem_with_its_sheet_and_cell()
    {
        await using var pages = await StartAsync();
        var page = await pages.NewPageAsync();
        await SignInAsync(page, "form.html", "token", await pages.TokenForAsync(24));

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#download-workbook"));
        Assert.EndsWith(".xlsx", download.SuggestedFilename);
        var template = await File.ReadAllBytesAsync((await download.PathAsync())!);
        var layout = Pps.Core.Uploads.Workbook.WorkbookLayout.For(BuiltInDefinitions.For(2013));
        var age = layout.CellsOf(UpperAge)[0];
        var users = layout.CellsOf(CaseworkUsers)[0];
        var bad = WorkbookFiller.SetCells(template, (age.Sheet, age.Reference, 40), (users.Sheet, users.Reference, 250));

        await page.SetInputFilesAsync("#workbook-file", new FilePayload { Name = "our-return.xlsx", MimeType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Buffer = bad });
        await page.ClickAsync("#upload-workbook");
        var report = page.Locator(".pps-report");
        await report.WaitForAsync(new() { Timeout = 60_000 });
        var text = await report.InnerTextAsync();
        Assert.Contains($"{age.Sheet}\t{age.Reference}\tHighest age covered", text);
        Assert.Null(await pages.StoredAsync(24));
        await AssertAccessibleAsync(page, "the workbook's report", ".pps-workbook");
        await ScreenshotAsync(page, "form-workbook", page.Locator(".pps-workbook"));

        var good = WorkbookFiller.SetCells(template, (age.Sheet, age.Reference, 19), (users.Sheet, users.Reference, 250));
        await page.SetInputFilesAsync("#workbook-file", new FilePayload { Name = "our-return.xlsx", MimeType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Buffer = good });
        await page.ClickAsync("#upload-workbook");
        await page.Locator(".govuk-notification-banner--success", new() { HasTextString = "our-return.xlsx was accepted" }).WaitForAsync(new() { Timeout = 60_000 });
        Assert.Equal(250m, (await pages.StoredAsync(24))!.Values.Number(CaseworkUsers));
        Assert.Equal("250", await page.InputValueAsync($"#{ControlId(CaseworkUsers)}"));
        // The task list already shows the section the workbook answered as started (it used to wait for a reload).
        Assert.DoesNotContain("Not yet started", await page.Locator($"#task-list a[href='#part-{SectionOf(CaseworkUsers)}']").Locator("xpath=../..").InnerTextAsync());
    }
}
