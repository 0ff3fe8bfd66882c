using Pps.Core.Definition;
using Pps.Core.Reference;

namespace Pps.Core.Aggregation.AdditionalData;

/// <summary>
/// One numeric measure of a service in a year, read from its return and, for ratios, from the reference data
/// of the same year. Null means the service did not give it (or the reference value it needs is missing):
/// the service is then left out of that measure only; nothing is ever read as 0.
/// </summary>
/// <param name="Id">Machine name: "budget", "budget_per_head".</param>
/// <param name="Unit">A <see cref="Column"/> unit: "gbp", "fte", "count", "per1000", "ratio".</param>
/// <param name="Decimals">Places the published statistics are rounded to (halves away from zero).</param>
/// <param name="Uses">Which reference measure it divides by, for the figure's source note: "population", "sen", "fsm" or null.</param>
public sealed record Measure(string Id, string Title, string Unit, int Decimals, Func<ReturnValues, ReferenceRow?, decimal?> Value, string? Uses = null)
{
    public decimal? Of(ReturnRecord record, ReferenceData reference) =>
        Value(record.Values, Uses is null ? null : reference.For(record.Year, record.ServiceId));
}

/// <summary>The numeric measures of the additional data, shared by the national figures and the benchmarking.</summary>
public static class Measures
{
    /// <summary>Core PPS budget, whole pounds (Table E, Chart 8).</summary>
    public static readonly Measure Budget = new("budget", "Core PPS budget", "gbp", 2, (v, _) => v.Number(FieldIds.CoreBudget));

    /// <summary>
    /// Employed staff FTE, all roles (Table F, Chart 19): the sum of the roles the service gave, when it gave at
    /// least one; the same measure as the return's year-on-year check on staff FTE. No role given: no value.
    /// </summary>
    public static readonly Measure Fte = new("fte", "Employed staff, full-time equivalent", "fte", 2, (v, _) => FteTotal(v));

    public static readonly Measure VolunteerIps = new("volunteer_ips", "Volunteers active as Independent Parental Supporters", "count", 2, (v, _) => v.Number(FieldIds.VolunteerIps));
    public static readonly Measure IpsTrained = new("ips_trained", "Independent Parental Supporters newly trained", "count", 2, (v, _) => v.Number(FieldIds.IpsNewlyTrained));
    public static readonly Measure OtherVolunteers = new("other_volunteers", "Other active volunteers (not acting as IPS)", "count", 2, (v, _) => v.Number(FieldIds.OtherVolunteers));
    public static readonly Measure CaseworkUsers = new("casework_users", "Parent/carer casework service users", "count", 2, (v, _) => v.Number(FieldIds.CaseworkUsers));

    public static readonly Measure BudgetPerHead = new("budget_per_head", "Budget per head of 0-19 population", "gbp", 2,
        (v, r) => Divide(v.Number(FieldIds.CoreBudget), r?.Population0To19), "population");
    public static readonly Measure BudgetPerUser = new("budget_per_user", "Budget per parent/carer casework service user", "gbp", 2,
        (v, _) => Divide(v.Number(FieldIds.CoreBudget), v.Number(FieldIds.CaseworkUsers)));
    public static readonly Measure BudgetPerSenPupil = new("budget_per_sen_pupil", "Budget per pupil with SEN", "gbp", 2,
        (v, r) => Divide(v.Number(FieldIds.CoreBudget), r?.SenPupils), "sen");
    public static readonly Measure BudgetPerFsmPupil = new("budget_per_fsm_pupil", "Budget per pupil taking free school meals", "gbp", 2,
        (v, r) => Divide(v.Number(FieldIds.CoreBudget), r?.FsmPupils), "fsm");

    public static readonly Measure FtePer1000 = new("fte_per_1000", "Employed staff FTE per 1,000 population aged 0-19", "per1000", 3,
        (v, r) => Per1000(FteTotal(v), r?.Population0To19), "population");

    /// <summary>Chart 23: only services with at least 2 volunteer IPS, as the report says.</summary>
    public static readonly Measure IpsPer1000 = new("volunteer_ips_per_1000", "Volunteer IPS per 1,000 population aged 0-19 (services with at least 2)", "per1000", 3,
        (v, r) => v.Number(FieldIds.VolunteerIps) is { } ips && ips >= 2m ? Per1000(ips, r?.Population0To19) : null, "population");

    /// <summary>Chart 26: FTE plus volunteer IPS plus other volunteers; all three must be given.</summary>
    public static readonly Measure StaffAndVolunteersPer1000 = new("staff_and_volunteers_per_1000", "Staff FTE and volunteers per 1,000 population aged 0-19", "per1000", 3,
        (v, r) => Per1000(StaffAndVolunteers(v), r?.Population0To19), "population");

    public static readonly Measure UsersPer1000 = new("casework_users_per_1000", "Casework service users per 1,000 population aged 0-19", "per1000", 2,
        (v, r) => Per1000(v.Number(FieldIds.CaseworkUsers), r?.Population0To19), "population");
    public static readonly Measure UsersPerFte = new("casework_users_per_fte", "Casework service users per employed FTE", "ratio", 2,
        (v, _) => Divide(v.Number(FieldIds.CaseworkUsers), FteTotal(v)));

    /// <summary>Chart 35: services with at least one volunteer IPS (there is nothing to divide by otherwise).</summary>
    public static readonly Measure UsersPerIps = new("casework_users_per_ips", "Casework service users per volunteer IPS", "ratio", 2,
        (v, _) => Divide(v.Number(FieldIds.CaseworkUsers), v.Number(FieldIds.VolunteerIps)));

    /// <summary>Every measure a service is benchmarked on.</summary>
    public static IReadOnlyList<Measure> Benchmarked { get; } =
    [
        Budget, Fte, VolunteerIps, IpsTrained, OtherVolunteers, CaseworkUsers,
        BudgetPerHead, BudgetPerUser, BudgetPerSenPupil, BudgetPerFsmPupil,
        FtePer1000, StaffAndVolunteersPer1000, UsersPer1000, UsersPerFte, UsersPerIps,
    ];

    public static decimal? FteTotal(ReturnValues v)
    {
        decimal? total = null;
        foreach (var role in FieldIds.StaffFte)
        {
            if (v.Number(role) is { } fte) total = (total ?? 0m) + fte;
        }
        return total;
    }

    public static decimal? StaffAndVolunteers(ReturnValues v) =>
        FteTotal(v) is { } fte && v.Number(FieldIds.VolunteerIps) is { } ips && v.Number(FieldIds.OtherVolunteers) is { } other
            ? fte + ips + other
            : null;

    /// <summary>a / b; null when either is missing or b is not positive.</summary>
    public static decimal? Divide(decimal? a, decimal? b) => a is null || b is null || b <= 0 ? null : a.Value / b.Value;

    public static decimal? Divide(decimal? a, long? b) => Divide(a, (decimal?)b);

    public static decimal? Per1000(decimal? a, long? b) => Divide(a, b) is { } r ? r * 1000m : null;
}
