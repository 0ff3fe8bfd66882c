using Pps.Core.Reference;

namespace Pps.Tests.Core;

/// <summary>What a reference import would change, worked out in the domain with no storage.</summary>
public class ReferenceChangesTests
{
    private static ReferenceRow Row(int service, int year, long population, string? source = null) =>
        new(service, year, "London", population, 10, 20) { Source = source };

    [Fact]
    public void Only_the_years_in_the_file_change_and_a_row_they_lack_is_removed()
    {
        var current = new ReferenceData([Row(1, 2013, 100), Row(2, 2013, 200), Row(1, 2012, 90)]);
        var imported = new ReferenceData([Row(1, 2013, 100, "ONS mid-2014"), Row(3, 2013, 300)]);

        var changes = ReferenceChanges.Between(current, imported);

        Assert.Equal([2013], changes.Years);
        Assert.Equal((1, 1, 1, 0), (changes.New, changes.Changed, changes.Removed, changes.Unchanged));
        var changed = changes.Rows.Single(r => r.Change == ReferenceChanges.ChangedRow);
        Assert.Equal(new ReferenceFieldChange("source", null, "ONS mid-2014"), Assert.Single(changed.Fields));
        Assert.Equal(2, changes.Rows.Single(r => r.Change == ReferenceChanges.RemovedRow).ServiceId);
        Assert.Contains(new ReferenceFieldChange("population_0_19", null, "300"), changes.Rows.Single(r => r.Change == ReferenceChanges.NewRow).Fields);
        Assert.DoesNotContain(changes.Rows, r => r.Year == 2012);
    }

    [Fact]
    public void The_same_neighbours_in_another_order_are_unchanged()
    {
        var changes = ReferenceChanges.Between(
            new Dictionary<int, IReadOnlyList<int>> { [1] = [2, 3], [4] = [1] },
            new Dictionary<int, IReadOnlyList<int>> { [1] = [3, 2], [5] = [1] });
        Assert.Equal((1, 0, 1, 1), (changes.New, changes.Changed, changes.Removed, changes.Unchanged));
    }
}
