namespace Pps.Core.Aggregation.AdditionalData;

/// <summary>
/// Collects the opening statements of the Part 2 sections. A statement is only made when every number it needs
/// was computed and its figure rests on at least one return: a missing number never turns into a 0 in a
/// sentence, and "0 services contributed" is not said of a year whose additional data was never loaded.
/// </summary>
internal sealed class HighlightList
{
    private readonly List<Highlight> _items = [];

    public IReadOnlyList<Highlight> Items => _items;

    public void Add(string id, string section, Figure figure, string template, params (string Name, decimal? Value)[] values)
    {
        if (values.Any(v => v.Value is null)) return;
        if (figure.Returns == 0) return;
        _items.Add(new Highlight(id, section, figure.Id, template, values.ToDictionary(v => v.Name, v => v.Value!.Value)));
    }

    /// <summary>The value of a figure's statistic, or null when the figure lacks it.</summary>
    public static decimal? Stat(Figure figure, string name) => figure.Statistics.GetValueOrDefault(name);
}
