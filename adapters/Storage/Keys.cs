using System.Globalization;

namespace Pps.Core.Storage;

/// <summary>Partition and row keys, padded so that they sort in numeric order.</summary>
internal static class Keys
{
    public static string Year(int year) => year.ToString("0000", CultureInfo.InvariantCulture);
    public static string Service(int serviceId) => serviceId.ToString("000", CultureInfo.InvariantCulture);
    public static string Revision(int revision) => revision.ToString("000000", CultureInfo.InvariantCulture);
    public static string ServiceYear(int year, int serviceId) => $"{Year(year)}-{Service(serviceId)}";
    public static int Parse(string key) => int.Parse(key, CultureInfo.InvariantCulture);
}
