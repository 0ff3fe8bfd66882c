using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Pps.Core.Catalogue;
using Pps.Core.Definition;
using Pps.Core.Returns;
using Pps.Core.Storage;
using Pps.Core.Validation;
using Pps.Tests.Support;
using static Pps.Tests.Support.Window2013;

namespace Pps.Tests.Browser;

/// <summary>
/// The devhost (the real app, in-process, on Azurite) in the production topology, and Debian's Chromium driven by
/// Playwright (never a downloaded browser): the site packaged as the deployment packages it (site/package.mjs) and
/// served from one origin as the static website serves it, the API on another behind the app's CORS, so every
/// page's call to the API is cross-origin, as in Azure. The 2013 window is open from 1 September to 31 October 2013 and
/// the app's clock says 15 September. Screenshots go to tests/artifacts/browser/ (git-ignored).
/// </summary>
public sealed class BrowserPages : IAsyncDisposable
{

    private BrowserPages(DevHostFixture host, IPlaywright playwright, IBrowser browser)
    {
        Host = host;
        Playwright = playwright;
        Browser = browser;
    }

    public DevHostFixture Host { get; }
    public IPlaywright Playwright { get; }
    public IBrowser Browser { get; }

    /// <param name="settings">More of the host's settings (mail, the site's port), over the production topology's.</param>
    /// <param name="now">The app's clock at the start (15 September 2013 unless given).</param>
    public static async Task<BrowserPages> StartAsync(bool openYear = true, IReadOnlyDictionary<string, string>? settings = null, DateTimeOffset? now = null)
    {
        var site = RepoFiles.At("site", "dist");
        Assert.True(File.Exists(Path.Combine(site, "form.html")), $"The site is not built: run `npm ci && npm run build` in site/ ({site} has no form.html).");
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        var all = new Dictionary<string, string> { ["DevHost:Site"] = site, ["topology"] = "production" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) all[key] = value;
        var host = await DevHostFixture.StartAsync(all, now);
        if (openYear)
        {
            await host.Services.GetRequiredService<CollectionYearStore>()
                .SaveAsync(Collection, null);
        }
        var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        return new BrowserPages(host, playwright, browser);
    }

    /// <summary>A new tab in a context of its own (its own sessionStorage, as a second browser tab has).</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Host.SiteUrl.ToString(),
            TimezoneId = "Europe/London",
            Locale = "en-GB",
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        var page = await context.NewPageAsync();
        page.Dialog += (_, dialog) => throw new InvalidOperationException($"A dialog opened: {dialog.Message}");
        return page;
    }

    /// <summary>Opens a page of the site and waits until its script says it is ready.</summary>
    public static async Task OpenAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await page.WaitForFunctionAsync("() => document.body.dataset.ready === 'true'");
    }

    /// <summary>
    /// Opens the section of the return that holds the field, as an officer does (the form shows one section at a time):
    /// back to the task list if a section or check-your-answers is showing, then the section's link. Nothing when it shows.
    /// </summary>
    public static async Task ShowSectionOfAsync(IPage page, string fieldId, ReturnDefinition? definition = null)
    {
        var section = SectionOf(fieldId, definition);
        if (await page.Locator($"#part-{section}").IsVisibleAsync()) return;
        await ShowTaskListAsync(page);
        await page.ClickAsync($"#task-list a[href='#part-{section}']");
        await page.Locator($"#part-{section}").WaitForAsync();
    }

    /// <summary>The id of the section of the return that holds the field (2013's definition unless given).</summary>
    public static string SectionOf(string fieldId, ReturnDefinition? definition = null) =>
        (definition ?? BuiltInDefinitions.For(2013)).Sections.First(s => s.Fields.Any(f => f.Id == fieldId)).Id;

    /// <summary>Back to the form's task list by its own link (from a section or check your answers), if it is not showing.</summary>
    public static async Task ShowTaskListAsync(IPage page)
    {
        if (await page.Locator("#task-list").IsVisibleAsync()) return;
        await page.Locator("a[href='#task-list']:visible").First.ClickAsync();
        await page.Locator("#task-list").WaitForAsync();
    }

    /// <summary>Signs in to the form with a service's token, typing it and pressing Enter.</summary>
    public static async Task SignInAsync(IPage page, string path, string inputId, string token)
    {
        await OpenAsync(page, path);
        await page.FocusAsync($"#{inputId}");
        await page.Keyboard.TypeAsync(token);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForFunctionAsync("() => document.body.dataset.ready === 'true' && !document.getElementById('" + inputId + "')");
    }

    public async Task<string> TokenForAsync(int serviceId) => await Host.TokenForAsync(serviceId);

    /// <summary>Stores last year's return for a service directly, as last year's collection left it.</summary>
    public async Task SeedLastYearAsync(int serviceId, params (string Id, string Value)[] values)
    {
        var parsed = ReturnValidator.Validate(BuiltInDefinitions.For(2012), values.ToDictionary(v => v.Id, v => (string?)v.Value));
        Assert.True(parsed.IsValid);
        await Host.Services.GetRequiredService<ReturnStore>().SaveAsync(new ServiceReturn
        {
            ServiceId = serviceId, Year = 2012, Status = ReturnStatus.Locked, Values = parsed.Values, UpdatedAt = Opens.AddYears(-1),
        }, null, "import", "import");
    }

    public Task<ServiceReturn?> StoredAsync(int serviceId) => Host.Services.GetRequiredService<ReturnStore>().GetAsync(2013, serviceId);

    /// <summary>axe-core with the WCAG 2.0-2.2 A and AA rules: no violation, or the test fails listing each.</summary>
    /// <param name="only">
    /// Selectors of the parts that changed since the whole page was checked (the return's 66 fields take axe
    /// about 10 s a run on a shared machine): only those are checked again. Empty: the whole page.
    /// </param>
    public static async Task AssertAccessibleAsync(IPage page, string what, params string[] only)
    {
        var context = only.Length == 0 ? null : new AxeRunContext { Include = only.Select(s => new AxeSelector(s)).ToList() };
        var result = await page.RunAxe(context, new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"] },
            // Every rule still runs; only the violations are reported back (the whole return's passes are large).
            ResultTypes = [ResultType.Violations],
        });
        var violations = result.Violations.Select(v => $"{v.Id} ({v.Impact}): {v.Help} — {string.Join("; ", v.Nodes.Take(3).Select(n => string.Join(" ", n.Target)))}").ToList();
        Assert.True(violations.Count == 0, $"axe found {violations.Count} violation(s) on {what}:\n{string.Join("\n", violations)}");
    }

    /// <summary>
    /// Screenshots kept as test artifacts in tests/artifacts/browser/: the page's first 1600 pixels
    /// ({name}.png) and, if given, the part the test is about ({name}-part.png). Not the whole page: the whole
    /// return is some 30,000 pixels tall, unreadable as one image and slow to encode.
    /// </summary>
    public static async Task ScreenshotAsync(IPage page, string name, ILocator? part = null)
    {
        var folder = RepoFiles.At("tests", "artifacts", "browser");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = true, Clip = new Clip { X = 0, Y = 0, Width = 1280, Height = 1600 } });
        if (part is not null) await part.ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(folder, name + "-part.png") });
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        Playwright.Dispose();
        await Host.DisposeAsync();
    }
}
