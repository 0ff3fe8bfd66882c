using System.Globalization;
using Pps.Core.Aggregation;
using Pps.Core.Catalogue;
using Pps.Core.Definition;
using Pps.Core.Storage;

namespace Pps.Core.Returns;

/// <summary>What became of a request about a collection year's window.</summary>
public abstract record YearOutcome
{
    public sealed record Done(CollectionYear Year, string ETag, bool Created) : YearOutcome;

    public sealed record Invalid(IReadOnlyList<ValidationIssue> Issues, string Summary) : YearOutcome;

    /// <summary>The write was based on a version that is no longer current; carries what is stored now.</summary>
    public sealed record Conflict(CollectionYear? Current, string? CurrentETag, string Message) : YearOutcome;

    public sealed record Forbidden(string Message) : YearOutcome;

    public sealed record Refused(string Message) : YearOutcome;

    public sealed record NotFound(string Message) : YearOutcome;
}

/// <summary>
/// A year's window as NPPN sets it; <paramref name="SyntheticParts"/> null leaves them as they are, and
/// <paramref name="MaxExtensionDays"/> null leaves the bound on extensions as it is (<see cref="CollectionYear.DefaultMaxExtensionDays"/> for a new year).
/// </summary>
public sealed record WindowChange(
    DateTimeOffset Opens, DateTimeOffset Closes, int? NationalServiceCount, IReadOnlyList<string>? SyntheticParts = null, int? MaxExtensionDays = null);

/// <summary>NPPN's control of a collection year: opening the window, moving its closing date, granting late returns.</summary>
public sealed class CollectionWindowService(CollectionYearStore years, TimeProvider clock, IDefinitionCatalog definitions, ServicesNationally servicesNationally, ServiceCatalogue catalogue)
{
    /// <summary>
    /// Opens a year's window (<paramref name="ifMatch"/> null: the year must not exist yet) or moves its dates
    /// (<paramref name="ifMatch"/>: the version read).
    /// </summary>
    public async Task<YearOutcome> SetWindowAsync(
        Actor actor, int year, DateTimeOffset opens, DateTimeOffset closes, int? nationalServiceCount, string? ifMatch, CancellationToken ct = default) =>
        await SetWindowAsync(actor, year, new WindowChange(opens, closes, nationalServiceCount), ifMatch, ct);

    /// <summary>As above, with every setting of the window: dates, national count, and the parts NPPN marks synthetic (null: unchanged).</summary>
    public async Task<YearOutcome> SetWindowAsync(Actor actor, int year, WindowChange change, string? ifMatch, CancellationToken ct = default)
    {
        var (opens, closes, nationalServiceCount) = (change.Opens, change.Closes, change.NationalServiceCount);
        if (!actor.IsNppn) return new YearOutcome.Forbidden("Only NPPN can open a collection or move its dates.");
        var issues = new List<ValidationIssue>();
        if (closes <= opens) issues.Add(ValidationIssue.Error("closes", "range", $"The closing date ({Day(closes)}) must be after the opening date ({Day(opens)})."));
        if (nationalServiceCount is <= 0 or > 1000) issues.Add(ValidationIssue.Error("nationalServiceCount", "range", "The number of services nationally must be between 1 and 1000."));
        if (change.MaxExtensionDays is < 0 or > CollectionYear.MaxExtensionDaysLimit)
        {
            issues.Add(ValidationIssue.Error("maxExtensionDays", "range",
                $"The longest extension must be between 0 and {CollectionYear.MaxExtensionDaysLimit} days after the closing date ({change.MaxExtensionDays} given)."));
        }
        foreach (var part in change.SyntheticParts ?? [])
        {
            if (!SyntheticLabel.Parts.Contains(part))
            {
                issues.Add(ValidationIssue.Error("synthetic", "option", $"\"{part}\" is not a part of a return; give {string.Join(" or ", SyntheticLabel.Parts)}."));
            }
        }
        if (year is < 2000 or > 2100) issues.Add(ValidationIssue.Error("year", "range", $"{year} is not a collection year."));
        if (issues.Count > 0) return new YearOutcome.Invalid(issues, "The collection dates need correcting; nothing was saved.");
        var definition = await definitions.FindAsync(year, ct);
        if (definition is null)
        {
            return new YearOutcome.Invalid([ValidationIssue.Error("year", "no-definition", $"There is no return definition for {year}: publish it (PUT /api/definitions/{year}) before opening the year.")],
                $"The {year} collection cannot open without its return definition; nothing was saved.");
        }

        var found = await years.GetAsync(year, ct);
        if (found?.ETag != ifMatch)
        {
            return new YearOutcome.Conflict(found?.Year, found?.ETag, found is null
                ? $"The {year} collection does not exist yet: open it without If-Match."
                : $"The {year} collection was changed since you read it (or exists already). Reload it and apply your change again.");
        }
        CollectionYear updated;
        if (found is null)
        {
            updated = new CollectionYear
            {
                Year = year, Opens = opens, Closes = closes,
                NationalServiceCount = nationalServiceCount ?? servicesNationally.InYear(year),
                SyntheticParts = change.SyntheticParts?.Distinct().ToList() ?? [],
                MaxExtensionDays = change.MaxExtensionDays ?? CollectionYear.DefaultMaxExtensionDays,
            };
        }
        else
        {
            var current = found.Value.Year;
            if (current.PublishedAt is not null) return new YearOutcome.Refused($"The {year} figures are published; the collection dates can no longer change.");
            if (current.ClosedAt is not null && (closes != current.Closes || opens != current.Opens))
            {
                return new YearOutcome.Refused(
                    $"The {year} collection was closed on {Day(current.ClosedAt.Value)} and its returns locked; grant a service an extension to let it return late.");
            }
            if (clock.GetUtcNow() >= current.Opens && opens > clock.GetUtcNow())
            {
                // Its definition became final when it opened (DefinitionStore refuses changes from then on, and every
                // instance keeps it for good): a year that looked unopened again would let a new version be published.
                return new YearOutcome.Refused(
                    $"The {year} collection opened on {Day(current.Opens)}: its opening date cannot move into the future (answers were given under its definition).");
            }
            updated = current with
            {
                Opens = opens, Closes = closes, NationalServiceCount = nationalServiceCount ?? current.NationalServiceCount,
                SyntheticParts = change.SyntheticParts?.Distinct().ToList() ?? current.SyntheticParts,
                MaxExtensionDays = change.MaxExtensionDays ?? current.MaxExtensionDays,
            };
        }
        try
        {
            var etag = await years.SaveAsync(updated, ifMatch, ct);
            return new YearOutcome.Done(updated, etag, found is null);
        }
        catch (ConcurrencyConflictException e)
        {
            var now = await years.GetAsync(year, ct);
            return new YearOutcome.Conflict(now?.Year, now?.ETag, e.Message);
        }
    }

    /// <summary>
    /// Lets one service return late, until <paramref name="until"/>. An extension only adds to the year, so it is
    /// merged into whatever version is current (retried if someone else wrote the year in between).
    /// </summary>
    public async Task<YearOutcome> GrantExtensionAsync(Actor actor, int year, int serviceId, DateTimeOffset until, CancellationToken ct = default)
    {
        if (!actor.IsNppn) return new YearOutcome.Forbidden("Only NPPN can grant an extension.");
        if (!catalogue.IsKnown(serviceId)) return new YearOutcome.NotFound($"There is no service {serviceId}.");
        for (var attempt = 0; ; attempt++)
        {
            var found = await years.GetAsync(year, ct);
            if (found is null) return new YearOutcome.NotFound($"The {year} collection has not been set up.");
            var (current, etag) = found.Value;
            if (current.PublishedAt is not null) return new YearOutcome.Refused($"The {year} figures are published; no extension can be granted.");
            if (until <= current.Closes || until <= clock.GetUtcNow())
            {
                return new YearOutcome.Invalid(
                    [ValidationIssue.Error("until", "range", $"An extension must end after the closing date ({Day(current.Closes)}) and in the future ({Day(until)} given).")],
                    "The extension date needs correcting; nothing was saved.");
            }
            if (until > current.LatestExtension)
            {
                return new YearOutcome.Invalid(
                    [ValidationIssue.Error("until", "range",
                        $"An extension may run to {DayAndTime(current.LatestExtension)} at the latest, {current.MaxExtensionDays} days after the closing date " +
                        $"({DayAndTime(until)} given), so that no one return holds the year's publication back. NPPN sets the bound (maxExtensionDays) with the year's dates.")],
                    "The extension date needs correcting; nothing was saved.");
            }
            var extensions = new Dictionary<int, DateTimeOffset>(current.Extensions) { [serviceId] = until };
            var updated = current with { Extensions = extensions };
            try
            {
                return new YearOutcome.Done(updated, await years.SaveAsync(updated, etag, ct), false);
            }
            catch (ConcurrencyConflictException e)
            {
                // Someone else changed the year in between: merge into the new version, a few times at most.
                if (attempt >= 3) return new YearOutcome.Conflict(e.Current as CollectionYear, null, e.Message);
            }
        }
    }

    /// <summary>
    /// Withdraws one service's extension: its window closes with everyone else's again. Like a grant it is merged
    /// into whatever version of the year is current.
    /// </summary>
    public async Task<YearOutcome> WithdrawExtensionAsync(Actor actor, int year, int serviceId, CancellationToken ct = default)
    {
        if (!actor.IsNppn) return new YearOutcome.Forbidden("Only NPPN can withdraw an extension.");
        for (var attempt = 0; ; attempt++)
        {
            var found = await years.GetAsync(year, ct);
            if (found is null) return new YearOutcome.NotFound($"The {year} collection has not been set up.");
            var (current, etag) = found.Value;
            if (!current.Extensions.ContainsKey(serviceId)) return new YearOutcome.NotFound($"Service {serviceId} has no extension for {year}.");
            if (current.PublishedAt is not null) return new YearOutcome.Refused($"The {year} figures are published; extensions can no longer change.");
            var extensions = current.Extensions.Where(kv => kv.Key != serviceId).ToDictionary(kv => kv.Key, kv => kv.Value);
            var updated = current with { Extensions = extensions };
            try
            {
                return new YearOutcome.Done(updated, await years.SaveAsync(updated, etag, ct), false);
            }
            catch (ConcurrencyConflictException e)
            {
                if (attempt >= 3) return new YearOutcome.Conflict(e.Current as CollectionYear, null, e.Message);
            }
        }
    }

    private static string Day(DateTimeOffset at) => at.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);

    private static string DayAndTime(DateTimeOffset at) => at.UtcDateTime.ToString("d MMMM yyyy, HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
