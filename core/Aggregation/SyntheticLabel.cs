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

    private static bool IsSynthetic(AggregationInput input, int year, string partName) =>
        input.SyntheticParts.TryGetValue(year, out var parts) && parts.Contains(partName);

    /// <summary>Part2Context.SourceNotes lists the sources of the reference figures as "{what}: {source}; {source}, for {year}".</summary>
    private static bool ReferenceIsSynthetic(Figure figure) =>
        figure.Notes.Any(n => n.Contains(": " + ReferenceRow.SyntheticSourcePrefix, StringComparison.Ordinal)
                              || n.Contains("; " + ReferenceRow.SyntheticSourcePrefix, StringComparison.Ordinal));
}
