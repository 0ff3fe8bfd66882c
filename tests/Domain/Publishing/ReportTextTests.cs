using System.Text.RegularExpressions;
using Pps.Core.Definition;
using Pps.Core.Publishing;

namespace Pps.Tests.Publishing;

/// <summary>The report's words and appendices as the project keeps them (issue 26): standing text, Appendix 2, Appendix 3, and the narrative's rules.</summary>
public sealed partial class ReportTextTests
{
    [GeneratedRegex(@"[\s•*_-]+")]
    private static partial Regex Layout();

    /// <summary>Text compared without its layout: whitespace, bullets and Markdown's marks.</summary>
    private static string Words(string text) => Layout().Replace(text, " ").Trim();

    [Fact]
    public void Appendix_2_holds_the_34_exemplifications_each_with_the_documents_text_for_every_level()
    {
        var document = ExemplificationsDocument.Revised2010;
        var entries = document.Areas.SelectMany(a => a.Exemplifications).ToList();
        var ratings = BuiltInDefinitions.All.For(2013).Fields.Where(f => f.Type == FieldType.Rating).ToList();

        Assert.Equal(6, document.Areas.Count);
        Assert.Equal(34, entries.Count);
        Assert.Equal(ratings.Select(f => f.Id["rating.".Length..]), entries.Select(e => e.Code));
        // The same document the form's help shows beside each rating (the definition's plain text): every level's words
        // are in the appendix's text, in the same order.
        foreach (var (entry, field) in entries.Zip(ratings))
        {
            Assert.Equal(Words(field.Exemplification!.Best), Words(entry.Best));
            Assert.Equal(Words(field.Exemplification.Good), Words(entry.Good));
            Assert.Equal(Words(field.Exemplification.NonCompliant), Words(entry.NonCompliant));
            Assert.StartsWith(entry.Code + " ", field.Label);
            Assert.EndsWith(entry.Title, field.Label);
        }
        // 2f's website list is a list, not a paragraph with bullets in it.
        Assert.Contains("\n- contact details\n", entries.Single(e => e.Code == "2f").Best);
        Assert.All(document.Areas, a => Assert.NotEmpty(a.LocalAuthorityStandards));
        Assert.DoesNotContain(entries, e => e.Best.Contains('<') || e.Good.Contains('<') || e.NonCompliant.Contains('<'));
    }

    [Fact]
    public void Appendix_3_lists_every_question_of_the_years_definition_in_its_order_with_what_it_takes()
    {
        var definition = BuiltInDefinitions.All.For(2013);
        var appendix = ReportAppendices.For(2013, definition);

        Assert.Equal(definition.Sections.Select(s => s.Title), appendix.Questions.Select(s => s.Title));
        Assert.Equal(definition.Fields.Select(f => f.Id), appendix.Questions.SelectMany(s => s.Questions).Select(q => q.Id));
        var questions = appendix.Questions.SelectMany(s => s.Questions).ToDictionary(q => q.Id);
        Assert.Equal("One of: PPS officer; PPS officer with the management/steering group; PPS officer with the local authority officer.", questions["assessment.completedBy"].Answer);
        Assert.Equal("A number from 0 to 100 (%), with at most 1 decimal place.", questions["time.policy"].Answer);
        Assert.StartsWith("A self-rating against the exemplification (Appendix 2): Best practice; Good practice;", questions["rating.1a"].Answer);
        Assert.True(questions["rating.1a"].Required);
        Assert.Empty(ReportAppendices.For(2099, null).Questions);
    }

    [Fact]
    public void The_standing_text_is_the_projects_in_the_printed_reports_order()
    {
        Assert.Equal([
            "history", "about", "role", "presented", "comparing", "cautionary",
            "standards-type", "standards-budget", "standards-staffing", "standards-access", "standards-casework", "standards-strategic", "using",
        ], StandingText.All.Select(s => s.Id));
        Assert.Equal("How can services be compared?", StandingText.All.Single(s => s.Id == "comparing").Title);
        Assert.Equal("A brief history", StandingText.All.Single(s => s.Id == "history").Title);
        Assert.All(StandingText.All, s => Assert.Empty(ReportNarrative.Check(new Dictionary<string, string?> { ["introduction"] = s.Markdown })));
        // Standing means the same every year: no report's year is written into it. Its history ends with the revised
        // exemplifications of 2010, so a later year would be a report's own.
        Assert.All(StandingText.All, s => Assert.DoesNotMatch(@"\b20(1[1-9]|[2-9]\d)\b", s.Markdown));
    }

    [Theory]
    [InlineData("budget", "<script>alert(1)</script>", "html")]
    [InlineData("budget", "Fine text, then <b>bold</b>", "html")]
    [InlineData("budget", "<!-- hidden -->", "html")]
    [InlineData("area-1", "\u0007bell", "control-character")]
    [InlineData("appendix-9", "text", "unknown-section")]
    public void A_narrative_with_html_an_unknown_place_or_a_control_character_is_refused_naming_the_field(string place, string text, string code)
    {
        var issue = Assert.Single(ReportNarrative.Check(new Dictionary<string, string?> { [place] = text }));
        Assert.Equal($"sections.{place}", issue.FieldId);
        Assert.Equal(code, issue.Code);
    }

    [Fact]
    public void A_narrative_over_the_limit_is_refused_with_its_length_and_prose_with_a_less_than_sign_is_not()
    {
        var issue = Assert.Single(ReportNarrative.Check(new Dictionary<string, string?> { ["staffing"] = new string('a', ReportNarrative.MaxSectionLength + 1) }));
        Assert.Equal("sections.staffing", issue.FieldId);
        Assert.Equal("too-long", issue.Code);
        Assert.Contains("20,001 characters; at most 20,000", issue.Message);
        Assert.Empty(ReportNarrative.Check(new Dictionary<string, string?>
        {
            ["staffing"] = new string('a', ReportNarrative.MaxSectionLength),
            ["budget"] = "Services with < 1 FTE: 22%; a < b and 5 > 3. **Strong** and *emphasis*, [NPPN](https://www.parentpartnership.org.uk).",
        }));
    }
}
