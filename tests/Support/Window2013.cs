using Pps.Core.Catalogue;
using Pps.Core.Storage;

namespace Pps.Tests.Support;

/// <summary>
/// The collection most tests run in: 2013, open from 1 September to 31 October 2013 at 17:00, with the clock at
/// 15 September. One place for it, so that a test that moves a date says so instead of writing its own window.
/// Files use it with <c>using static Pps.Tests.Support.Window2013;</c>.
/// </summary>
public static class Window2013
{
    public static readonly DateTimeOffset Opens = new(2013, 9, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Closes = new(2013, 10, 31, 17, 0, 0, TimeSpan.Zero);

    /// <summary>The tests' "now": the window is open.</summary>
    public static readonly DateTimeOffset Now = new(2013, 9, 15, 10, 0, 0, TimeSpan.Zero);

    /// <summary>The 2013 collection as NPPN opens it: this window, 150 services nationally.</summary>
    public static CollectionYear Collection => new() { Year = 2013, Opens = Opens, Closes = Closes, NationalServiceCount = 150 };

    /// <summary>Opens the 2013 collection in <paramref name="app"/>'s storage.</summary>
    public static async Task OpenAsync(TestApp app) => await OpenAsync(app.Get<CollectionYearStore>());

    public static async Task OpenAsync(CollectionYearStore years) => await years.SaveAsync(Collection, null);
}
