using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Pps.Core.Definition;

namespace Pps.Core.Publishing;

/// <summary>A passage of the report's words: where it goes (<paramref name="Id"/>), its heading and its text as Markdown.</summary>
public sealed record TextSection(string Id, string Title, string Markdown);

/// <summary>A place in the report where NPPN writes the year's own text (its commentary), and where it is printed.</summary>
public sealed record NarrativePlace(string Id, string Title, string Where);

/// <summary>
/// NPPN's narrative for a year as stored: Markdown per place in the report (<see cref="ReportNarrative.Places"/>), who
/// last changed it and when. The report prints it as the year's commentary; nothing in it is generated.
/// </summary>
public sealed record YearNarrative(int Year, IReadOnlyDictionary<string, string> Sections, DateTimeOffset UpdatedAt, string UpdatedBy);

/// <summary>
/// The places in the report where NPPN writes the year's commentary, in the printed 2013 report's order, and the
/// rules its text is held to: Markdown of at most <see cref="MaxSectionLength"/> characters, never HTML (the site
/// renders the Markdown to elements and shows anything else as text, but HTML is refused where it is written, so
/// NPPN knows it will not be passed through).
/// </summary>
public static class ReportNarrative
{
    public const int MaxSectionLength = 20_000;

    public static readonly IReadOnlyList<NarrativePlace> Places =
    [
        new("introduction", "Introduction", "opens the report, before the summary"),
        new("participation", "Who took part", "under \"Who took part\", before Tables A and B"),
        new("exemplifications", "Part 1: the exemplifications", "opens Part 1, before Charts 1 to 4"),
        new("area-1", "Working with parents (1a to 1h)", "before the charts of exemplifications 1a to 1h"),
        new("area-2", "Information and publicity (2a to 2g)", "before the charts of exemplifications 2a to 2g"),
        new("area-3", "Training, advice and support (3a to 3f)", "before the charts of exemplifications 3a to 3f"),
        new("area-4", "Networking and collaboration (4a to 4d)", "before the charts of exemplifications 4a to 4d"),
        new("area-5", "Informing and shaping local policy and practice (5a to 5d)", "before the charts of exemplifications 5a to 5d"),
        new("area-6", "Management of the PPS (6a to 6e)", "before the charts of exemplifications 6a to 6e"),
        new("cautionary", "This year's cautionary notes", "after the standing cautionary notes, at the start of Part 2"),
        new("type", "Type of service provision", "opens its section in Part 2"),
        new("budget", "Service budget", "opens its section in Part 2"),
        new("staffing", "Staffing", "opens its section in Part 2"),
        new("access", "Access to the Parent Partnership Service", "opens its section in Part 2"),
        new("casework", "Casework and other roles", "opens its section in Part 2"),
        new("strategic", "Involvement in strategic work", "opens its section in Part 2"),
        new("future", "Looking ahead", "after \"Using the benchmarking data\", before the notes on method"),
    ];

    private static readonly HashSet<string> PlaceIds = Places.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);

    // A tag, a comment or a declaration as a browser would read it: "<" followed by a letter, "/", "!" or "?". A "<" in
    // prose ("fewer than 5 <10%", "a < b") is text and stays.
    private static readonly Regex Html = new(@"<(?:[/?]?[A-Za-z]|!)", RegexOptions.CultureInvariant);

    /// <summary>
    /// What is wrong with <paramref name="sections"/> (place id to Markdown), each problem naming its field
    /// (<c>sections.{id}</c>): a place the report does not have, a text over the limit, HTML, or a control character.
    /// Empty when it may be stored as it is.
    /// </summary>
    public static IReadOnlyList<ValidationIssue> Check(IReadOnlyDictionary<string, string?> sections)
    {
        var issues = new List<ValidationIssue>();
        foreach (var (id, text) in sections)
        {
            var field = $"sections.{id}";
            if (!PlaceIds.Contains(id))
            {
                issues.Add(ValidationIssue.Error(field, "unknown-section",
                    $"The report has no place \"{id}\" for text; the places are {string.Join(", ", Places.Select(p => p.Id))}."));
                continue;
            }
            if (text is null) continue;
            var title = Places.First(p => p.Id == id).Title;
            if (text.Length > MaxSectionLength)
            {
                issues.Add(ValidationIssue.Error(field, "too-long",
                    $"{title}: the text is {text.Length.ToString("N0", CultureInfo.InvariantCulture)} characters; at most {MaxSectionLength.ToString("N0", CultureInfo.InvariantCulture)} are allowed."));
            }
            if (Html.Match(text) is { Success: true } tag)
            {
                var shown = text.Substring(tag.Index, Math.Min(20, text.Length - tag.Index)).Split('\n')[0];
                issues.Add(ValidationIssue.Error(field, "html",
                    $"{title}: write Markdown, not HTML (\"{shown}\" at character {tag.Index + 1}); the report never passes HTML through. Use *emphasis*, **strong**, - lists, ## headings and [links](https://…)."));
            }
            if (text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
            {
                issues.Add(ValidationIssue.Error(field, "control-character", $"{title}: the text holds a control character; paste it again as plain text."));
            }
        }
        return issues;
    }
}

/// <summary>
/// The report's standing text, the same every year and kept by the project (core/Publishing/Data/standing/*.md, NPPN's
/// words from the printed 2013 report made year-independent): a brief history, about the report, what services do, how the results are presented, how
/// services can be compared, cautionary notes, the minimum standards opening each Part 2 section, using the benchmarking data.
/// The file's number orders the passages (two digits, so that they sort as text).
/// </summary>
public static class StandingText
{
    private static readonly Lazy<IReadOnlyList<TextSection>> Loaded = new(Load);

    public static IReadOnlyList<TextSection> All => Loaded.Value;

    private static IReadOnlyList<TextSection> Load()
    {
        var assembly = typeof(StandingText).Assembly;
        const string prefix = "Pps.Core.Publishing.Standing.";
        return assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).Select(name =>
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
            var text = reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal);
            var firstLine = text.IndexOf('\n', StringComparison.Ordinal);
            var title = text[..firstLine].TrimStart('#', ' ');
            // "05-comparing.md": the number orders the passages, the rest names the place.
            var file = name[prefix.Length..^".md".Length];
            return new TextSection(file[(file.IndexOf('-', StringComparison.Ordinal) + 1)..], title, text[(firstLine + 1)..].Trim());
        }).ToList();
    }
}

/// <summary>One exemplification's full text: what Best practice, Good practice and Non-compliant mean, as Markdown.</summary>
public sealed record ExemplificationEntry(string Code, string Title, string Best, string Good, string NonCompliant);

/// <summary>An area of the exemplifications with the Code of Practice's minimum standards it exemplifies.</summary>
public sealed record ExemplificationArea(
    int Number, string Title, IReadOnlyList<string> LocalAuthorityStandards, IReadOnlyList<string> ServiceStandards, IReadOnlyList<ExemplificationEntry> Exemplifications);

/// <summary>
/// The 2010 exemplifications of the minimum standards, in full (the report's Appendix 2), as the project keeps them:
/// core/Publishing/Data/exemplifications-2010.json, made from the document by tests/data/exemplifications-2010-text.py.
/// </summary>
public sealed record ExemplificationsDocument(string Title, string Published, IReadOnlyList<ExemplificationArea> Areas)
{
    private static readonly Lazy<ExemplificationsDocument> Loaded = new(() =>
    {
        using var stream = typeof(ExemplificationsDocument).Assembly.GetManifestResourceStream("Pps.Core.Publishing.exemplifications-2010.json")!;
        return JsonSerializer.Deserialize<ExemplificationsDocument>(stream, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
    });

    public static ExemplificationsDocument Revised2010 => Loaded.Value;
}

/// <summary>One question of the year's return as Appendix 3 prints it: its number and label, what answer it takes, its help.</summary>
public sealed record ReturnQuestion(string Id, string Label, string Answer, string? Help, bool Required, string? ReportRef);

/// <summary>A section of the year's return with its questions.</summary>
public sealed record ReturnQuestionSection(string Id, string Title, string? Help, IReadOnlyList<ReturnQuestion> Questions);

/// <summary>
/// The report's appendices 2 and 3 for a year: the exemplifications' full text, and the questions of the year's return
/// from its definition (what the form asked; the form's help text cites them).
/// </summary>
public sealed record ReportAppendices(int Year, ExemplificationsDocument Exemplifications, IReadOnlyList<ReturnQuestionSection> Questions)
{
    public static ReportAppendices For(int year, ReturnDefinition? definition) => new(year, ExemplificationsDocument.Revised2010,
        definition is null ? [] : definition.Sections.Select(s => new ReturnQuestionSection(s.Id, s.Title, s.Help,
            s.Fields.Select(f => new ReturnQuestion(f.Id, f.Label, Answer(f), f.Help, f.RequiredForSubmission, f.ReportRef)).ToList())).ToList());

    /// <summary>What answer a question takes, in words: "A whole number from 0 to 100 (%)", "One of: …".</summary>
    public static string Answer(FieldDefinition field)
    {
        var unit = field.Unit switch { null or "" => "", "£" => " (£)", var u => $" ({u})" };
        string Range() => (field.Min, field.Max) switch
        {
            ({ } min, { } max) => $" from {Number(min)} to {Number(max)}",
            ({ } min, null) => $" of at least {Number(min)}",
            (null, { } max) => $" of at most {Number(max)}",
            _ => "",
        };
        var options = string.Join("; ", field.Options.Select(o => o.Label));
        return field.Type switch
        {
            FieldType.Rating => $"A self-rating against the exemplification (Appendix 2): {options}.",
            FieldType.Choice => $"One of: {options}.",
            FieldType.MultiChoice => $"Any of: {options}.",
            FieldType.Integer => $"A whole number{Range()}{unit}.",
            FieldType.Decimal => $"A number{Range()}{unit}, with at most {field.Decimals} decimal place{(field.Decimals == 1 ? "" : "s")}.",
            FieldType.Boolean => "Yes or no.",
            _ => $"Text, at most {field.MaxLength.ToString("N0", CultureInfo.InvariantCulture)} characters.",
        };
    }

    private static string Number(decimal value) => value.ToString("#,0.##", CultureInfo.InvariantCulture);
}

/// <summary>
/// The report's words for a year as published (kind "narrative"): the standing text the project keeps and NPPN's own
/// narrative for the year, by place; the site renders both, as Markdown, where the printed report had them.
/// </summary>
public sealed record PublishedNarrative(int Year, IReadOnlyList<TextSection> Standing, IReadOnlyList<TextSection> Narrative, DateTimeOffset? UpdatedAt)
{
    public static PublishedNarrative For(int year, YearNarrative? narrative) => new(year, StandingText.All,
        narrative is null ? [] : ReportNarrative.Places
            .Where(p => narrative.Sections.TryGetValue(p.Id, out var text) && !string.IsNullOrWhiteSpace(text))
            .Select(p => new TextSection(p.Id, p.Title, narrative.Sections[p.Id])).ToList(),
        narrative?.UpdatedAt);
}

/// <summary>What a year's set publishes of the report's text: its words (<see cref="PublishedNarrative"/>) and appendices 2 and 3.</summary>
public sealed record ReportText(PublishedNarrative Narrative, ReportAppendices Appendices)
{
    /// <summary>The text of a set with no narrative of NPPN's, the questions from the built-in definition of the year (if there is one).</summary>
    public static ReportText Standing(int year) => new(PublishedNarrative.For(year, null), ReportAppendices.For(year, BuiltInDefinitions.All.Find(year)));
}
