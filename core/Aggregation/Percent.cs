using System.Globalization;

namespace Pps.Core.Aggregation;

/// <summary>
/// The one rounding rule for published percentages, as the report states it: "rounded to the nearest
/// whole number", halves away from zero. Percentages are always of the returns a figure rests on.
/// </summary>
public static class Percent
{
    public static decimal Exact(int count, int of) => of == 0 ? 0 : 100m * count / of;

    /// <summary>Whole-number percentage of <paramref name="count"/> in <paramref name="of"/>; null when there is nothing to divide by.</summary>
    public static int? Rounded(int count, int of) => of == 0 ? null : (int)Math.Round(100m * count / of, 0, MidpointRounding.AwayFromZero);

    public static decimal Round(decimal value, int decimals) => Math.Round(value, decimals, MidpointRounding.AwayFromZero);

    public static string Format(decimal value) =>
        value == decimal.Truncate(value)
            ? value.ToString("#,0", CultureInfo.InvariantCulture)
            : value.ToString("#,0.##", CultureInfo.InvariantCulture);

    public static string FormatMoney(decimal value) =>
        value == decimal.Truncate(value)
            ? value.ToString("#,0", CultureInfo.InvariantCulture)
            : value.ToString("#,0.00", CultureInfo.InvariantCulture);
}
