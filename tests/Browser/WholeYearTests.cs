using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Pps.Core.Catalogue;
using Pps.Core.Definition;
using Pps.Core.Returns;
using Pps.Core.Storage;
using Pps.Core.Uploads.Workbook;
using Pps.DevHost;
using Pps.Synthetic;
using Pps.Tests.Support;
using Pps.Tests.Uploads;
using static Pps.Tests.Browser.BrowserPages;

namespace Pps.Tests.Browser;

/// <summary>
/// Issue 25's "Done when": a whole collection year run in Chromium as its users would, on the devhost with Azurite and
/// maildev, each mail read back from maildev. A member of NPPN's staff, signed in as herself, opens 2014 from the 2013
/// definition, emails every service a sign-in link; services sign in from the link in their mail; one fills in the
/// form through check your answers (a receipt), another uploads a workbook (its result); the reminder timer mails the
/// rest; NPPN chases from the chase list, previews the provisional figures, closes with the confirmation (a draft left
/// out, an extension ended) and publishes. The app's clock moves through the year; nothing waits for real time but mail.
/// </summary>
public class WholeYearTests
{
    private const int Filler = 42, Uploader = 24, Late = 52, Extended = 43;

    private static readonly DateTimeOffset August = new(2014, 8, 20, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset MidSeptember = new(2014, 9, 15, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset ElevenDaysBefore = new(2014, 10, 20, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset CloseDay = new(2014, 10, 31, 18, 0, 0, TimeSpan.Zero);

    private static async Task SucceedsAsync(IPage page, string text) =>
        await page.Locator(".govuk-notification-banner--success", new() { HasTextString = text }).WaitForAsync();

    /// <summary>The link in a sign-in mail, as the officer clicks it.</summary>
    private static string SignInLink(JsonElement mail, Uri site)
    {
        var link = Regex.Match(Maildev.Text(mail), Regex.Escape(site.ToString()) + @"form\.html#token=[A-Za-z0-9_%-]+");
        Assert.True(link.Success, $"No sign-in link to {site} in: {Maildev.Text(mail)}");
        return link.Value;
    }

    /// <summary>
    /// Answers every question of the form as an officer would, one control at a time, a section at a time: into the
    /// first section from the task list, "Save and continue" to each next one, and from the last back to the task list.
    /// </summary>
    private static async Task FillFormAsync(IPage page, ReturnDefinition definition, IReadOnlyDictionary<string, object> values)
    {
        await page.ClickAsync($"#task-list a[href='#part-{definition.Sections[0].Id}']");
        foreach (var (section, index) in definition.Sections.Select((s, i) => (s, i)))
        {
            await page.Locator($"#part-{section.Id}").WaitForAsync();
            Assert.Equal(1, await page.Locator(".pps-return-section:visible").CountAsync()); // one section a page
            foreach (var field in section.Fields)
            {
                var group = page.Locator($"[data-field='{field.Id}']");
                switch (values[field.Id])
                {
                    case bool b:
                        await group.Locator($"input[value='{(b ? "true" : "false")}']").CheckAsync();
                        break;
                    case string[] many:
                        foreach (var option in many) await group.Locator($"input[value='{option}']").CheckAsync();
                        break;
                    case string text when field.Type is FieldType.Rating or FieldType.Choice:
                        await group.Locator($"input[value='{text}']").CheckAsync();
                        break;
                    case var other:
                        await group.Locator("input.govuk-input, textarea").First.FillAsync(Convert.ToString(other, CultureInfo.InvariantCulture)!);
                        break;
                }
            }
            await page.ClickAsync($"#continue-{section.Id}");
            if (index == definition.Sections.Count - 1) await page.Locator("#task-list").WaitForAsync();
        }
        Assert.DoesNotContain("Not yet started", await page.InnerTextAsync("#task-list"));
    }

    [Fact]
    public async Task NPPN_runs_2014_from_the_browser_and_every_mail_reaches_the_services()
    {
        var started = DateTime.UtcNow;
        var sitePort = Maildev.FreePort();
        var site = new Uri($"http://127.0.0.1:{sitePort}/");
        var settings = Maildev.Settings();
        settings["Pps:Mail:SiteUrl"] = site.ToString();
        settings["DevHost:SitePort"] = sitePort.ToString(CultureInfo.InvariantCulture);
        settings["DevHost:QueueRetrySeconds"] = "0.5";
        await using var pages = await StartAsync(settings: settings, now: August);
        var host = pages.Host;
        Assert.Equal(site, host.SiteUrl);
        var failures = new List<string>();
        // Every refusal a page meets is a failure, but for the one question whose "no" is a 404: the next-year editor
        // asks whether a definition was already published for 2014 before copying 2013's.
        void Watch(IPage page) => page.Response += (_, response) =>
        {
            if (response.Status >= 400 && !(response.Status == 404 && response.Url.EndsWith("/api/definitions/2014/document", StringComparison.Ordinal)))
            {
                failures.Add($"{response.Status} {response.Request.Method} {response.Url}");
            }
        };

        // Before the year: 2013 is set up, and each service has a contact (NPPN keeps them from year to year); a new
        // officer at the late service is added in the console below.
        var services = ServiceCatalogue.BuiltIn.ExistingIn(2014).Select(s => s.Id).ToList();
        var address = services.ToDictionary(id => id, id => Maildev.NewAddress($"s{id}"));
        using (var admin = new HttpClient { BaseAddress = host.BaseUrl })
        {
            admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DevHostFixture.AdminToken);
            await Parallel.ForEachAsync(services.Where(id => id != Late), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (id, ct) =>
            {
                var added = await admin.PostAsJsonAsync($"api/services/{id}/contacts", new { name = $"Officer {id}", email = address[id] }, ct);
                Assert.Equal(201, (int)added.StatusCode);
            });
        }

        // NPPN: the admin token sets up the first member of staff, who then signs in as herself.
        var nppn = await pages.NewPageAsync();
        Watch(nppn);
        await SignInAsync(nppn, "console.html", "admin-token", DevHostFixture.AdminToken);
        await nppn.FillAsync("#staff-name", "Nia Patel");
        await nppn.ClickAsync("#issue-staff");
        await SucceedsAsync(nppn, "Credential issued to Nia Patel");
        var niaToken = (await nppn.InnerTextAsync("#issued-staff-token")).Trim();
        await nppn.ClickAsync("#sign-in-as-staff");
        await SignInAsync(nppn, "console.html", "admin-token", niaToken);
        Assert.Contains("Signed in as Nia Patel", await nppn.InnerTextAsync("#signed-in-as"));

        // The late service's new officer, added in the console.
        await nppn.FillAsync("#contact-service", Late.ToString(CultureInfo.InvariantCulture));
        await nppn.ClickAsync("#show-contacts");
        await nppn.Locator("#contacts-none").WaitForAsync();
        await nppn.FillAsync("#contact-name", "Lee Late");
        await nppn.FillAsync("#contact-email", address[Late]);
        await nppn.ClickAsync("#add-contact");
        await SucceedsAsync(nppn, $"Lee Late added to service {Late}'s contacts");
        Assert.Contains(address[Late], await nppn.InnerTextAsync("#contacts table"));
        await ScreenshotAsync(nppn, "year-contacts", nppn.Locator("#contacts"));

        // 2014 opens from the 2013 definition: copied, checked and previewed as the form, published and opened with its dates.
        await nppn.ClickAsync("#next-year-start");
        await nppn.Locator("#next-year-editor").WaitForAsync();
        Assert.Equal("2014", await nppn.InputValueAsync("#def-year"));
        await nppn.FillAsync("#def-opens", "2014-09-01T09:00");
        await nppn.FillAsync("#def-closes", "2014-10-31T17:00");
        await nppn.ClickAsync("#def-check");
        await nppn.Locator("#def-preview .pps-return").WaitForAsync();
        await ScreenshotAsync(nppn, "year-next-year-preview", nppn.Locator("#next-year-editor"));
        await nppn.ClickAsync("#def-publish");
        await SucceedsAsync(nppn, "2014 is open");
        var definition = (await host.Services.GetRequiredService<IDefinitionCatalog>().FindAsync(2014))!;
        Assert.Equal(BuiltInDefinitions.For(2013).Fields.Select(f => f.Id), definition.Fields.Select(f => f.Id));

        // Every service's credential, emailed as a sign-in link.
        Assert.Equal("", await nppn.InputValueAsync("#link-service"));
        await nppn.ClickAsync("#send-sign-in-links");
        await SucceedsAsync(nppn, $"Sign-in links queued for {services.Count} services");
        await ScreenshotAsync(nppn, "year-sign-in-links", nppn.Locator("#credentials"));
        var links = new Dictionary<int, string>();
        foreach (var id in new[] { Filler, Uploader, Late })
        {
            var mail = Assert.Single(await Maildev.WaitForAsync(address[id]));
            Assert.Equal($"2014 PPS return: your sign-in link for {ServiceCatalogue.BuiltIn.Find(id)!.Name}", Maildev.Subject(mail));
            links[id] = SignInLink(mail, site);
        }
        var credentials = host.Services.GetRequiredService<CredentialStore>();
        var filler = Assert.Single(await credentials.ListAsync(2014, Filler));
        Assert.Equal("nppn:Nia Patel", filler.IssuedBy);

        // Mid-September: the first service signs in from its mail and fills in the form through check your answers.
        host.Clock.Now = MidSeptember;
        var officer = await pages.NewPageAsync();
        Watch(officer);
        await officer.GotoAsync(links[Filler]);
        await officer.WaitForFunctionAsync("() => document.body.dataset.ready === 'true' && document.getElementById('return-form')");
        Assert.DoesNotContain("token", officer.Url, StringComparison.Ordinal); // the token left the address at once
        Assert.Contains(ServiceCatalogue.BuiltIn.Find(Filler)!.Name, await officer.Locator(".pps-facts").InnerTextAsync());
        await FillFormAsync(officer, definition, ExampleReturn.Full(2013));
        await ScreenshotAsync(officer, "year-form-filled", officer.Locator("#task-list"));
        await officer.ClickAsync("#check-answers");
        await officer.Locator("#check-answers-page #submit-return").WaitForAsync();
        Assert.Equal(0, await officer.Locator("#blockers").CountAsync());
        await ScreenshotAsync(officer, "year-check-answers", officer.Locator("#check-answers-page"));
        await officer.ClickAsync("#submit-return");
        await SucceedsAsync(officer, "Return submitted");
        var receipt = Assert.Single(await Maildev.WaitForAsync(address[Filler], where: m => Maildev.Subject(m).Contains("received")));
        Assert.Equal($"2014 PPS return received from {ServiceCatalogue.BuiltIn.Find(Filler)!.Name}", Maildev.Subject(receipt));
        Assert.Equal(ReturnStatus.Submitted, (await host.Services.GetRequiredService<ReturnStore>().GetAsync(2014, Filler))!.Status);

        // The second signs in from its mail, downloads the workbook, fills it in offline and uploads it.
        var uploader = await pages.NewPageAsync();
        Watch(uploader);
        await uploader.GotoAsync(links[Uploader]);
        await uploader.WaitForFunctionAsync("() => document.body.dataset.ready === 'true' && document.getElementById('return-form')");
        var download = await uploader.RunAndWaitForDownloadAsync(() => uploader.ClickAsync("#download-workbook"));
        var template = await File.ReadAllBytesAsync((await download.PathAsync())!);
        var filled = WorkbookFiller.SetCells(template, WorkbookFiller.Answers(WorkbookLayout.For(definition),
            WorkbookEdits.Ratings2013(Uploader).Select(r => KeyValuePair.Create(r.Key, r.Value!))));
        await uploader.SetInputFilesAsync("#workbook-file", new FilePayload { Name = "our-return.xlsx", MimeType = WorkbookTemplate.ContentType, Buffer = filled });
        await uploader.ClickAsync("#upload-workbook");
        await uploader.Locator("#workbook-report, .govuk-notification-banner--success, .govuk-error-summary").First.WaitForAsync();
        await ScreenshotAsync(uploader, "year-workbook-uploaded", uploader.Locator("#workbook-title").Locator(".."));
        var result = Assert.Single(await Maildev.WaitForAsync(address[Uploader], where: m => Maildev.Subject(m).Contains("workbook")));
        Assert.Equal("2014 PPS return: your workbook was accepted", Maildev.Subject(result));
        Assert.Contains("accepted and saved as a draft", Maildev.Text(result));
        Assert.Equal(ReturnStatus.Draft, (await host.Services.GetRequiredService<ReturnStore>().GetAsync(2014, Uploader))!.Status);

        // NPPN grants one service an extension.
        await nppn.ReloadAsync();
        await nppn.WaitForFunctionAsync("() => document.body.dataset.ready === 'true'");
        await nppn.FillAsync("#extension-service", Extended.ToString(CultureInfo.InvariantCulture));
        await nppn.FillAsync("#extension-until", "2014-11-07T17:00");
        await nppn.ClickAsync("#grant-extension");
        await SucceedsAsync(nppn, $"Service {Extended} may return until 7 November 2014");

        // Eleven days before the close the reminder timer runs (the host's own timer function, on the app's clock):
        // every service without a submitted return is reminded once, the one that submitted is not.
        host.Clock.Now = ElevenDaysBefore;
        var timers = host.Services.GetRequiredService<TimerScheduler>();
        await timers.RunOnceAsync(timers.Timers.Single(t => t.Function.Name == "SendReminders"), default);
        var late = Assert.Single(await Maildev.WaitForAsync(address[Late], where: m => Maildev.Subject(m).Contains("closes on")));
        Assert.Equal("2014 PPS return: closes on 31 October 2014", Maildev.Subject(late));
        var everyone = address.Where(a => a.Key != Filler).Select(a => a.Value).ToArray();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        IReadOnlyList<JsonElement> reminders;
        do reminders = (await Maildev.MailsToAsync(everyone)).Where(m => Maildev.Subject(m).Contains("closes on")).ToList();
        while (reminders.Count < everyone.Length && DateTime.UtcNow < deadline && await Task.Delay(250).ContinueWith(_ => true));
        Assert.Equal(everyone.Length, reminders.Count);
        Assert.Equal(everyone.Order(), reminders.SelectMany(Maildev.Recipients).Order());
        Assert.DoesNotContain(await Maildev.MailsToAsync(address[Filler]), m => Maildev.Subject(m).Contains("closes on"));

        // NPPN chases the late service from the chase list, with a note.
        await nppn.ReloadAsync();
        await nppn.WaitForFunctionAsync("() => document.body.dataset.ready === 'true'");
        await nppn.Locator("#chase-form").WaitForAsync();
        await nppn.FillAsync("#chase-services", Late.ToString(CultureInfo.InvariantCulture));
        await nppn.FillAsync("#chase-note", "Only your Part 2 figures are missing; ring us if that helps.");
        await nppn.ClickAsync("#send-chase");
        await SucceedsAsync(nppn, "Chase queued for 1 service");
        await AssertAccessibleAsync(nppn, "the console's completeness with its chase", "#completeness", "#contacts");
        await ScreenshotAsync(nppn, "year-chase", nppn.Locator("#completeness"));
        var chase = Assert.Single(await Maildev.WaitForAsync(address[Late], where: m => Maildev.Subject(m).Contains("waiting for")));
        Assert.Contains("Only your Part 2 figures are missing; ring us if that helps.", Maildev.Text(chase));

        // The provisional figures, previewed before anyone else sees them.
        await nppn.ClickAsync("#recompute");
        await SucceedsAsync(nppn, "Provisional version");
        await nppn.Locator("#publishing .pps-figure").WaitForAsync();
        Assert.Contains("provisional", await nppn.InnerTextAsync("#version-title"));
        await ScreenshotAsync(nppn, "year-provisional", nppn.Locator("#publishing"));
        // ... and as the report they will become: the site's report page draws the provisional set, in this tab only.
        await nppn.ClickAsync("#preview-report");
        await nppn.WaitForFunctionAsync("() => document.body.dataset.ready === 'true' && document.getElementById('report-status')");
        Assert.Contains("provisional=2014", nppn.Url, StringComparison.Ordinal);
        Assert.Contains("Provisional 2014 figures: not published", await nppn.InnerTextAsync("#provisional-banner"));
        Assert.StartsWith("Provisional national report from 1 return, computed on", await nppn.InnerTextAsync("#report-status"));
        Assert.Contains("Table A", await nppn.InnerTextAsync(".pps-contents-page"));
        Assert.True(await nppn.Locator(".pps-part").CountAsync() >= 2, "The provisional report has no parts.");
        Assert.Null(await host.Services.GetRequiredService<Pps.Core.Publishing.Publisher>().CurrentAsync(2014)); // nothing public yet
        await ScreenshotAsync(nppn, "year-provisional-report", nppn.Locator("#provisional-banner"));
        await nppn.ClickAsync("#back-to-console");
        await nppn.WaitForFunctionAsync("() => document.body.dataset.ready === 'true' && document.getElementById('close-and-publish')");

        // The closing day: close with the confirmation (the workbook's draft left out, the extension it ends), then publish.
        host.Clock.Now = CloseDay;
        await nppn.ReloadAsync();
        await nppn.WaitForFunctionAsync("() => document.body.dataset.ready === 'true'");
        await nppn.ClickAsync("#close-and-publish");
        await nppn.Locator("#close-confirm").WaitForAsync();
        Assert.Equal("1", (await nppn.InnerTextAsync("#close-counted")).Trim());
        Assert.Contains(ServiceCatalogue.BuiltIn.Find(Uploader)!.Name, await nppn.InnerTextAsync("#close-drafts"));
        Assert.Contains(ServiceCatalogue.BuiltIn.Find(Extended)!.Name, await nppn.InnerTextAsync("#close-extensions"));
        // Of the year's 150 services (the 2013 report's count, which the 2014 collection took when it opened), two started.
        Assert.Equal("148 of the year's 150 services", (await nppn.InnerTextAsync("#close-not-started")).Trim());
        await ScreenshotAsync(nppn, "year-close-confirm", nppn.Locator("#close-confirm"));
        await nppn.ClickAsync("#confirm-close");
        await SucceedsAsync(nppn, "2014 closed and published");
        var published = (await host.Services.GetRequiredService<CollectionYearStore>().GetAsync(2014))!.Value.Year;
        Assert.NotNull(published.PublishedVersion);
        Assert.Contains($"Version {published.PublishedVersion} is published from 1 return", await nppn.InnerTextAsync("#close-outcome"));
        Assert.Contains(ServiceCatalogue.BuiltIn.Find(Uploader)!.Name, await nppn.InnerTextAsync("#close-outcome-drafts"));
        Assert.Contains(ServiceCatalogue.BuiltIn.Find(Extended)!.Name, await nppn.InnerTextAsync("#close-outcome-extensions"));
        Assert.Equal([Extended], published.EndedExtensions.Select(e => e.ServiceId));
        // The person who ended it, by name as the staff table names people (not the audit's "nppn:" form).
        Assert.Contains("Nia Patel", await nppn.InnerTextAsync("#window table"));
        Assert.DoesNotContain("nppn:", await nppn.InnerTextAsync("#window table"));
        await ScreenshotAsync(nppn, "year-published", nppn.Locator("#window"));

        await OpenAsync(nppn, "index.html");
        Assert.Contains($"version {published.PublishedVersion}", await nppn.InnerTextAsync("main"));
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        // A guard against waiting on real time (a timer's schedule, a close date; nothing but mail should), not a speed
        // target: with a save per section of the form and the provisional report drawn it took 1.5 min alone and 3 min
        // beside 12 other browser tests on a shared 2-core machine.
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(300), $"The year took {DateTime.UtcNow - started} to run.");
    }
}
