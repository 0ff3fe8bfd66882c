using Pps.Core.Reference;

namespace Pps.Core.Aggregation;

/// <summary>
/// Synthetic data is labelled as such wherever it shows. NPPN marks, per collection year, which parts of the
/// year's returns are synthetic (generated for the demo or for tests, not real services' data):
/// <see cref="SelfAssessment"/> (Part 1, the ratings) and <see cref="AdditionalData"/> (Part 2: type, budget,
/// staffing, access, casework, strategic). Reference rows are synthetic when their source says so
/// (<see cref="ReferenceRow.IsSynthetic"/>). Every figure that rests on synthetic data in any year it shows is
/// marked <see cref="Figure.Synthetic"/> and its notes open with a sentence saying which data is synthetic;
/// every highlight drawn from such a figure is marked too, so pages can show it.
/// </summary>
public static class SyntheticLabel
{
    /// <summary>Part 1: the self-assessment ratings and completion method.</summary>
    public const string SelfAssessment = "self-assessment";
    /// <summary>Part 2: the additional data.</summary>
    public const string AdditionalData = "additional-data";

    public static readonly IReadOnlyList<string> Parts = [SelfAssessment, AdditionalData];

    /// <summary>The start of every note that labels a figure as resting on synthetic data.</summary>
    public const string NotePrefix = "SYNTHETIC DATA:";

    /// <summary>The figures of one part, each marked and noted when it rests on synthetic returns or synthetic reference rows.</summary>
    public static PartResult Apply(PartResult part, string partName, AggregationInput input)
    {
        var figures = part.Figures.Select(f => Label(f, partName, input)).ToList();
        // Part 1's highlights read only the year computed (Part1Highlights); Part 2's may compare with the year
        // before, so one resting on synthetic data in any year its figure shows is marked.
        var synthetic = figures
            .Where(f => f.Synthetic && (partName != SelfAssessment || IsSynthetic(input, f.Year, partName) || ReferenceIsSynthetic(f)))
            .Select(f => f.Id).ToHashSet(StringComparer.Ordinal);
        var highlights = part.Highlights.Select(h => synthetic.Contains(h.FigureId) ? h with { Synthetic = true } : h).ToList();
        return new PartResult(figures, highlights);
    }

    private static Figure Label(Figure figure, string partName, AggregationInput input)
    {
        var shown = figure.Years.Where(y => figure.ReturnsByYear is null || figure.ReturnsByYear.GetValueOrDefault(y) > 0);
        var years = shown.Where(y => IsSynthetic(input, y, partName)).ToList();
        var reference = ReferenceIsSynthetic(figure);
        if (years.Count == 0 && !reference) return figure;
        var what = new List<string>();
        if (years.Count > 0)
        {
            what.Add($"the {(partName == SelfAssessment ? "self-assessment ratings" : "additional data (Part 2)")} of {string.Join(", ", years)} " +
                     "are synthetic returns, generated for the demo, not real services' data");
        }
        if (reference) what.Add("some reference figures it uses come from rows whose source is labelled synthetic (see the source note)");
        return figure with { Synthetic = true, Notes = [$"{NotePrefix} {string.Join("; ", what)}.", .. figure.Notes] };
    }

    /// <summary>
    /// What on a service's page rests on synthetic data, a sentence each, by service id and whether the page shows
    /// ratings: the year's Part 2 figures (the service's own and the comparisons beside them), the year's ratings
    /// and the shares beside them, last year's ratings and the changes since, and measures dividing by a reference
    /// figure that is synthetic for the service.
    /// </summary>
    public static Func<int, bool, IReadOnlyList<string>> ForServicePages(AggregationInput input, IReadOnlyList<AdditionalData.Measure> measures)
    {
        var year = input.Year;
        var common = new List<string>();
        if (IsSynthetic(input, year, AdditionalData)) common.Add($"The additional data (Part 2) of {year} are synthetic: this service's figures and the national, regional and neighbours' figures beside them.");
        var ratingsNow = IsSynthetic(input, year, SelfAssessment)
            ? $"The self-ratings of {year} are synthetic, and so are the national and regional shares beside them." : null;
        var ratingsBefore = IsSynthetic(input, year - 1, SelfAssessment)
            ? $"Last year's ratings ({year - 1}) are synthetic, and so are the changes since." : null;
        return (serviceId, hasRatings) =>
        {
            var notes = new List<string>(common);
            if (hasRatings && ratingsNow is not null) notes.Add(ratingsNow);
            if (hasRatings && ratingsBefore is not null) notes.Add(ratingsBefore);
            if (input.Reference.For(year, serviceId) is { } row)
            {
                var measured = measures.Where(m => m.Uses is not null && row.IsSyntheticFor(m.Uses)).Select(m => char.ToLowerInvariant(m.Title[0]) + m.Title[1..]).ToList();
                if (measured.Count > 0) notes.Add($"Reference figures used by {string.Join(", ", measured)} are synthetic for this service's area.");
            }
            return notes;
        };
    }

    private static bool IsSynthetic(AggregationInput input, int year, string partName) =>
        input.SyntheticParts.TryGetValue(year, out var parts) && parts.Contains(partName);

    /// <summary>Part2Context.SourceNotes lists the sources of the reference figures as "{what}: {source}; {source}, for {year}".</summary>
    private static bool ReferenceIsSynthetic(Figure figure) =>
        figure.Notes.Any(n => n.Contains(": " + ReferenceRow.SyntheticSourcePrefix, StringComparison.Ordinal)
                              || n.Contains("; " + ReferenceRow.SyntheticSourcePrefix, StringComparison.Ordinal));
}
