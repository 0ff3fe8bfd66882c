using Pps.Core.Aggregation;
using Pps.Core.Catalogue;
using Pps.Core.Definition;
using Pps.Core.Validation;

namespace Pps.Core.Returns;

public enum ReturnState
{
    NotStarted,
    Draft,
    Submitted,
    Locked,
}

/// <summary>One service in the completeness view: where its return stands and what it still has to confirm.</summary>
public sealed record ServiceCompleteness(
    int ServiceId,
    string Name,
    string? Region,
    ReturnState State,
    int Revision,
    DateTimeOffset? UpdatedAt,
    string? UpdatedBy,
    DateTimeOffset? SubmittedAt,
    DateTimeOffset ClosesFor,
    IReadOnlyList<ValidationIssue> UnconfirmedWarnings);

/// <summary>A participation total as the report's Tables A and B show it: a count and a whole percentage of the services nationally.</summary>
public sealed record ParticipationTotal(string Table, string Title, int Count, int NationalServiceCount, int? Percent);

public sealed record CompletenessReport(
    int Year,
    CollectionState State,
    DateTimeOffset Opens,
    DateTimeOffset Closes,
    int NationalServiceCount,
    IReadOnlyDictionary<ReturnState, int> ByState,
    IReadOnlyList<ParticipationTotal> Totals,
    IReadOnlyList<ServiceCompleteness> Services);

/// <summary>
/// The completeness of a collection year. A service counts towards Table A (the exemplifications survey)
/// when its returned return rates an exemplification, and towards Table B (the additional data) when it gives
/// any field of an additional-data section; drafts do not count. The same rules as the published figures. The denominator is
/// the year's national number of services (150 since 2010), as in the report.
/// </summary>
public static class Completeness
{
    public static CompletenessReport Build(
        CollectionYear year, IReadOnlyList<ServiceReturn> returns, IReadOnlyList<ServiceReturn> lastYear, ReturnDefinition definition, DateTimeOffset now,
        ServiceCatalogue catalogue)
    {
        var byService = returns.Select(r => r.AsOf(year, now)).ToDictionary(r => r.ServiceId);
        var previous = lastYear.ToDictionary(r => r.ServiceId);
        var ids = catalogue.ExistingIn(year.Year).Select(s => s.Id).Union(byService.Keys).Order().ToList();

        var services = ids.Select(id =>
        {
            var service = catalogue.Find(id);
            var r = byService.GetValueOrDefault(id);
            IReadOnlyList<ValidationIssue> unconfirmed = r is null || !previous.TryGetValue(id, out var before)
                ? []
                : ReturnValidator.YearOnYearWarnings(definition, r.Values, before.Values).Where(w => !r.ConfirmedWarnings.Contains(w.Code)).ToList();
            return new ServiceCompleteness(
                id, service?.Name ?? $"Service {id}", service?.Region, StateOf(r), r?.Revision ?? 0, r?.UpdatedAt, r?.UpdatedBy, r?.SubmittedAt,
                year.ClosesFor(id), unconfirmed);
        }).ToList();

        // Returned, Table A and Table B by the same rules as the published figures (ServiceReturn.IsReturned with
        // ReturnDefinition.CountsAsSubmitted, then RatesAnyExemplification and GivesAdditionalData), on the returns as stored.
        var returned = returns.Where(r => r.IsReturned && definition.CountsAsSubmitted(r.Values)).ToList();
        var national = year.NationalServiceCount;
        ParticipationTotal Total(string table, string title, Func<ReturnValues, bool> counts)
        {
            var count = returned.Count(r => counts(r.Values));
            return new ParticipationTotal(table, title, count, national, Percent.Rounded(count, national));
        }

        return new CompletenessReport(
            year.Year, year.StateAt(now), year.Opens, year.Closes, national,
            Enum.GetValues<ReturnState>().ToDictionary(s => s, s => services.Count(x => x.State == s)),
            [
                Total("Table A", "Services contributing to the exemplifications survey", definition.RatesAnyExemplification),
                Total("Table B", "Services contributing to the additional data collection", definition.GivesAdditionalData),
            ],
            services);
    }

    public static ReturnState StateOf(ServiceReturn? r) => r is null ? ReturnState.NotStarted : StateOf(r.Status);

    public static ReturnState StateOf(ReturnStatus status) => status switch
    {
        ReturnStatus.Draft => ReturnState.Draft,
        ReturnStatus.Submitted => ReturnState.Submitted,
        _ => ReturnState.Locked,
    };
}
