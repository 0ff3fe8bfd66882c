using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Pps.Core.Aggregation;
using Pps.Core.Catalogue;
using Pps.Core.Definition;
using Pps.Core.Intake;
using Pps.Core.Publishing;
using Pps.Core.Reference;
using Pps.Core.Uploads.Workbook;
using Pps.Synthetic;

namespace Pps.Cli;

/// <summary>
/// The demo, over HTTP only, as NPPN and the services would use the running host: NPPN opens the years (marking
/// what is synthetic), loads the reference data and statistical neighbours, and issues each service a credential
/// (with a mailbox: mailed to its contact as a sign-in link, which the service reads back from the mailbox);
/// each service saves and submits its return with its own token (16 at a time; every 13th uploads a filled-in workbook
/// instead, and waits for its report); with a mailbox, a few services submit only after the host's reminder timer and
/// NPPN's chase have mailed them; then NPPN runs a provisional recompute, reads the close's confirmation, and closes and
/// publishes. Prints where to look and the headline figures
/// read back from the published files. With --check, also verifies every Part 1 figure the printed 2013 report states
/// against the values its own Table C gives (tests/data/report-2013-part1-figures.csv, computed apart from this code),
/// read from the published files, and the synthetic marks, and fails (exit 1) on any difference.
/// </summary>
public static class DemoCommand
{
    private const int Parallel = 16;
    /// <summary>Every how manyth 2013 return is sent as a workbook upload rather than over the form's API.</summary>
    private const int WorkbookEvery = 13;
    /// <summary>Services (with a mailbox) that submit only after the reminders and NPPN's chase, so that both reach someone.</summary>
    private const int LateServices = 6;
    private const string ChaseNote = "We have your sign-in link on file: the form takes about an hour. Ring us if anything is unclear.";

    public static async Task<int> RunAsync(CommandLine options)
    {
        var api = new Uri(options.Required("api").TrimEnd('/') + "/");
        var adminToken = options.Required("admin-token");
        var ratingsFile = options.Optional("ratings", "tests/data/nppn-2013-exemplification-ratings.csv");
        if (!File.Exists(ratingsFile)) throw new CommandLineException($"{ratingsFile} does not exist (run from the repository root, or pass --ratings).");
        var reportFiguresFile = options.Optional("report-figures", "tests/data/report-2013-part1-figures.csv");
        // NPPN's own commentary from the printed 2013 report (tests/data/report-2013-narrative.py), saved as NPPN saves it
        // in the console, so the demo's report reads like the printed one.
        var narrativeFile = options.Optional("narrative", "tests/data/report-2013-narrative.json");
        if (!File.Exists(narrativeFile)) throw new CommandLineException($"{narrativeFile} does not exist (run from the repository root, or pass --narrative).");
        var honest = options.Optional("honest", "false") == "true";
        var check = options.Optional("check", "false") == "true";
        var seed = options.Int("seed", DemoData.DefaultSeed);
        var timeout = TimeSpan.FromSeconds(options.Int("timeout", 90));
        // Where to keep the report's PDF: when given, NPPN's step after the close is run too (the report rendered in
        // Chromium and added to the published set, as it is done beside the function app in Azure).
        var reportPdf = options.Optional("report-pdf", "") is { Length: > 0 } pdfPath ? Path.GetFullPath(pdfPath) : null;
        // The development mail server's mailbox (scripts/demo.sh starts maildev): each service gets a made-up contact
        // there, so the receipts and the workbooks' results can be read in it.
        var mailbox = options.Optional("mailbox", "") is { Length: > 0 } box ? new Uri(box.TrimEnd('/') + "/") : null;
        var watch = Stopwatch.StartNew();

        using var ratingsText = new StreamReader(ratingsFile);
        var ratings = SelfRatingsCsv.Read(ratingsText).ToList();
        var plan = honest ? Plan.Honest(ratings) : Plan.Demo(ratings, seed);

        using var http = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = System.Net.DecompressionMethods.All, MaxConnectionsPerServer = Parallel, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = api,
            Timeout = TimeSpan.FromSeconds(60),
        };
        var client = new DemoClient(http, adminToken);
        await client.WaitUntilUpAsync(timeout);
        Step(watch, $"The host answers at {api}");

        foreach (var year in plan.Years)
        {
            await client.OpenYearAsync(year, plan.SyntheticParts.GetValueOrDefault(year) ?? []);
        }
        Step(watch, $"Opened {string.Join(", ", plan.Years)}" + (honest ? "" : " (2009-2012 marked synthetic; 2013's Part 2 marked synthetic)"));
        var places = await client.SaveNarrativeAsync(DemoData.Year, await File.ReadAllTextAsync(narrativeFile));
        Step(watch, $"NPPN wrote its narrative for {DemoData.Year}: the printed report's commentary for {places} places in the report (PUT /api/years/{DemoData.Year}/narrative)");

        var rows = await client.PostCsvAsync("api/reference-data", plan.ReferenceCsv);
        var neighbours = plan.NeighboursCsv is null ? "" : $" and synthetic statistical neighbours ({(await client.PostCsvAsync("api/statistical-neighbours", plan.NeighboursCsv)).GetProperty("count").GetInt32()} services)";
        Step(watch, $"Loaded reference data ({rows.GetProperty("count").GetInt32()} rows; population 0-19 is real ONS mid-2014" +
                    (honest ? ", no SEN or FSM pupils)" : ", SEN and FSM pupils are SYNTHETIC)") + neighbours);

        // 2009-2012: NPPN's CSV bulk load, one file per year (all or nothing; year-on-year changes confirmed when it asks).
        foreach (var year in plan.Years.Where(y => y != DemoData.Year))
        {
            var (imported, confirmedWarnings) = await client.ImportReturnsAsync(year, plan.Returns.Where(r => r.Year == year).ToList());
            Step(watch, $"{year}: NPPN loaded {imported} synthetic returns as one CSV (POST /api/years/{year}/returns/import; {confirmedWarnings} year-on-year changes confirmed)");
        }

        // 2013: every service with its own credential, as the form does it: save a draft, then submit it.
        var tokens = new ConcurrentDictionary<(int Year, int ServiceId), string>();
        var thisYear = plan.Returns.Where(r => r.Year == DemoData.Year).ToList();
        if (mailbox is not null)
        {
            await ForEachAsync(thisYear, r => client.AddContactAsync(r.ServiceId, "Demo officer", DemoContact(r.ServiceId)));
            Step(watch, $"NPPN added a (made-up) contact for each of the {thisYear.Count} services (POST /api/services/{{id}}/contacts): their mail goes to {mailbox}");
        }
        var signInLinks = new Dictionary<int, string>();
        if (mailbox is not null)
        {
            // As NPPN's console does it: every service's credential mailed to its contacts as a sign-in link; each service
            // then signs in with the link in its mail (read back from the mailbox), never with a token copied by hand.
            var queued = await client.SignInLinksAsync(DemoData.Year, thisYear.Select(r => r.ServiceId).ToList());
            signInLinks = await SignInLinksAsync(mailbox, thisYear.Select(r => r.ServiceId).ToHashSet(), timeout);
            foreach (var (serviceId, link) in signInLinks) tokens[(DemoData.Year, serviceId)] = Uri.UnescapeDataString(link[(link.IndexOf("#token=", StringComparison.Ordinal) + 7)..]);
            Step(watch, $"NPPN emailed {queued} sign-in links for {DemoData.Year} (POST /api/years/{DemoData.Year}/sign-in-links); each service signs in with the token in the link in its mail");
            var missing = thisYear.Where(r => !signInLinks.ContainsKey(r.ServiceId)).Select(r => r.ServiceId).ToList();
            if (missing.Count > 0) throw new InvalidOperationException($"No sign-in link reached the mailbox within {timeout.TotalSeconds:0} s for services {string.Join(", ", missing)}.");
        }
        else
        {
            await ForEachAsync(thisYear, async r => tokens[(r.Year, r.ServiceId)] = await client.IssueCredentialAsync(r.ServiceId, r.Year));
            Step(watch, $"Issued {tokens.Count} credentials for {DemoData.Year} (one per service)");
        }
        // Every 13th service (10 of 131) sends its return as a filled-in workbook instead, started first so that waiting
        // for the host's upload trigger overlaps the others' saves.
        var asWorkbooks = thisYear.Where((_, i) => i % WorkbookEvery == WorkbookEvery - 1).Select(r => r.ServiceId).ToHashSet();
        // With a mailbox a few services leave it late: they are reminded (the host's SendReminders timer) and chased by
        // NPPN before they submit, so the mailbox holds those mails too.
        var late = mailbox is null ? [] : thisYear.Where(r => !asWorkbooks.Contains(r.ServiceId)).TakeLast(LateServices).Select(r => r.ServiceId).ToHashSet();
        var (confirmed, confirmedInWorkbooks) = (0, 0);
        async Task SubmitAsync(ReturnRecord r)
        {
            var token = tokens[(r.Year, r.ServiceId)];
            if (asWorkbooks.Contains(r.ServiceId)) Interlocked.Add(ref confirmedInWorkbooks, await client.UploadWorkbookAsync(token, r, timeout));
            else Interlocked.Add(ref confirmed, await client.SaveAndSubmitAsync(token, r));
        }
        await ForEachAsync(thisYear.Where(r => !late.Contains(r.ServiceId)).OrderBy(r => !asWorkbooks.Contains(r.ServiceId)), SubmitAsync);
        var mailFailures = new List<string>();
        if (late.Count > 0)
        {
            Step(watch, $"{DemoData.Year}: {thisYear.Count - late.Count} services submitted; {late.Count} have not yet (services {string.Join(", ", late)})");
            await client.SetRemindersAsync(DemoData.Year, [28, 14, 7, 1]);
            var reminders = await MailsToAsync(mailbox!, $"{DemoData.Year} PPS return: closes on ", late, timeout);
            Step(watch, $"NPPN set {DemoData.Year}'s reminders to 28, 14, 7 and 1 days before the close (PUT /api/years/{DemoData.Year}/reminders); " +
                        $"the host's SendReminders timer mailed the {reminders.Count(r => late.Contains(r))} services with a contact and no submitted return");
            await client.ChaseAsync(DemoData.Year, [.. late], ChaseNote);
            var chases = await MailsToAsync(mailbox!, $"{DemoData.Year} PPS return: NPPN is waiting for ", late, timeout);
            Step(watch, $"NPPN chased them with a note (POST /api/years/{DemoData.Year}/chase): {chases.Count} chase mails");
            foreach (var (kind, to) in new[] { ("reminders", reminders), ("chases", chases) })
            {
                if (!late.SetEquals(to)) mailFailures.Add($"{kind} reached services {string.Join(", ", to.Order())}, not exactly the {late.Count} late ones ({string.Join(", ", late.Order())})");
            }
            await ForEachAsync(thisYear.Where(r => late.Contains(r.ServiceId)), SubmitAsync);
        }
        Step(watch, $"{DemoData.Year}: {thisYear.Count} services submitted their returns with their own tokens: {thisYear.Count - asWorkbooks.Count} saved and submitted over the API, " +
                    $"{asWorkbooks.Count} as filled-in workbooks (GET the template, POST the .xlsx, poll its report); {confirmed + confirmedInWorkbooks} year-on-year warnings confirmed, {confirmedInWorkbooks} on workbooks' Checks sheets");
        var workbookFailures = new List<string>();
        if (check)
        {
            foreach (var serviceId in asWorkbooks)
            {
                var status = await client.ReturnStatusAsync(tokens[(DemoData.Year, serviceId)], DemoData.Year, serviceId);
                if (status != "submitted") workbookFailures.Add($"service {serviceId}'s {DemoData.Year} return, sent as a workbook, is {status ?? "missing"}, not submitted");
            }
        }

        if (mailbox is not null)
        {
            var (receipts, results) = await CountMailAsync(mailbox, thisYear.Count, client.Uploads, timeout);
            Step(watch, $"The outbox mailed {receipts} receipts and {results} workbook results (read back from the mailbox's REST API)");
            if (receipts != thisYear.Count) mailFailures.Add($"{receipts} receipts were mailed, not {thisYear.Count} (one per submitted return)");
            if (results != client.Uploads) mailFailures.Add($"{results} workbook results were mailed, not {client.Uploads} (one per upload)");
            if (signInLinks.Count != thisYear.Count) mailFailures.Add($"{signInLinks.Count} sign-in links were mailed, not {thisYear.Count} (one per service)");
        }

        // As NPPN's console does it: a provisional recompute to look at (as the report it will become), then the close
        // with its confirmation (what it counts, leaves out and ends) and the publication. (The earlier years' windows stay
        // open: their submitted returns count in 2013's five-year tables either way.)
        var provisional = await client.RecomputeAsync(DemoData.Year);
        var provisionalVersion = provisional.GetProperty("version").GetString()!;
        Step(watch, $"NPPN ran a provisional recompute of {DemoData.Year} (POST /api/years/{DemoData.Year}/recompute): version {provisionalVersion} from {provisional.GetProperty("returns").GetInt32()} returns, seen by NPPN only");
        var confirmation = await client.ClosePreviewAsync(DemoData.Year);
        var endExtensions = confirmation.GetProperty("openExtensions").EnumerateArray().Select(e => e.GetProperty("serviceId").GetInt32()).ToList();
        Step(watch, $"NPPN's close confirmation (GET /api/years/{DemoData.Year}/close): {confirmation.GetProperty("returnsCounted").GetInt32()} returns counted, " +
                    $"{confirmation.GetProperty("draftsLeftOut").GetArrayLength()} drafts left out, {endExtensions.Count} extensions to end, " +
                    $"{confirmation.GetProperty("notStarted").GetInt32()} of the year's services not started");
        var closed = await client.CloseNowAsync(DemoData.Year, endExtensions);
        var index = await client.WaitForPublishedAsync([DemoData.Year], timeout);
        var published = index.Years.Single(y => y.Year == DemoData.Year);
        Step(watch, $"NPPN confirmed: {DemoData.Year} closed and published (POST /api/years/{DemoData.Year}/close, {closed.GetProperty("status").GetString()}); version {published.Version}");

        // NPPN's step after the close: the report printed by Chromium from the public site and added to the set it shows.
        ReportPdfCommand.Rendered? rendered = null;
        ManifestFile? pdfFile = null;
        if (reportPdf is not null)
        {
            rendered = await ReportPdfCommand.RenderAsync(api.ToString(), DemoData.Year);
            Directory.CreateDirectory(Path.GetDirectoryName(reportPdf)!);
            await File.WriteAllBytesAsync(reportPdf, rendered.Printed.Pdf);
            (pdfFile, var withPdf) = await ReportPdfCommand.PublishAsync(options, DemoData.Year, rendered);
            Step(watch, $"NPPN rendered the report to PDF ({ReportPdfCommand.Describe(rendered)}) and added it to the published set as version {withPdf} (pps report-pdf --publish, as beside the function app in Azure)");
        }

        var manifest = await client.GetDataAsync<Manifest>(published.Manifest);
        var highlightsFile = manifest.Files.Single(f => f.Kind == "highlights");
        var highlights = await client.GetDataAsync<List<PublishedHighlight>>(highlightsFile.Path);

        var form = plan.Returns.First(r => r.Year == DemoData.Year);
        var siteServed = await client.ExistsAsync("/");
        var site = siteServed ? "" : "  (no site is built: scripts/demo.sh builds site/dist)";
        Console.WriteLine();
        Console.WriteLine($"Dashboard (public site):  {new Uri(api, "/")}{site}");
        Console.WriteLine($"Published data:           {new Uri(api, "data/" + published.Manifest)}");
        Console.WriteLine($"The national report:      {new Uri(api, "/report.html")}");
        if (pdfFile is not null) Console.WriteLine($"The report as PDF:        {new Uri(api, "data/" + pdfFile.Path)}  ({rendered!.Printed.Pages} pages; also kept in {reportPdf})");
        Console.WriteLine($"Service {form.ServiceId}'s page:        {new Uri(api, $"/service.html?id={form.ServiceId}")}");
        Console.WriteLine($"Service {form.ServiceId}'s pack to print: {new Uri(api, $"/service.html?id={form.ServiceId}&print=1")}  (or as PDF: scripts/service-pdf.sh {DemoData.Year} {form.ServiceId} out/ {api})");
        Console.WriteLine(signInLinks.TryGetValue(form.ServiceId, out var formLink)
            ? $"A service's form:         {formLink}  (service {form.ServiceId}'s sign-in link, from its mail; 2013 is closed now: the form shows the submitted return read-only)"
            : $"A service's form:         {new Uri(api, "/form.html")}  sign in with token {tokens[(form.Year, form.ServiceId)]} (2013 is closed now: the form shows the submitted return read-only)");
        Console.WriteLine($"NPPN's console:           {new Uri(api, $"/console.html?year={DemoData.Year}")}  admin token {adminToken}");
        Console.WriteLine($"The provisional set:      {new Uri(api, $"/report.html?provisional={DemoData.Year}&version={Uri.EscapeDataString(provisionalVersion)}")}  as the report, before the close (sign in to the console in that tab first: NPPN only)");
        if (mailbox is not null) Console.WriteLine($"The mailbox (maildev):    {mailbox}  every mail the demo sent (sign-in links, reminders, NPPN's chase, receipts, workbook results), as the services' contacts received them");
        Console.WriteLine($"Headline figures of {DemoData.Year} as published ({manifest.Files.Count} files, {manifest.Returns} returns; * = rests on synthetic data):");
        foreach (var h in highlights) Console.WriteLine($"  {(h.Synthetic ? "*" : " ")} {h.Text}");
        Step(watch, "Done");

        if (!check) return 0;
        if (!File.Exists(reportFiguresFile)) throw new CommandLineException($"{reportFiguresFile} does not exist (run from the repository root, or pass --report-figures).");
        var statements = ReportFiguresCheck.Read(reportFiguresFile);
        Task<JsonElement> FigureAsync(string id) =>
            manifest.Files.SingleOrDefault(f => f.Kind == "figure" && f.FigureId == id) is { } file
                ? client.GetDataAsync<JsonElement>(file.Path)
                : throw new InvalidOperationException($"the manifest lists no figure {id}");
        var failures = await ReportFiguresCheck.CompareAsync(statements, FigureAsync, await client.GetDataAsync<JsonElement>(highlightsFile.Path));
        failures.AddRange(VerifySyntheticMarks(plan, manifest, highlights, await client.GetDataAsync<Figure2>(manifest.Files.Single(f => f.Kind == "figure" && f.FigureId == "chart-8").Path),
            await client.GetDataAsync<Figure2>(manifest.Files.Single(f => f.Kind == "figure" && f.FigureId == "chart-4").Path)));
        failures.AddRange(workbookFailures);
        // NPPN's narrative reached the set: every place it wrote, as it wrote it.
        if (manifest.Files.SingleOrDefault(f => f.Kind == "narrative") is not { } narrativeEntry) failures.Add("the manifest lists no narrative file");
        else if ((await client.GetDataAsync<JsonElement>(narrativeEntry.Path)).GetProperty("narrative").GetArrayLength() != places)
        {
            failures.Add($"the published narrative does not hold the {places} places NPPN wrote");
        }
        failures.AddRange(mailFailures);
        // The service page's one request: the shard of services whose id range holds the service, read back over HTTP.
        var shard = manifest.Files.SingleOrDefault(f => f.Kind == ManifestFile.Services && f.First <= form.ServiceId && form.ServiceId <= f.Last);
        if (shard is null) failures.Add($"no shard of services in the manifest holds service {form.ServiceId}");
        else if (!(await client.GetDataAsync<System.Text.Json.JsonElement>(shard.Path)).GetProperty("services").EnumerateArray()
                     .Any(s => s.GetProperty("serviceId").GetInt32() == form.ServiceId))
        {
            failures.Add($"the shard {shard.Path} ({shard.FigureId}) does not hold service {form.ServiceId}'s page");
        }
        if (reportPdf is not null) failures.AddRange(await VerifyReportPdfAsync(client, manifest, rendered!.Printed, highlights));
        foreach (var page in new[] { "/", "/report.html", $"/service.html?id={form.ServiceId}", "/form.html", "/console.html" })
        {
            if (!await client.ExistsAsync(page)) failures.Add($"the site does not serve {page}");
        }
        foreach (var failure in failures) Console.Error.WriteLine($"CHECK FAILED: {failure}");
        if (failures.Count == 0) Console.WriteLine($"Check passed: the manifest lists {manifest.Files.Count} files, the {statements.Count} Part 1 figures the printed 2013 report states equal the values its own Table C gives (read from the published files), the synthetic marks are where the data is synthetic, the {asWorkbooks.Count} returns sent as workbooks were submitted" +
            (reportPdf is null ? "." : $", and the report's PDF is in the set as served, its {rendered!.Printed.Pages} pages numbered, with Table C and every other of its {rendered!.Printed.Tables.Count} tables complete and nothing past the margin."));
        return failures.Count == 0 ? 0 : 1;
    }

    /// <summary>The synthetic marks: a figure resting on synthetic data is marked, one resting on the real 2013 ratings is not.</summary>
    private static List<string> VerifySyntheticMarks(Plan plan, Manifest manifest, IReadOnlyList<PublishedHighlight> published, Figure2 chart8, Figure2 chart4)
    {
        var failures = new List<string>();
        if (manifest.Files.Count == 0) failures.Add("the manifest lists no files");
        if (published.Count == 0) failures.Add("no highlights were published");
        if (!plan.IsHonest && !chart8.Synthetic) failures.Add("chart-8 (synthetic budgets) is not labelled synthetic");
        if (plan.IsHonest && published.Any(h => h.Synthetic)) failures.Add("a highlight is marked synthetic although nothing synthetic was sent");
        if (chart4.Synthetic) failures.Add("chart-4 (the real 2013 ratings) is labelled synthetic");
        return failures;
    }

    /// <summary>
    /// The report's PDF as a reader gets it: listed in the manifest, served with the hash the manifest gives, and on paper
    /// every page numbered, Table C complete (every exemplification, every service in each area's table), every table
    /// whole (each cell's words on paper under its caption), nothing past the margin, and the cover and every footer saying so when the report rests on any synthetic data.
    /// </summary>
    private static async Task<List<string>> VerifyReportPdfAsync(DemoClient client, Manifest manifest, ReportPrinter.Printed printed, IReadOnlyList<PublishedHighlight> highlights)
    {
        var pdf = printed.Pdf;
        var failures = new List<string>();
        var entry = manifest.Files.SingleOrDefault(f => f.Kind == ReportPdf.Kind);
        if (entry is null) return ["the manifest lists no report PDF"];
        var served = await client.GetBytesAsync("data/" + entry.Path);
        if (Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(served)) != entry.Sha256) failures.Add($"the report PDF served at data/{entry.Path} does not have the SHA-256 the manifest gives");
        if (!served.AsSpan().SequenceEqual(pdf)) failures.Add("the report PDF served is not the one rendered");
        var tableC = await client.GetDataAsync<JsonElement>(manifest.Files.Single(f => f.Kind == "figure" && f.FigureId == "table-c").Path);
        var codes = tableC.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("id").GetString()!)
            .Where(id => System.Text.RegularExpressions.Regex.IsMatch(id, "^[0-9][a-h]$")).ToList();
        var services = tableC.GetProperty("rows").EnumerateArray().Select(r => r[0].ToString()).ToList();
        var figures = await client.GetDataAsync<List<Figure2>>(manifest.Files.Single(f => f.Kind == "figures").Path);
        var synthetic = figures.Any(f => f.Synthetic) || highlights.Any(h => h.Synthetic);
        failures.AddRange(ReportPdfCheck.Check(pdf, codes, services, synthetic, printed.Tables).Select(f => $"the report PDF: {f}"));
        return failures;
    }

    private static string DemoContact(int serviceId) => $"officer@service-{serviceId:000}.pps-demo.example.org";

    /// <summary>The sign-in link mailed to each service's (made-up) contact, read back from the mailbox: all of them, or those there by the timeout.</summary>
    private static async Task<Dictionary<int, string>> SignInLinksAsync(Uri mailbox, IReadOnlySet<int> services, TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = mailbox };
        var link = new System.Text.RegularExpressions.Regex(@"\S+form\.html#token=\S+");
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            using var mails = JsonDocument.Parse(await http.GetStringAsync("api/email"));
            var links = new Dictionary<int, string>();
            foreach (var mail in mails.RootElement.EnumerateArray())
            {
                if (!(mail.GetProperty("subject").GetString() ?? "").StartsWith($"{DemoData.Year} PPS return: your sign-in link for ", StringComparison.Ordinal)) continue;
                var to = mail.GetProperty("envelope").GetProperty("to").EnumerateArray().Select(t => t.GetProperty("address").GetString()).ToHashSet();
                var serviceId = services.FirstOrDefault(id => to.Contains(DemoContact(id)));
                if (serviceId != 0 && link.Match(mail.GetProperty("text").GetString() ?? "") is { Success: true } found) links[serviceId] = found.Value;
            }
            if (links.Count >= services.Count || DateTime.UtcNow > deadline) return links;
            await Task.Delay(250);
        }
    }

    /// <summary>
    /// The services whose demo contact got a mail whose subject starts so, once every one of <paramref name="expected"/>
    /// has (or the timeout); then a second look, so that a mail to anyone else sent a moment later is seen too.
    /// </summary>
    private static async Task<IReadOnlySet<int>> MailsToAsync(Uri mailbox, string subjectStart, IReadOnlySet<int> expected, TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = mailbox };
        var deadline = DateTime.UtcNow + timeout;
        var settled = false;
        while (true)
        {
            using var mails = JsonDocument.Parse(await http.GetStringAsync("api/email"));
            var to = mails.RootElement.EnumerateArray()
                .Where(m => (m.GetProperty("subject").GetString() ?? "").StartsWith(subjectStart, StringComparison.Ordinal))
                .SelectMany(m => m.GetProperty("envelope").GetProperty("to").EnumerateArray().Select(t => t.GetProperty("address").GetString() ?? ""))
                .Select(ServiceOfContact).OfType<int>().ToHashSet();
            if ((to.IsSupersetOf(expected) && settled) || DateTime.UtcNow > deadline) return to;
            settled = to.IsSupersetOf(expected);
            await Task.Delay(settled ? 1000 : 250);
        }
    }

    private static int? ServiceOfContact(string address) =>
        System.Text.RegularExpressions.Regex.Match(address, @"^officer@service-(\d{3})\.pps-demo\.example\.org$") is { Success: true } m
            ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;

    /// <summary>Receipts and workbook results in the mailbox, waiting until the receipts are all there (or the timeout).</summary>
    private static async Task<(int Receipts, int Results)> CountMailAsync(Uri mailbox, int expected, int uploads, TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = mailbox };
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            using var mails = JsonDocument.Parse(await http.GetStringAsync("api/email"));
            var subjects = mails.RootElement.EnumerateArray().Select(m => m.GetProperty("subject").GetString() ?? "").ToList();
            var receipts = subjects.Count(s => s.StartsWith($"{DemoData.Year} PPS return received from ", StringComparison.Ordinal));
            var results = subjects.Count(s => s.StartsWith($"{DemoData.Year} PPS return: your workbook was", StringComparison.Ordinal));
            if ((receipts >= expected && results >= uploads) || DateTime.UtcNow > deadline) return (receipts, results);
            await Task.Delay(250);
        }
    }

    private static void Step(Stopwatch watch, string what) =>
        Console.WriteLine($"[{watch.Elapsed.TotalSeconds,5:0.0}s] {what}");

    private static Task ForEachAsync<T>(IEnumerable<T> items, Func<T, Task> body) =>
        System.Threading.Tasks.Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = Parallel }, async (item, _) => await body(item));

    private sealed record PublishedHighlight(string Id, string Text, bool Synthetic);

    /// <summary>The parts of a published figure the check reads.</summary>
    private sealed record Figure2(string Id, bool Synthetic);

    /// <summary>What the demo sends: the years, their synthetic parts, the reference files and every return.</summary>
    private sealed record Plan(
        bool IsHonest, IReadOnlyList<int> Years, IReadOnlyDictionary<int, IReadOnlyList<string>> SyntheticParts,
        string ReferenceCsv, string? NeighboursCsv, IReadOnlyList<ReturnRecord> Returns)
    {
        public static Plan Demo(IReadOnlyList<(int ServiceId, Dictionary<string, string?> Values)> ratings, int seed)
        {
            var data = DemoData.Build(ratings, seed);
            var neighbours = SyntheticCsv.Neighbours(DemoData.Year);
            return new Plan(false, data.Years, DemoData.SyntheticParts, SyntheticCsv.Reference(data.Reference), SyntheticCsv.Neighbours(neighbours), data.Returns);
        }

        /// <summary>The real 2013 self-ratings only and the real ONS population (no SEN or FSM pupils, no neighbours): nothing synthetic.</summary>
        public static Plan Honest(IReadOnlyList<(int ServiceId, Dictionary<string, string?> Values)> ratings)
        {
            var year = DemoData.Year;
            var returns = ratings.Select(r => new ReturnRecord(r.ServiceId, year, new ReturnValues(
                r.Values.Where(kv => !string.IsNullOrWhiteSpace(kv.Value)).Select(kv => KeyValuePair.Create(kv.Key, kv.Value!))))).ToList();
            var reference = new ReferenceData(ServiceCatalogue.BuiltIn.ExistingIn(year).Select(s =>
                new ReferenceRow(s.Id, year, s.Region, OnsPopulation.For(s), null, null) { Source = OnsPopulation.Source }));
            return new Plan(true, [year], new Dictionary<int, IReadOnlyList<string>>(), SyntheticCsv.Reference(reference), null, returns);
        }
    }

    /// <summary>The HTTP calls, as NPPN's console and a service's form make them.</summary>
    private sealed class DemoClient(HttpClient http, string adminToken)
    {
        private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

        public async Task WaitUntilUpAsync(TimeSpan timeout)
        {
            var deadline = DateTimeOffset.UtcNow + timeout;
            while (true)
            {
                try
                {
                    using var response = await http.GetAsync($"api/definitions/{DemoData.Year}");
                    if (response.IsSuccessStatusCode) return;
                }
                catch (HttpRequestException) when (DateTimeOffset.UtcNow < deadline)
                {
                    // not listening yet
                }
                if (DateTimeOffset.UtcNow >= deadline) throw new InvalidOperationException($"The host did not answer at {http.BaseAddress} within {timeout.TotalSeconds:0} s.");
                await Task.Delay(250);
            }
        }

        public async Task OpenYearAsync(int year, IReadOnlyList<string> synthetic)
        {
            var now = DateTimeOffset.UtcNow;
            // Closing in 25 days: no reminder is due until NPPN sets a schedule point further out (SetRemindersAsync).
            using var request = Admin(HttpMethod.Put, $"api/years/{year}", JsonContent.Create(new { opens = now.AddDays(-30), closes = now.AddDays(25), synthetic }, options: Json));
            await SendAsync(request, $"open {year}");
        }

        /// <summary>Saves the year's narrative (the body as the console sends it); says how many places it has text for.</summary>
        public async Task<int> SaveNarrativeAsync(int year, string body)
        {
            using var request = Admin(HttpMethod.Put, $"api/years/{year}/narrative", new StringContent(body, Encoding.UTF8, "application/json"));
            var (saved, _) = await SendAsync(request, $"save the {year} narrative");
            return saved.GetProperty("places").EnumerateArray().Count(p => p.GetProperty("markdown").GetString() is { Length: > 0 });
        }

        public async Task SetRemindersAsync(int year, IReadOnlyList<int> daysBefore)
        {
            using var request = Admin(HttpMethod.Put, $"api/years/{year}/reminders", JsonContent.Create(new { daysBefore }, options: Json));
            await SendAsync(request, $"set the reminders of {year}");
        }

        public async Task ChaseAsync(int year, IReadOnlyList<int> serviceIds, string note)
        {
            using var request = Admin(HttpMethod.Post, $"api/years/{year}/chase", JsonContent.Create(new { serviceIds, note }, options: Json));
            await SendAsync(request, $"chase services of {year}");
        }

        public async Task<JsonElement> RecomputeAsync(int year)
        {
            using var request = Admin(HttpMethod.Post, $"api/years/{year}/recompute");
            return (await SendAsync(request, $"recompute {year}")).Body;
        }

        public async Task<JsonElement> ClosePreviewAsync(int year)
        {
            using var request = Admin(HttpMethod.Get, $"api/years/{year}/close");
            return (await SendAsync(request, $"read what closing {year} would do")).Body;
        }

        public async Task<JsonElement> CloseNowAsync(int year, IReadOnlyList<int> endExtensions)
        {
            using var request = Admin(HttpMethod.Post, $"api/years/{year}/close", JsonContent.Create(new { endExtensions }, options: Json));
            return (await SendAsync(request, $"close and publish {year}")).Body;
        }

        public async Task<JsonElement> PostCsvAsync(string path, string csv)
        {
            using var request = Admin(HttpMethod.Post, path, new StringContent(csv, Encoding.UTF8, "text/csv"));
            return (await SendAsync(request, $"POST {path}")).Body;
        }

        private int _uploads;

        /// <summary>Workbooks uploaded so far (a service whose first upload asks for a confirmation uploads twice).</summary>
        public int Uploads => Volatile.Read(ref _uploads);

        public async Task AddContactAsync(int serviceId, string name, string email)
        {
            using var request = Admin(HttpMethod.Post, $"api/services/{serviceId}/contacts", JsonContent.Create(new { name, email }, options: Json));
            await SendAsync(request, $"add a contact to service {serviceId}");
        }

        /// <summary>Asks for a sign-in link by email for each service named; returns how many were queued.</summary>
        public async Task<int> SignInLinksAsync(int year, IReadOnlyList<int> serviceIds)
        {
            using var request = Admin(HttpMethod.Post, $"api/years/{year}/sign-in-links", JsonContent.Create(new { serviceIds, label = "Sign-in link (demo)" }, options: Json));
            return (await SendAsync(request, $"email sign-in links for {year}")).Body.GetProperty("queued").GetArrayLength();
        }

        public async Task<string> IssueCredentialAsync(int serviceId, int year)
        {
            using var request = Admin(HttpMethod.Post, "api/credentials", JsonContent.Create(new { serviceId, year, label = "demo" }, options: Json));
            return (await SendAsync(request, $"issue a credential to service {serviceId} for {year}")).Body.GetProperty("token").GetString()!;
        }

        /// <summary>Saves the return as a draft, then submits it confirming the year-on-year warnings the save reported. Returns how many.</summary>
        public async Task<int> SaveAndSubmitAsync(string token, ReturnRecord r)
        {
            var path = $"api/returns/{r.Year}/{r.ServiceId}";
            using var save = WithToken(HttpMethod.Put, path, token, JsonContent.Create(new { values = Typed(r) }, options: Json));
            var (draft, etag) = await SendAsync(save, $"save service {r.ServiceId}'s {r.Year} return");
            var warnings = draft.GetProperty("warnings").EnumerateArray().Select(w => w.GetProperty("code").GetString()!).ToList();
            using var submit = WithToken(HttpMethod.Post, path + "/submit", token, JsonContent.Create(new { confirmedWarnings = warnings }, options: Json));
            submit.Headers.TryAddWithoutValidation("If-Match", etag);
            await SendAsync(submit, $"submit service {r.ServiceId}'s {r.Year} return");
            return warnings.Count;
        }

        /// <summary>
        /// As a service sending a workbook: downloads its template, types in the return's answers and Submit = Yes, uploads
        /// it and polls the report until it is final. When the only problems are year-on-year changes to confirm, confirms
        /// them on the Checks sheet (Yes and a reason) and uploads again. Returns how many were confirmed.
        /// </summary>
        public async Task<int> UploadWorkbookAsync(string token, ReturnRecord r, TimeSpan timeout)
        {
            var path = $"api/workbooks/{r.Year}/{r.ServiceId}";
            var layout = WorkbookLayout.For(BuiltInDefinitions.For(r.Year));
            using var get = WithToken(HttpMethod.Get, path, token);
            using var download = await http.SendAsync(get);
            if (!download.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"Could not download service {r.ServiceId}'s {r.Year} workbook: {(int)download.StatusCode}: {await download.Content.ReadAsStringAsync()}");
            }
            var template = await download.Content.ReadAsByteArrayAsync();
            var answers = WorkbookFiller.Answers(layout, r.Values.AsDictionary()).Append(WorkbookFiller.Submit(layout)).ToList();
            IReadOnlyList<string> confirm = [];
            for (var attempt = 1; ; attempt++)
            {
                var file = WorkbookFiller.SetCells(template, [.. answers, .. WorkbookFiller.Confirm(layout, confirm, "The demo's figures changed this much (synthetic data).")]);
                using var post = WithToken(HttpMethod.Post, path + "/uploads", token,
                    new ByteArrayContent(file) { Headers = { ContentType = new MediaTypeHeaderValue(WorkbookTemplate.ContentType) } });
                var (uploaded, _) = await SendAsync(post, $"upload service {r.ServiceId}'s {r.Year} workbook");
                Interlocked.Increment(ref _uploads);
                var report = await WaitForReportAsync(token, uploaded.GetProperty("report").GetString()!, timeout);
                var status = report.GetProperty("status").GetString();
                if (status == "accepted") return confirm.Count;
                var problems = report.GetProperty("problems").EnumerateArray().Select(p => (
                    Sheet: p.GetProperty("sheet").GetString(), Cell: p.GetProperty("cell").GetString(), Message: p.GetProperty("message").GetString())).ToList();
                var checks = problems.Select(p => layout.Checks.FirstOrDefault(c => p.Sheet == WorkbookLayout.ChecksSheet && p.Cell == c.ConfirmReference)).ToList();
                if (status != "rejected" || attempt > 1 || problems.Count == 0 || checks.Any(c => c is null))
                {
                    throw new InvalidOperationException($"Service {r.ServiceId}'s {r.Year} workbook was {status}: " +
                        string.Join("; ", problems.Select(p => $"{p.Sheet ?? "-"}!{p.Cell ?? "-"}: {p.Message}")));
                }
                confirm = checks.Select(c => c!.Rule.Id).ToList();
            }
        }

        private async Task<JsonElement> WaitForReportAsync(string token, string report, TimeSpan timeout)
        {
            var deadline = DateTimeOffset.UtcNow + timeout;
            while (true)
            {
                using var request = WithToken(HttpMethod.Get, report.TrimStart('/'), token);
                var (body, _) = await SendAsync(request, $"read the upload report {report}");
                var status = body.GetProperty("status").GetString();
                if (status is not ("queued" or "processing")) return body;
                if (DateTimeOffset.UtcNow >= deadline)
                {
                    throw new InvalidOperationException($"The upload report {report} is still {status} after {timeout.TotalSeconds:0} s: is the upload trigger (ValidateUploadedWorkbook) running?");
                }
                await Task.Delay(250);
            }
        }

        /// <summary>The return's status as its service reads it (null when there is none).</summary>
        public async Task<string?> ReturnStatusAsync(string token, int year, int serviceId)
        {
            using var request = WithToken(HttpMethod.Get, $"api/returns/{year}/{serviceId}", token);
            using var response = await http.SendAsync(request);
            if (response.StatusCode == HttpStatusCode.NotFound) return null;
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"Could not read service {serviceId}'s {year} return: {(int)response.StatusCode}");
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString();
        }

        /// <summary>
        /// NPPN's bulk load of a year's returns as one CSV (service_id, the field ids, confirmed_warnings). When the only
        /// problems are year-on-year changes to confirm, loads it again confirming them. Returns (imported, confirmed).
        /// </summary>
        public async Task<(int Imported, int Confirmed)> ImportReturnsAsync(int year, IReadOnlyList<ReturnRecord> returns)
        {
            var confirm = new Dictionary<int, List<string>>();
            for (var attempt = 1; ; attempt++)
            {
                using var request = Admin(HttpMethod.Post, $"api/years/{year}/returns/import", new StringContent(ReturnsCsv(returns, confirm), Encoding.UTF8, "text/csv"));
                using var response = await http.SendAsync(request);
                var text = await response.Content.ReadAsStringAsync();
                if (response.IsSuccessStatusCode)
                {
                    return (JsonDocument.Parse(text).RootElement.GetProperty("imported").GetInt32(), confirm.Values.Sum(c => c.Count));
                }
                var problems = response.StatusCode == HttpStatusCode.UnprocessableEntity && attempt == 1
                    ? JsonDocument.Parse(text).RootElement.GetProperty("problems").EnumerateArray()
                        .Select(p => (Line: p.GetProperty("line").GetInt32(), Code: ConfirmCode().Match(p.GetProperty("message").GetString() ?? "")))
                        .ToList()
                    : null;
                if (problems is null || problems.Any(p => !p.Code.Success))
                {
                    throw new InvalidOperationException($"Could not load the {year} returns: {(int)response.StatusCode}: {text}");
                }
                foreach (var (line, code) in problems)
                {
                    var serviceId = returns[line - 2].ServiceId; // line 1 is the header
                    if (!confirm.TryGetValue(serviceId, out var codes)) confirm[serviceId] = codes = [];
                    codes.Add(code.Groups[1].Value);
                }
            }
        }

        private static readonly System.Text.RegularExpressions.Regex ConfirmPattern = new(@"put (\S+) in the confirmed_warnings column");

        private static System.Text.RegularExpressions.Regex ConfirmCode() => ConfirmPattern;

        private static string ReturnsCsv(IReadOnlyList<ReturnRecord> returns, IReadOnlyDictionary<int, List<string>> confirm)
        {
            // Every field of the year's definition: a file that replaces returns must mention each (empty for no answer).
            var fields = BuiltInDefinitions.For(returns[0].Year).Fields.Select(f => f.Id)
                .Union(returns.SelectMany(r => r.Values.AsDictionary().Keys)).Distinct().Order(StringComparer.Ordinal).ToList();
            using var text = new StringWriter(CultureInfo.InvariantCulture);
            using var csv = new CsvHelper.CsvWriter(text, CultureInfo.InvariantCulture);
            csv.WriteField(Core.Intake.ReturnsCsv.ServiceColumn);
            foreach (var field in fields) csv.WriteField(field);
            csv.WriteField(Core.Intake.ReturnsCsv.ConfirmedColumn);
            csv.NextRecord();
            foreach (var r in returns)
            {
                csv.WriteField(r.ServiceId);
                foreach (var field in fields) csv.WriteField(r.Values.Text(field) ?? "");
                csv.WriteField(confirm.TryGetValue(r.ServiceId, out var codes) ? string.Join(ReturnValues.ChoiceSeparator, codes) : "");
                csv.NextRecord();
            }
            csv.Flush();
            return text.ToString();
        }

        public async Task<PublishedIndex> WaitForPublishedAsync(IReadOnlyList<int> years, TimeSpan timeout)
        {
            var deadline = DateTimeOffset.UtcNow + timeout;
            while (true)
            {
                using var response = await http.GetAsync("data/" + PublishedPaths.Index);
                if (response.IsSuccessStatusCode)
                {
                    var index = (await response.Content.ReadFromJsonAsync<PublishedIndex>(Json))!;
                    if (years.All(y => index.Years.Any(p => p.Year == y))) return index;
                }
                if (DateTimeOffset.UtcNow >= deadline)
                {
                    throw new InvalidOperationException($"/data/{PublishedPaths.Index} did not list {string.Join(", ", years)} within {timeout.TotalSeconds:0} s: is the timer (CloseYearSchedule) running?");
                }
                await Task.Delay(500);
            }
        }

        public async Task<bool> ExistsAsync(string path)
        {
            using var response = await http.GetAsync(path);
            return response.IsSuccessStatusCode;
        }

        public async Task<byte[]> GetBytesAsync(string path)
        {
            using var response = await http.GetAsync(path);
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"GET /{path}: {(int)response.StatusCode}");
            return await response.Content.ReadAsByteArrayAsync();
        }

        public async Task<T> GetDataAsync<T>(string path)
        {
            using var response = await http.GetAsync("data/" + path);
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"GET /data/{path}: {(int)response.StatusCode}");
            return (await response.Content.ReadFromJsonAsync<T>(PublishedSetBuilder.Json))!;
        }

        /// <summary>The values typed as a form sends them: numbers, yes/no, lists of options, text.</summary>
        private static Dictionary<string, object> Typed(ReturnRecord r)
        {
            var definition = BuiltInDefinitions.For(r.Year);
            return r.Values.AsDictionary().ToDictionary(kv => kv.Key, kv => !definition.Defines(kv.Key) ? kv.Value : definition.Field(kv.Key).Type switch
            {
                FieldType.Integer or FieldType.Decimal => (object)r.Values.Number(kv.Key)!.Value,
                FieldType.Boolean => r.Values.Flag(kv.Key)!.Value,
                FieldType.MultiChoice => r.Values.Choices(kv.Key),
                _ => kv.Value,
            });
        }

        private HttpRequestMessage Admin(HttpMethod method, string path, HttpContent? content = null) => WithToken(method, path, adminToken, content);

        private static HttpRequestMessage WithToken(HttpMethod method, string path, string token, HttpContent? content = null)
        {
            var request = new HttpRequestMessage(method, path) { Content = content };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return request;
        }

        private async Task<(JsonElement Body, string? ETag)> SendAsync(HttpRequestMessage request, string what)
        {
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"Could not {what}: {(int)response.StatusCode} {response.StatusCode}: {text}");
            }
            var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
            return (body, response.Headers.TryGetValues("ETag", out var etags) ? etags.First() : null);
        }
    }
}
