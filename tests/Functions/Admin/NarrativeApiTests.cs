using System.Text.Json;
using Pps.Core.Publishing;
using Pps.Core.Storage;
using Pps.Functions.Admin;
using Pps.Tests.Publishing;
using static Pps.Tests.Functions.Returns.ApiHarness;
using static Pps.Tests.Support.Window2013;

namespace Pps.Tests.Functions.Admin;

/// <summary>NPPN's narrative for a year's report (issue 26): stored with the year, refused with the field named, published with the set.</summary>
public class NarrativeApiTests
{
    private static object Sections(params (string Place, string? Text)[] places) => new { sections = places.ToDictionary(p => p.Place, p => p.Text) };

    [Fact]
    public async Task NPPN_saves_the_years_narrative_reads_it_back_and_a_save_on_a_stale_version_is_refused()
    {
        var api = await StartAsync();
        var narrative = api.App.Function<NarrativeFunctions>();

        var empty = await Run(narrative.Get(Request("GET", AdminToken), 2013, default));
        Assert.Equal(200, empty.Status);
        Assert.Equal(ReportNarrative.Places.Select(p => p.Id), empty.Body.GetProperty("places").EnumerateArray().Select(p => p.GetProperty("id").GetString()));
        Assert.All(empty.Body.GetProperty("places").EnumerateArray(), p => Assert.Equal("", p.GetProperty("markdown").GetString()));

        var saved = await Run(narrative.Save(Request("PUT", AdminToken, Sections(("budget", "The total budget **fell** by about 2%.\r\n\r\n- 20 services report a decrease"), ("staffing", "  "))), 2013, default));
        Assert.Equal(200, saved.Status);
        Assert.NotNull(saved.ETag);
        var read = await Run(narrative.Get(Request("GET", AdminToken), 2013, default));
        var places = read.Body.GetProperty("places").EnumerateArray().ToDictionary(p => p.GetProperty("id").GetString()!, p => p.GetProperty("markdown").GetString());
        Assert.Equal("The total budget **fell** by about 2%.\n\n- 20 services report a decrease", places["budget"]);
        Assert.Equal("", places["staffing"]);   // blank is no text
        Assert.Equal("nppn", read.Body.GetProperty("updatedBy").GetString());
        Assert.Equal(saved.ETag, read.ETag);

        // A second first save, and a save on the version before the last, are refused with the current text.
        var again = await Run(narrative.Save(Request("PUT", AdminToken, Sections(("budget", "Someone else's"))), 2013, default));
        Assert.Equal(412, again.Status);
        Assert.Contains("exists already", again.Detail);
        var second = await Run(narrative.Save(Request("PUT", AdminToken, Sections(("budget", "Second")), saved.ETag), 2013, default));
        Assert.Equal(200, second.Status);
        var stale = await Run(narrative.Save(Request("PUT", AdminToken, Sections(("budget", "Stale")), saved.ETag), 2013, default));
        Assert.Equal(412, stale.Status);
        Assert.Equal("Second", stale.Body.GetProperty("current").GetProperty("places").EnumerateArray().Single(p => p.GetProperty("id").GetString() == "budget").GetProperty("markdown").GetString());

        // Only NPPN, and only for a year that is set up.
        var token = await api.TokenForAsync(42);
        Assert.Equal(403, (await Run(narrative.Save(Request("PUT", token, Sections(("budget", "Mine"))), 2013, default))).Status);
        Assert.Equal(403, (await Run(narrative.Get(Request("GET", token), 2013, default))).Status);
        Assert.Equal(404, (await Run(narrative.Save(Request("PUT", AdminToken, Sections(("budget", "x"))), 2031, default))).Status);
        Assert.Equal(404, (await Run(narrative.Get(Request("GET", AdminToken), 2031, default))).Status);
    }

    [Fact]
    public async Task HTML_a_text_over_the_limit_or_a_place_the_report_does_not_have_is_refused_naming_the_field_and_nothing_is_stored()
    {
        var api = await StartAsync();
        var narrative = api.App.Function<NarrativeFunctions>();
        var first = await Run(narrative.Save(Request("PUT", AdminToken, Sections(("budget", "Kept."))), 2013, default));

        var refused = await Run(narrative.Save(Request("PUT", AdminToken, Sections(
            ("budget", "Fell by 2%. <script>alert(1)</script>"), ("staffing", new string('a', ReportNarrative.MaxSectionLength + 1)), ("area-1", "Fine.")), first.ETag), 2013, default));
        Assert.Equal(422, refused.Status);
        var errors = refused.Body.GetProperty("errors");
        Assert.Equal(["sections.budget", "sections.staffing"], errors.EnumerateObject().Select(e => e.Name).Order());
        Assert.Contains("write Markdown, not HTML (\"<script>alert(1)", errors.GetProperty("sections.budget")[0].GetString());
        Assert.Contains("Staffing: the text is 20,001 characters; at most 20,000", errors.GetProperty("sections.staffing")[0].GetString());
        Assert.Contains("nothing was saved", refused.Detail);

        var unknown = await Run(narrative.Save(Request("PUT", AdminToken, Sections(("appendix-4", "x")), first.ETag), 2013, default));
        Assert.Equal(422, unknown.Status);
        Assert.Contains("no place \"appendix-4\"", unknown.Body.GetProperty("errors").GetProperty("sections.appendix-4")[0].GetString());
        var missing = await Run(narrative.Save(Request("PUT", AdminToken, new { }, first.ETag), 2013, default));
        Assert.Equal(422, missing.Status);
        Assert.True(missing.Body.GetProperty("errors").TryGetProperty("sections", out _));

        // Nothing of the refused saves was stored, and the version is still the first.
        var stored = await api.App.Get<NarrativeStore>().ReadAsync(2013);
        Assert.Equal("Kept.", Assert.Single(stored!.Value.Narrative.Sections).Value);
        Assert.Equal(first.ETag, stored.Value.ETag.ToString("H"));
    }

    [Fact]
    public async Task The_close_publishes_the_narrative_with_the_standing_text_and_the_appendices_as_files_of_the_set()
    {
        var api = await StartAsync();
        var narrative = api.App.Function<NarrativeFunctions>();
        Assert.Equal(200, (await Run(narrative.Save(Request("PUT", AdminToken, Sections(
            ("budget", "The total budget **fell** by about 2%."), ("introduction", "This is the tenth year."))), 2013, default))).Status);
        var token = await api.TokenForAsync(42);
        var draft = await api.PutReturn(token, 42, Save(FullReturn()));
        Assert.Equal(200, (await api.Submit(token, 42, null, draft.ETag)).Status);

        api.Clock.Now = Closes.AddDays(1);
        var outcome = await api.App.Get<YearCloser>().CloseAndPublishAsync(2013);
        var manifest = outcome.Manifest!;

        var file = Assert.Single(manifest.Files, f => f.Kind == "narrative");
        var publishedFile = (await BlobPublishedStore.For(api.Storage).ReadAsync(file.Path, default))!.Value.Content;
        PublishingFixtures.AssertMatches("narrative", publishedFile, file.Path);
        var published = JsonDocument.Parse(publishedFile.ToMemory()).RootElement;
        Assert.Equal(["introduction", "budget"], published.GetProperty("narrative").EnumerateArray().Select(s => s.GetProperty("id").GetString()));
        Assert.Equal("The total budget **fell** by about 2%.", published.GetProperty("narrative")[1].GetProperty("markdown").GetString());
        Assert.Equal(StandingText.All.Select(s => s.Id), published.GetProperty("standing").EnumerateArray().Select(s => s.GetProperty("id").GetString()));
        var appendices = Assert.Single(manifest.Files, f => f.Kind == "appendices");
        var appendicesFile = (await BlobPublishedStore.For(api.Storage).ReadAsync(appendices.Path, default))!.Value.Content;
        PublishingFixtures.AssertMatches("appendices", appendicesFile, appendices.Path);
        var text = JsonDocument.Parse(appendicesFile.ToMemory()).RootElement;
        Assert.Equal(34, text.GetProperty("exemplifications").GetProperty("areas").EnumerateArray().Sum(a => a.GetProperty("exemplifications").GetArrayLength()));
        Assert.Equal(Pps.Core.Definition.BuiltInDefinitions.All.For(2013).Fields.Count(),
            text.GetProperty("questions").EnumerateArray().Sum(s => s.GetProperty("questions").GetArrayLength()));
    }
}
