using Pps.Core.Catalogue;
using static Pps.Core.Definition.FieldIds;

namespace Pps.Core.Definition;

/// <summary>The return definition of every collection year the system knows.</summary>
public static class ReturnDefinitions
{
    private static readonly Lazy<ReturnDefinition> Lazy2013 = new(Build2013);

    public static IReadOnlyList<int> Years { get; } = [2013];

    /// <summary>
    /// The definition in force for a collection year. Only the 2013 form is defined; the report shows the
    /// same questions in the years before it, so earlier years use it too. A new year's form is a new
    /// Build method here, chosen by year.
    /// </summary>
    public static ReturnDefinition For(int year) => Lazy2013.Value;

    public static readonly IReadOnlyList<Option> RatingOptions =
    [
        new("B", "Best practice"),
        new("G", "Good practice"),
        new("N", "Non-compliant"),
        new("x", "Not completed (not Good practice, but not Non-compliant)"),
    ];

    private static ReturnDefinition Build2013()
    {
        FieldDefinition Count(string id, string label, string help, string reportRef, int max = 100_000) => new()
        {
            Id = id, Label = label, Type = FieldType.Integer, Help = help, Unit = "people", Min = 0, Max = max, ReportRef = reportRef,
        };
        FieldDefinition Fte(string id, string label, string help) => new()
        {
            Id = id, Label = label, Type = FieldType.Decimal, Decimals = 2, Help = help, Unit = "FTE", Min = 0, Max = 100,
            ReportRef = "Table F, Charts 16, 19-21, 26-27",
        };
        FieldDefinition Percent(string id, string label, string help) => new()
        {
            Id = id, Label = label, Type = FieldType.Decimal, Decimals = 1, Help = help, Unit = "%", Min = 0, Max = 100,
            ReportRef = "Charts 31a-31c",
        };
        FieldDefinition Choice(string id, string label, string help, string reportRef, params Option[] options) => new()
        {
            Id = id, Label = label, Type = FieldType.Choice, Help = help, Options = options, ReportRef = reportRef,
        };

        var ratings = Exemplifications.All.Select(e => new FieldDefinition
        {
            Id = Rating(e.Code),
            Label = $"{e.Code} {e.Title}",
            Type = FieldType.Rating,
            Options = RatingOptions,
            Help = $"Area {e.AreaNumber}, {e.Area}. Rate your practice against the 2010 exemplification.",
            ReportRef = "Charts 2-4, Table C",
        });

        string[] types = ["in-house", "out-sourced", "mixed"];
        var typeChanges = new List<Option> { new("none", "No change") };
        typeChanges.AddRange(types.SelectMany(from => types.Where(to => to != from)
            .Select(to => new Option($"{from}>{to}", $"From {from} to {to}"))));

        var sections = new List<SectionDefinition>
        {
            new("A", "Self-assessment against the exemplifications",
            [
                Choice(CompletedBy, "Who completed the self-assessment", "The PPS officer alone, or together with the management/steering group or the local authority officer.",
                    "Chart 1", new("PPO", "PPS officer"), new("PPO+MG", "PPS officer with the management/steering group"), new("PPO+LA", "PPS officer with the local authority officer")),
                .. ratings,
            ]) { Role = SectionRole.SelfAssessment },
            new("B", "Type of service",
            [
                Choice(ServiceType, "Type of service", "How the service is provided.", "Chart 5",
                    new("in-house", "In-house"), new("out-sourced", "Out-sourced"), new("mixed", "Mixed")),
                new() { Id = ServiceTypeChange, Label = "Change of type in the last 12 months", Type = FieldType.Choice, Options = typeChanges,
                    Help = "Whether the type of service changed in the last 12 months, and from what to what.", ReportRef = "Table D" },
                new() { Id = LowerAge, Label = "Lowest age covered", Type = FieldType.Integer, Unit = "years", Min = 0, Max = 18,
                    Help = "The youngest age of child or young person whose parents the service supports.", ReportRef = "Chart 6" },
                new() { Id = UpperAge, Label = "Highest age covered", Type = FieldType.Integer, Unit = "years", Min = 19, Max = 25,
                    Help = "The oldest age covered: from 19 up to 25.", ReportRef = "Chart 6" },
            ]),
            new("C", "Budget (financial year 2013-14)",
            [
                new() { Id = CoreBudget, Label = "Core PPS budget", Type = FieldType.Integer, Unit = "£", Min = 0, Max = 10_000_000,
                    Help = "Whole pounds. Include hidden elements (overheads, admin support, internal ICT charges); leave out disagreement resolution, choice advice and other separately funded work.",
                    ReportRef = "Table E, Charts 8-15" },
                new() { Id = OtherBudgetCount, Label = "Number of other budgets the PPS manages", Type = FieldType.Integer, Min = 0, Max = 20,
                    Help = "Budgets other than the core PPS budget that the service manages.", ReportRef = "Chart 7" },
                new() { Id = OtherBudgetKinds, Label = "Other budgets managed", Type = FieldType.MultiChoice, ReportRef = "Chart 7",
                    Help = "Tick each kind of other budget the service manages.",
                    Options = [new("parent-participation", "Parent Participation"), new("parent-carer-forum", "Parent Carer Forum"),
                        new("choice-advice", "Choice Advice"), new("disagreement-resolution", "Disagreement Resolution"), new("other", "Other")] },
                new() { Id = OtherBudgetName, Label = "Name of the other budget", Type = FieldType.Text, MaxLength = 200,
                    Help = "When \"Other\" is ticked, what the budget is for." },
            ]),
            new("D", "Staffing",
            [
                Fte(ManagerFte, "Manager / coordinator", "Full-time equivalent in post on 1 September, at most two decimals."),
                Fte(OtherPaidFte, "Other paid PPS staff", "Full-time equivalent in post on 1 September, at most two decimals."),
                Fte(AdminFte, "Administrative support", "Full-time equivalent in post on 1 September, at most two decimals."),
                new() { Id = ManagesOtherStaff, Label = "Manages staff not funded by the core PPS budget", Type = FieldType.Boolean, ReportRef = "Chart 18",
                    Help = "Yes if the PPS manager also manages staff paid from other budgets." },
                Count(VolunteerIps, "Volunteers active as Independent Parental Supporters", "Volunteer IPS active on 1 September.", "Table G, Charts 22-23, 35"),
                Count(IpsNewlyTrained, "IPS newly trained", "Volunteers trained as IPS between 1 September and 31 August.", "Table H, Chart 24"),
                Count(OtherVolunteers, "Other active volunteers", "Volunteers active on 1 September who do not act as IPS.", "Table I, Chart 25"),
            ]),
            new("E", "Access",
            [
                Choice(ResponseDays, "Response to enquiries", "The number of working days within which the service responds to at least 90% of enquiries.", "Chart 28",
                    new("1", "1 working day"), new("2", "2 working days"), new("3", "3 working days"), new("5", "5 working days"), new("more-than-5", "More than 5 working days")),
                Choice(CommunityLanguages, "Information in community languages", "How the service holds publications in community languages.", "Chart 29",
                    new("most-in-stock", "Most publications held in stock"), new("some-in-stock", "Some publications held in stock"),
                    new("on-request", "On request only"), new("none", "None")),
                new() { Id = LanguageCount, Label = "Number of community languages held in stock", Type = FieldType.Integer, Min = 1, Max = 200,
                    Help = "Only for services holding publications in stock.", ReportRef = "Table J" },
                Choice(Formats, "Publications in a range of formats", "Whether publications are offered in other formats.", "Chart 30",
                    new("matter-of-course", "As a matter of course"), new("on-request", "On request"), new("no-provision", "No provision")),
                new() { Id = FormatKinds, Label = "Formats offered", Type = FieldType.MultiChoice, ReportRef = "Table K",
                    Help = "Tick each format the service offers.",
                    Options = [new("audio", "Audio"), new("large-print", "Large print"), new("braille", "Braille"), new("video", "Video/DVD"), new("other", "Other")] },
            ]),
            new("F", "Casework and other roles",
            [
                Percent(TimeCasework, "Time: individual casework with parents", "Percentage of employed staff time (not volunteers, not admin)."),
                Percent(TimeOtherDirect, "Time: other direct work with parents", "Percentage of employed staff time."),
                Percent(TimePolicy, "Time: contributing to policy/strategy groups", "Percentage of employed staff time."),
                Percent(TimeTraining, "Time: training (other than for parents)", "Percentage of employed staff time."),
                Percent(TimeSupervision, "Time: supervision and service maintenance", "Percentage of employed staff time."),
                Percent(TimeOther, "Time: other work", "Percentage of employed staff time."),
                Choice(TimeMethod, "How the time percentages were found", "", "Charts 31a-31c",
                    new("best-approximation", "Best approximation"), new("time-records", "Service time-allocation records")),
                Count(CaseworkUsers, "Parent/carer casework service users", "Parents and carers who used the casework service between 1 September and 31 August (report Appendix 3).", "Table L, Charts 32-35", max: 1_000_000),
                Choice(ExcludedPupils, "Service to families of excluded pupils", "When the service works with the families of excluded pupils.", "Chart 36",
                    new("automatically", "Automatically"), new("if-requested", "If requested"), new("sen-only", "Only where the child has SEN"), new("statement-only", "Only where the child has a Statement")),
            ]),
            new("G", "Strategic work",
            [
                Choice(ParentCarerForum, "Involvement with the local Parent Carer Forum", "", "Chart 37",
                    new("leads", "Leads or organises it"), new("active-participant", "Active participant in a forum run by parents"), new("no-involvement", "No involvement")),
            ]),
            new("H", "Comments",
            [
                new() { Id = Comments, Label = "Comments", Type = FieldType.Text, MaxLength = 4000,
                    Help = "Anything unusual about this year's figures (the form's Section 30)." },
            ]) { Role = SectionRole.Comments },
        };

        CrossFieldRule[] rules =
        [
            new SumRule("time-adds-to-100", TimeCategories, 100m),
            new OnlyWhenRule("languages-only-when-stocked", LanguageCount, CommunityLanguages, ["most-in-stock", "some-in-stock"]),
            new NotGreaterThanRule("ages-in-order", LowerAge, UpperAge),
            new CountCoversChoicesRule("other-budgets-counted", OtherBudgetCount, OtherBudgetKinds),
            new ChoiceTickedRule("other-budget-name-only-for-other", OtherBudgetName, OtherBudgetKinds, "other"),
        ];

        YearOnYearRule[] yearOnYear =
        [
            new("yoy-casework-users", "Casework service users", [CaseworkUsers], 20m),
            new("yoy-core-budget", "Core PPS budget", [CoreBudget], 20m),
            new("yoy-staff-fte", "Staff FTE (all roles)", StaffFte, 20m),
        ];

        return new ReturnDefinition(2013, 1, sections, rules, yearOnYear);
    }
}
