namespace Pps.Core.Definition;

/// <summary>
/// Stable field ids, shared by every year whose definition asks the same question, so that the
/// aggregation and the year-on-year checks can find last year's value.
/// </summary>
public static class FieldIds
{
    public const string CompletedBy = "assessment.completedBy";
    public static string Rating(string exemplificationCode) => "rating." + exemplificationCode;

    public const string ServiceType = "service.type";
    public const string ServiceTypeChange = "service.typeChange";
    public const string LowerAge = "service.lowerAge";
    public const string UpperAge = "service.upperAge";

    public const string CoreBudget = "budget.core";
    public const string OtherBudgetCount = "budget.otherCount";
    public const string OtherBudgetKinds = "budget.otherKinds";
    public const string OtherBudgetName = "budget.otherName";

    public const string ManagerFte = "staff.managerFte";
    public const string OtherPaidFte = "staff.otherPaidFte";
    public const string AdminFte = "staff.adminFte";
    public const string ManagesOtherStaff = "staff.managesOtherStaff";
    public static readonly IReadOnlyList<string> StaffFte = [ManagerFte, OtherPaidFte, AdminFte];

    public const string VolunteerIps = "volunteers.ips";
    public const string IpsNewlyTrained = "volunteers.ipsNewlyTrained";
    public const string OtherVolunteers = "volunteers.other";

    public const string ResponseDays = "access.responseDays";
    public const string CommunityLanguages = "access.communityLanguages";
    public const string LanguageCount = "access.languageCount";
    public const string Formats = "access.formats";
    public const string FormatKinds = "access.formatKinds";

    public const string TimeCasework = "time.casework";
    public const string TimeOtherDirect = "time.otherDirect";
    public const string TimePolicy = "time.policy";
    public const string TimeTraining = "time.training";
    public const string TimeSupervision = "time.supervision";
    public const string TimeOther = "time.other";
    public static readonly IReadOnlyList<string> TimeCategories =
        [TimeCasework, TimeOtherDirect, TimePolicy, TimeTraining, TimeSupervision, TimeOther];
    public const string TimeMethod = "time.method";

    public const string CaseworkUsers = "casework.users";
    public const string ExcludedPupils = "casework.excludedPupils";

    public const string ParentCarerForum = "strategic.parentCarerForum";

    public const string Comments = "comments.text";
}
