using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Pps.Core.Catalogue;
using Pps.Core.Definition;
using Pps.Core.Returns;
using Pps.Core.Storage;
using Pps.Synthetic;
using Pps.Tests.Support;
using static Pps.Core.Definition.FieldIds;
using static Pps.Tests.Browser.BrowserPages;

namespace Pps.Tests.Browser;

/// <summary>NPPN's console in Chromium against the devhost: a year from opening to publication.</summary>
public class ConsoleTests
{
    private const string Hostile = "<script>window.__pwned = 1</script><img src=x onerror=\"window.__pwned = 2\">";

    private static async Task<HttpResponseMessage> SendAsync(BrowserPages pages, HttpMethod method, string path, string token, object? body = null, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        if (body is not null) request.Content = JsonContent.Create(body);
        return await pages.Host.Client.SendAsync(request);
    }

    private static async Task SucceedsAsync(IPage page, string text)
    {
        var banner = page.Locator(".govuk-notification-banner--success", new() { HasTextString = text });
        await banner.WaitForAsync();
    }

    [Fact]
    public async Task NPPN_opens_a_year_issues_a_credential_grants_an_extension_closes_and_publishes_and_the_dashboard_shows_it()
    {
        await using var pages = await StartAsync(openYear: false);
        var page = await pages.NewPageAsync();
        var failures = new List<string>();
        page.Response += (_, response) => { if (response.Status >= 400) failures.Add($"{response.Status} {response.Request.Method} {response.Url}"); };
        await OpenAsync(page, "console.html");
        await AssertAccessibleAsync(page, "the console's sign-in");
        await SignInAsync(page, "console.html", "admin-token", DevHostFixture.AdminToken);

        // Open 2013 (times are the browser's, Europe/London).
        await page.FillAsync("#window-year", "2013");
        await page.FillAsync("#window-opens", "2013-09-01T00:00");
        await page.FillAsync("#window-closes", "2013-10-31T17:00");
        await page.ClickAsync("#window-save");
        await SucceedsAsync(page, "2013: dates saved");
        var year = (await pages.Host.Services.GetRequiredService<CollectionYearStore>().GetAsync(2013))!.Value.Year;
        // 31 October 2013 is after the clocks went back: 17:00 in London is 17:00 UTC.
        Assert.Equal(new DateTimeOffset(2013, 10, 31, 17, 0, 0, TimeSpan.Zero), year.Closes);
        await AssertAccessibleAsync(page, "the console with an open year");

        // Issue a credential: the token is shown once, and works.
        await page.FillAsync("#credential-service", "42");
        await page.FillAsync("#credential-label", "Officer " + Hostile);
        await page.ClickAsync("#issue-credential");
        await SucceedsAsync(page, "Credential issued to service 42");
        var token = (await page.InnerTextAsync("#issued-token")).Trim();
        Assert.StartsWith("pps_", token);
        Assert.Contains("Officer " + Hostile, await page.Locator("#credentials table").InnerTextAsync());
        await ScreenshotAsync(page, "console-credential", page.Locator("#credentials"));

        // The service returns (through the API), with free text that must stay text.
        var values = ExampleReturn.Full(2013, comment: "Our year " + Hostile);
        var saved = await SendAsync(pages, HttpMethod.Put, "api/returns/2013/42", token, new { values });
        Assert.Equal(200, (int)saved.StatusCode);
        var submitted = await SendAsync(pages, HttpMethod.Post, "api/returns/2013/42/submit", token, null, saved.Headers.ETag!.ToString());
        Assert.Equal(200, (int)submitted.StatusCode);

        // Grant an extension to 43 and one to 44, then withdraw 44's.
        foreach (var id in new[] { "43", "44" })
        {
            await page.FillAsync("#extension-service", id);
            await page.FillAsync("#extension-until", "2013-11-08T12:00");
            await page.ClickAsync("#grant-extension");
            await SucceedsAsync(page, $"Service {id} may return until 8 November 2013");
        }
        await page.ClickAsync("button[aria-label=\"Withdraw service 44's extension\"]");
        await SucceedsAsync(page, "Service 44's extension withdrawn");
        year = (await pages.Host.Services.GetRequiredService<CollectionYearStore>().GetAsync(2013))!.Value.Year;
        Assert.Equal([43], year.Extensions.Keys);

        // Completeness: 42 has returned; the CSV for chasing lists the others and not 42; sortable.
        await page.ClickAsync("form.pps-inline-form button:has-text('Show year')");
        await page.Locator("#services-table tr[data-state=submitted]").WaitForAsync();
        Assert.Contains("1 Returned", await page.Locator(".pps-counts").InnerTextAsync());
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#not-returned-csv"));
        Assert.Equal("not-returned-2013.csv", download.SuggestedFilename);
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
        var lines = csv.Split("\r\n");
        Assert.Equal("service_id,name,region,state,last_saved,closes", lines[0]);
        Assert.DoesNotContain(lines, l => l.StartsWith("42,", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("43,", StringComparison.Ordinal) && l.Contains("2013-11-08", StringComparison.Ordinal));
        // Plain status words, not the API's codes.
        Assert.Contains(lines, l => l.Contains(",Not started,", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("not-started", StringComparison.Ordinal));
        await page.ClickAsync("button.pps-sort[data-sort=state]");
        Assert.Equal("ascending", await page.GetAttributeAsync("th:has(button[data-sort=state])", "aria-sort"));
        await page.ClickAsync("button.pps-sort[data-sort=state]");
        Assert.Equal("descending", await page.GetAttributeAsync("th:has(button[data-sort=state])", "aria-sort"));
        await AssertAccessibleAsync(page, "the console's completeness", "#completeness", "#extensions");
        await ScreenshotAsync(page, "console-completeness", page.Locator("#completeness"));

        // A service's return: its free text as text; reopen it with a reason, which the history keeps as text.
        await page.ClickAsync("button[data-service='42']");
        var comment = page.Locator($".pps-answer[data-field='{Comments}']");
        await comment.WaitForAsync();
        Assert.Equal("Our year " + Hostile, await comment.InnerTextAsync());
        await page.FillAsync("#reopen-reason", "Budget queried by phone " + Hostile);
        await page.ClickAsync("#reopen");
        await SucceedsAsync(page, "Service 42's return is a draft again");
        Assert.Contains("Budget queried by phone " + Hostile, await page.Locator("#return .pps-revision__reason").First.InnerTextAsync());
        Assert.Equal(0, await page.Locator("#return img, #credentials img").CountAsync());
        Assert.Null(await page.EvaluateAsync<object?>("() => window.__pwned ?? null"));
        Assert.Equal(ReturnStatus.Draft, (await pages.Host.Services.GetRequiredService<ReturnStore>().GetAsync(2013, 42))!.Status);
        await AssertAccessibleAsync(page, "a service's return in the console", "#return");
        await ScreenshotAsync(page, "console-return", page.Locator("#return"));
        var again = await SendAsync(pages, HttpMethod.Get, "api/returns/2013/42", token);
        Assert.Equal(200, (int)(await SendAsync(pages, HttpMethod.Post, "api/returns/2013/42/submit", token, null, again.Headers.ETag!.ToString())).StatusCode);

        // A provisional recompute, looked at before anyone else can see it.
        await page.ClickAsync("#recompute");
        await SucceedsAsync(page, "Provisional version");
        await page.Locator("#publishing .pps-figure").WaitForAsync();
        Assert.Contains("provisional", await page.InnerTextAsync("#version-title"));
        await AssertAccessibleAsync(page, "a provisional version in the console", "#publishing");
        await ScreenshotAsync(page, "console-provisional", page.Locator("#publishing"));
        Assert.Equal(404, (int)(await pages.Host.Site.GetAsync("data/index.json")).StatusCode);

        // Close: 44 has left a draft; the closing date moves before now; 43's extension still runs.
        var draftToken = await pages.Host.TokenForAsync(44);
        Assert.Equal(200, (int)(await SendAsync(pages, HttpMethod.Put, "api/returns/2013/44", draftToken, new { values = ExampleReturn.Full(2013) })).StatusCode);
        await page.FillAsync("#window-closes", "2013-09-15T09:00");
        await page.ClickAsync("#window-save");
        await SucceedsAsync(page, "2013: dates saved");

        // "Close and publish" asks first: the returns that count, the draft left out and the extension it ends, by name.
        await page.ClickAsync("#close-and-publish");
        var confirm = page.Locator("#close-confirm");
        await confirm.WaitForAsync();
        Assert.Equal("1", (await page.InnerTextAsync("#close-counted")).Trim());
        Assert.Contains(ServiceCatalogue.BuiltIn.Find(44)!.Name, await page.InnerTextAsync("#close-drafts"));
        var extensionsText = await page.InnerTextAsync("#close-extensions");
        Assert.Contains(ServiceCatalogue.BuiltIn.Find(43)!.Name, extensionsText);
        // Until the day the extension runs to, within the year's bound on extensions now the closing date has moved.
        var closing = (await pages.Host.Services.GetRequiredService<CollectionYearStore>().GetAsync(2013))!.Value.Year;
        Assert.Contains(closing.ClosesFor(43).ToString("d MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture), extensionsText);
        Assert.Contains("Closing now ends 1 extension", await confirm.InnerTextAsync());
        await AssertAccessibleAsync(page, "the close's confirmation", "#window");
        await ScreenshotAsync(page, "console-close-confirm", confirm);
        // Cancel does nothing.
        await page.ClickAsync("#cancel-close");
        Assert.Equal(0, await confirm.CountAsync());
        Assert.Null((await pages.Host.Services.GetRequiredService<CollectionYearStore>().GetAsync(2013))!.Value.Year.ClosedAt);

        // Confirmed: progress while it runs (the answer is held back until the progress has been seen), then the outcome.
        var progressSeen = new TaskCompletionSource();
        await page.RouteAsync("**/api/years/2013/close", async route =>
        {
            if (route.Request.Method == "POST") await progressSeen.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await route.ContinueAsync();
        });
        await page.ClickAsync("#close-and-publish");
        await page.ClickAsync("#confirm-close");
        await page.Locator("#close-progress").WaitForAsync();
        Assert.Contains("Closing 2013", await page.InnerTextAsync("#close-progress"));
        Assert.True(await page.IsDisabledAsync("#confirm-close"));
        progressSeen.SetResult();
        await SucceedsAsync(page, "2013 closed and published");
        var published = (await pages.Host.Services.GetRequiredService<CollectionYearStore>().GetAsync(2013))!.Value.Year;
        Assert.NotNull(published.PublishedVersion);
        Assert.Contains($"Version {published.PublishedVersion} is published from 1 return", await page.InnerTextAsync("#close-outcome"));
        Assert.Contains(ServiceCatalogue.BuiltIn.Find(44)!.Name, await page.InnerTextAsync("#close-outcome-drafts"));
        Assert.Contains(ServiceCatalogue.BuiltIn.Find(43)!.Name, await page.InnerTextAsync("#close-outcome-extensions"));
        // The year says whose extension the close ended, and the year was never held back by it.
        Assert.Equal([43], published.EndedExtensions.Select(e => e.ServiceId));
        Assert.Empty(published.Extensions);
        Assert.Contains($"{published.PublishedVersion}", await page.Locator("#publishing table").InnerTextAsync());
        Assert.Contains("Extensions ended by the close", await page.InnerTextAsync("#window"));
        await AssertAccessibleAsync(page, "the console after publication", "#window", "#publishing");
        // Nothing more to close: the action is not offered.
        Assert.Equal(0, await page.Locator("#close-and-publish").CountAsync());
        // A published year's returns can no longer change: no extension or reopening is offered.
        Assert.Equal(0, await page.Locator("#grant-extension").CountAsync());
        Assert.Contains("no extension can be granted", await page.Locator("#extensions").InnerTextAsync());
        await ScreenshotAsync(page, "console-published", page.Locator("#window"));

        // 43's return history says its extension was ended by the close, and until when it had run (issue 23).
        await page.FillAsync("#return-service", "43");
        await page.ClickAsync("#show-return");
        var ending = page.Locator("#return .pps-history-event");
        await ending.WaitForAsync();
        var endingText = await ending.InnerTextAsync();
        Assert.Contains("Extension ended by the close", endingText);
        Assert.Contains(published.EndedExtensions[0].Until.ToString("d MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture), endingText);

        // No call of the console's failed on the way (a refusal would have shown as a problem, not a success).
        Assert.True(failures.Count == 0, string.Join("\n", failures));

        await OpenAsync(page, "index.html");
        Assert.Contains($"version {published.PublishedVersion}", await page.InnerTextAsync("main"));
        await ScreenshotAsync(page, "console-dashboard");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task NPPN_writes_the_years_narrative_previews_it_and_the_published_report_shows_it_in_its_section()
    {
        await using var pages = await StartAsync();
        var page = await pages.NewPageAsync();
        await SignInAsync(page, "console.html?year=2013", "admin-token", DevHostFixture.AdminToken);
        var budget = page.Locator("#narrative-budget");
        await budget.WaitForAsync();
        const string written = "## In brief\n\nThe total budget **fell** by about 2%, as *most* services reported.\n\n- 20 services report a decrease\n- 29 report an increase\n\nSee [NPPN](https://www.parentpartnership.org.uk).";

        // The preview renders the Markdown as the report will, and any HTML as the characters typed.
        const string hostile = "<script>window.pwned = 1</script><img src=x onerror=\"window.pwned = 2\">";
        await budget.FillAsync(written + "\n\n" + hostile);
        await page.ClickAsync("#narrative-preview-button");
        var preview = page.Locator("#narrative-preview [data-preview='budget']");
        await preview.WaitForAsync();
        Assert.Equal("In brief", await preview.Locator("h5").InnerTextAsync());
        Assert.Equal("fell", await preview.Locator("strong").InnerTextAsync());
        Assert.Equal("most", await preview.Locator("em").InnerTextAsync());
        Assert.Equal(2, await preview.Locator("li").CountAsync());
        Assert.Contains(hostile, await preview.InnerTextAsync());
        Assert.Equal(0, await page.Locator("#narrative img, #narrative-preview script").CountAsync());
        Assert.Null(await page.EvaluateAsync<object?>("() => window.pwned ?? null"));
        await AssertAccessibleAsync(page, "the narrative and its preview", "#narrative");
        await ScreenshotAsync(page, "console-narrative-preview", page.Locator("#narrative-preview"));

        // Saving refuses the HTML, naming the place, and stores nothing.
        await page.ClickAsync("#narrative-save");
        var summary = page.Locator("#narrative .govuk-error-summary");
        await summary.WaitForAsync();
        Assert.Contains("Service budget: write Markdown, not HTML", await summary.InnerTextAsync());
        Assert.Equal("#narrative-budget", await summary.Locator("a").First.GetAttributeAsync("href"));
        Assert.Contains("write Markdown, not HTML", await page.Locator("[data-place='budget'] .govuk-error-message").InnerTextAsync());
        Assert.Null(await pages.Host.Services.GetRequiredService<NarrativeStore>().ReadAsync(2013));
        await AssertAccessibleAsync(page, "the narrative refused", "#narrative");

        await budget.FillAsync(written + "\n\nFewer than 1 in 5 services (< 20%) cut staff.");
        await page.ClickAsync("#narrative-save");
        await SucceedsAsync(page, "Narrative saved");

        // A service returns; NPPN closes the year and publishes; the report shows the text in the budget section.
        var token = await pages.Host.TokenForAsync(42);
        var saved = await SendAsync(pages, HttpMethod.Put, "api/returns/2013/42", token, new { values = ExampleReturn.Full(2013) });
        Assert.Equal(200, (int)saved.StatusCode);
        Assert.Equal(200, (int)(await SendAsync(pages, HttpMethod.Post, "api/returns/2013/42/submit", token, null, saved.Headers.ETag!.ToString())).StatusCode);
        await page.FillAsync("#window-closes", "2013-09-15T09:00");
        await page.ClickAsync("#window-save");
        await SucceedsAsync(page, "2013: dates saved");
        await page.ClickAsync("#close-and-publish");
        await page.ClickAsync("#confirm-close");
        await SucceedsAsync(page, "2013 closed and published");

        await OpenAsync(page, "report.html?year=2013");
        var section = page.Locator("#report-budget [data-text='narrative:budget']");
        Assert.Equal("In brief", await section.Locator("h4").InnerTextAsync());
        Assert.Equal("fell", await section.Locator("strong").InnerTextAsync());
        Assert.Equal(["20 services report a decrease", "29 report an increase"], await section.Locator("li").AllInnerTextsAsync());
        Assert.Contains("Fewer than 1 in 5 services (< 20%) cut staff.", await section.InnerTextAsync());
        Assert.Equal("https://www.parentpartnership.org.uk", await section.Locator("a").GetAttributeAsync("href"));
        // Before the section's figures, after its heading.
        Assert.True(await page.EvaluateAsync<bool>("() => { const s = document.querySelector('#report-budget'); const t = s.querySelector('[data-text=\"narrative:budget\"]'); const f = s.querySelector('.pps-figure'); return !!f && !!(t.compareDocumentPosition(f) & Node.DOCUMENT_POSITION_FOLLOWING); }"));
        await ScreenshotAsync(page, "report-narrative-budget", section);
    }

    [Fact]
    public async Task NPPN_opens_2014_from_the_2013_definition_changing_its_words_and_what_a_return_needs_previewed_as_the_form()
    {
        await using var pages = await StartAsync();
        var page = await pages.NewPageAsync();
        await SignInAsync(page, "console.html", "admin-token", DevHostFixture.AdminToken);
        var catalog = pages.Host.Services.GetRequiredService<IDefinitionCatalog>();

        await page.ClickAsync("#next-year-start");
        await page.Locator("#next-year-editor").WaitForAsync();
        Assert.Equal("2014", await page.InputValueAsync("#def-year"));
        await page.FillAsync("#def-opens", "2014-09-01T09:00");
        await page.FillAsync("#def-closes", "2014-10-31T17:00");

        // A question left without a label: the API's check names it, linked to its box, and nothing is published.
        var completedBy = page.Locator("[data-field='assessment.completedBy']");
        await page.ClickAsync("#def-s0 summary");
        await completedBy.Locator("input.govuk-input").FillAsync("");
        await page.ClickAsync("#def-check");
        var summary = page.Locator(".govuk-error-summary");
        await summary.WaitForAsync();
        Assert.Contains("Question assessment.completedBy (label)", await summary.InnerTextAsync());
        var link = summary.Locator("a").First;
        var target = (await link.GetAttributeAsync("href"))!;
        Assert.Equal("#" + await completedBy.Locator("input.govuk-input").GetAttributeAsync("id"), target);
        Assert.Null(await catalog.FindAsync(2014));

        // New words for one question and its help; rating 1a no longer needed for a submitted return.
        await completedBy.Locator("input.govuk-input").FillAsync("Who completed the 2014 self-assessment");
        await completedBy.Locator("textarea").FillAsync("Name every group that took part.");
        var rating = page.Locator($"[data-field='{Rating("1a")}']");
        Assert.True(await rating.Locator("input[type=checkbox]").IsCheckedAsync());
        await rating.Locator("input[type=checkbox]").UncheckAsync();
        await page.ClickAsync("#def-check");

        // The preview is the form as services will see it, drawn from what the API checked.
        var preview = page.Locator("#def-preview");
        await preview.Locator(".pps-return").WaitForAsync();
        Assert.Contains("Who completed the 2014 self-assessment", await preview.InnerTextAsync());
        Assert.Contains("Name every group that took part.", await preview.InnerTextAsync());
        await AssertAccessibleAsync(page, "the next year's definition with its preview", "#window");
        await ScreenshotAsync(page, "console-next-year", page.Locator("#next-year-editor"));

        await page.ClickAsync("#def-publish");
        await SucceedsAsync(page, "2014 is open");
        var definition = (await catalog.FindAsync(2014))!;
        Assert.Equal(1, definition.Version);
        Assert.Equal("Who completed the 2014 self-assessment", definition.Field(CompletedBy).Label);
        Assert.False(definition.Field(Rating("1a")).RequiredForSubmission);
        Assert.True(definition.Field(Rating("1b")).RequiredForSubmission);
        var opened = (await pages.Host.Services.GetRequiredService<CollectionYearStore>().GetAsync(2014))!.Value.Year;
        // Times are the browser's, Europe/London: 9:00 on 1 September is 8:00 UTC (summer time).
        Assert.Equal(new DateTimeOffset(2014, 9, 1, 8, 0, 0, TimeSpan.Zero), opened.Opens);
        Assert.Equal(new DateTimeOffset(2014, 10, 31, 17, 0, 0, TimeSpan.Zero), opened.Closes);
        Assert.Equal("2014", await page.InputValueAsync("#console-year"));
    }

    [Fact]
    public async Task NPPN_staff_sign_in_as_themselves_once_the_admin_token_has_set_up_the_first()
    {
        await using var pages = await StartAsync();
        var page = await pages.NewPageAsync();
        await SignInAsync(page, "console.html", "admin-token", DevHostFixture.AdminToken);
        Assert.Contains("configured admin token", await page.InnerTextAsync("#signed-in-as"));

        // The admin token issues the first member of staff a credential (a name that must stay text).
        await page.FillAsync("#staff-name", "Jane Smith " + Hostile);
        await page.ClickAsync("#issue-staff");
        await SucceedsAsync(page, "Credential issued to Jane Smith");
        var janeToken = (await page.InnerTextAsync("#issued-staff-token")).Trim();
        Assert.StartsWith("ppsn_", janeToken);
        await AssertAccessibleAsync(page, "the console's staff", "#staff");

        // From now on the admin token no longer signs in; Jane does, as herself.
        await page.ClickAsync(".pps-sign-out");
        await page.FocusAsync("#admin-token");
        await page.Keyboard.TypeAsync(DevHostFixture.AdminToken);
        await page.Keyboard.PressAsync("Enter");
        await page.Locator(".govuk-error-summary", new() { HasTextString = "sign in with your own" }).WaitForAsync();
        await SignInAsync(page, "console.html", "admin-token", janeToken);
        Assert.Contains("Signed in as Jane Smith " + Hostile, await page.InnerTextAsync("#signed-in-as"));

        // Jane issues Raj a credential and revokes it; her own is not offered for revoking.
        await page.FillAsync("#staff-name", "Raj Patel");
        await page.ClickAsync("#issue-staff");
        await SucceedsAsync(page, "Credential issued to Raj Patel");
        await page.ClickAsync("button[aria-label=\"Revoke Raj Patel's credential\"]");
        await SucceedsAsync(page, "Raj Patel's credential revoked");
        var rows = await page.Locator("#staff table").InnerTextAsync();
        Assert.Contains("by Jane Smith " + Hostile, rows); // the person, not the audit's "nppn:" form
        Assert.DoesNotContain("nppn:", rows);
        Assert.Contains("NPPN (admin token)", rows); // Jane's own credential was issued with the bootstrap token
        Assert.Equal(0, await page.Locator("button[aria-label^=\"Revoke Jane Smith\"]").CountAsync());
        Assert.Equal(0, await page.Locator("#staff img").CountAsync());
        Assert.Null(await page.EvaluateAsync<object?>("() => window.__pwned ?? null"));
        var staff = await pages.Host.Services.GetRequiredService<StaffCredentialStore>().ListAsync();
        Assert.Equal("nppn:Jane Smith " + Hostile, staff.Single(c => c.Name == "Raj Patel").RevokedBy);
        await ScreenshotAsync(page, "console-staff", page.Locator("#staff"));
    }

    [Fact]
    public async Task NPPN_imports_reference_data_returns_and_neighbours_seeing_every_bad_row_and_what_each_file_would_change_first()
    {
        await using var pages = await StartAsync();
        var page = await pages.NewPageAsync();
        await SignInAsync(page, "console.html", "admin-token", DevHostFixture.AdminToken);

        await page.SetInputFilesAsync("#import-reference", new FilePayload
        {
            Name = "reference.csv", MimeType = "text/csv",
            Buffer = "service_id,year,region,population_0_19,sen_pupils,fsm_pupils\n1,2013,London,10,1,1\n999,2013,London,1,1,1\n2,2013,Atlantis,1,1,1\n"u8.ToArray(),
        });
        await page.ClickAsync("#import-reference-submit");
        var problems = page.Locator("#imports table");
        await problems.WaitForAsync();
        var text = await problems.InnerTextAsync();
        Assert.Contains("3\tservice_id", text);
        Assert.Contains("4\tregion", text);
        Assert.Empty((await pages.Host.Services.GetRequiredService<ReferenceDataStore>().LoadAsync()).Rows);
        await AssertAccessibleAsync(page, "a refused import", "#imports");
        await ScreenshotAsync(page, "console-import", page.Locator("#imports"));

        // Returns: a preview of what the file would change, then the load of exactly that file.
        var token = await pages.Host.TokenForAsync(42);
        Assert.Equal(200, (int)(await SendAsync(pages, HttpMethod.Put, "api/returns/2013/42", token, new { values = ExampleReturn.Full(2013) })).StatusCode);
        await page.CheckAsync("#import-returns-merge");
        await page.SetInputFilesAsync("#import-returns", new FilePayload
        {
            Name = "late.csv", MimeType = "text/csv", Buffer = System.Text.Encoding.UTF8.GetBytes("service_id,comments.text\n42,\"Checked by NPPN " + Hostile.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"\n43,Hello\n"),
        });
        await page.ClickAsync("#import-returns-preview");
        var preview = page.Locator("#returns-import-preview");
        await preview.Locator("table").WaitForAsync();
        Assert.Contains("1 new, 1 changed, 0 unchanged", await page.InnerTextAsync("#import-returns-summary"));
        Assert.Contains("comments.text: ", await preview.Locator("tr[data-service='42']").InnerTextAsync());
        Assert.Contains("Checked by NPPN " + Hostile, await preview.Locator("tr[data-service='42']").InnerTextAsync());
        Assert.Contains("Line 3", await preview.Locator(".govuk-error-summary").InnerTextAsync());
        Assert.Equal(0, await page.Locator("#import-returns-load").CountAsync());
        await AssertAccessibleAsync(page, "a returns CSV's preview", "#imports");
        await ScreenshotAsync(page, "console-returns-preview", page.Locator("#imports"));
        Assert.Equal(ReturnStatus.Draft, (await pages.Host.Services.GetRequiredService<ReturnStore>().GetAsync(2013, 42))!.Status);

        await page.SetInputFilesAsync("#import-returns", new FilePayload
        {
            Name = "late.csv", MimeType = "text/csv", Buffer = System.Text.Encoding.UTF8.GetBytes("service_id,comments.text\n42,Checked by NPPN\n"),
        });
        await page.ClickAsync("#import-returns-preview");
        await page.ClickAsync("#import-returns-load");
        await SucceedsAsync(page, "late.csv loaded into 2013");
        var loaded = (await pages.Host.Services.GetRequiredService<ReturnStore>().GetAsync(2013, 42))!;
        Assert.Equal(ReturnStatus.Submitted, loaded.Status);
        Assert.Equal("Checked by NPPN", loaded.Values.AsDictionary()[Comments]);
        Assert.Null(await page.EvaluateAsync<object?>("() => window.__pwned ?? null"));

        // Reference data: what a good file would change first (nothing stored), then its load.
        await page.SetInputFilesAsync("#import-reference", new FilePayload
        {
            Name = "reference.csv", MimeType = "text/csv",
            Buffer = "service_id,year,region,population_0_19,sen_pupils,fsm_pupils\n1,2013,London,10,1,1\n2,2013,London,20,2,2\n"u8.ToArray(),
        });
        await page.ClickAsync("#import-reference-submit");
        await page.Locator("#import-reference-load").WaitForAsync();
        Assert.Contains("2 new, 0 changed, 0 removed, 0 unchanged (replaces 2013)", await page.InnerTextAsync("#import-reference-summary"));
        Assert.Contains("population_0_19: 20", await page.Locator("#import-reference-preview tr[data-service='2']").InnerTextAsync());
        Assert.Empty((await pages.Host.Services.GetRequiredService<ReferenceDataStore>().LoadAsync()).Rows);
        await AssertAccessibleAsync(page, "a reference data preview", "#imports");
        await ScreenshotAsync(page, "console-reference-preview", page.Locator("#imports"));
        await page.ClickAsync("#import-reference-load");
        await SucceedsAsync(page, "reference.csv imported");
        Assert.Equal(2, (await pages.Host.Services.GetRequiredService<ReferenceDataStore>().LoadAsync()).Rows.Count());

        await page.SetInputFilesAsync("#import-neighbours", new FilePayload
        {
            Name = "neighbours.csv", MimeType = "text/csv", Buffer = "service_id,neighbour_id\n1,2\n1,3\n"u8.ToArray(),
        });
        await page.ClickAsync("#import-neighbours-submit");
        await page.Locator("#import-neighbours-preview tr[data-service='1'][data-change='new']").WaitForAsync();
        Assert.Empty(await pages.Host.Services.GetRequiredService<ReferenceDataStore>().LoadNeighboursAsync());
        await page.ClickAsync("#import-neighbours-load");
        await SucceedsAsync(page, "neighbours.csv imported");
        Assert.Equal([2, 3], (await pages.Host.Services.GetRequiredService<ReferenceDataStore>().LoadNeighboursAsync())[1]);
    }

    /// <summary>The provisional set's report preview is NPPN's alone: signed out, or signed in with a service's token, the page says so and reads nothing.</summary>
    [Fact]
    public async Task The_provisional_report_preview_is_refused_in_words_to_anyone_not_signed_in_as_NPPN()
    {
        await using var pages = await StartAsync();
        var page = await pages.NewPageAsync();
        var provisionalReads = 0;
        page.Request += (_, request) => { if (request.Url.Contains("/api/provisional/", StringComparison.Ordinal)) provisionalReads++; };
        await OpenAsync(page, "report.html?provisional=2013");
        Assert.Contains("Provisional figures are shown only to NPPN", await page.InnerTextAsync("#app"));
        await page.EvaluateAsync("t => sessionStorage.setItem('pps.console.token', t)", await pages.TokenForAsync(42));
        await OpenAsync(page, "report.html?provisional=2013");
        Assert.Contains("Provisional figures are shown only to NPPN", await page.InnerTextAsync("#app"));
        Assert.Equal(0, provisionalReads);
        await AssertAccessibleAsync(page, "the provisional preview refused");
    }
}
