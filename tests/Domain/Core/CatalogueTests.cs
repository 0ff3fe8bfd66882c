using Pps.Core.Catalogue;
using Pps.Core.Definition;

namespace Pps.Tests.Core;

public class CatalogueTests
{
    [Fact]
    public void There_are_34_exemplifications_in_six_areas_in_published_order()
    {
        Assert.Equal(34, Exemplifications.All.Count);
        Assert.Equal([8, 7, 6, 4, 4, 5], Exemplifications.Areas.Select(a => a.Exemplifications.Count));
        Assert.Equal("1a", Exemplifications.All[0].Code);
        Assert.Equal("6e", Exemplifications.All[^1].Code);
        Assert.Equal("Working with parents", Exemplifications.Areas[0].Title);
        Assert.Equal("Management of the PPS", Exemplifications.Areas[5].Title);
    }

    [Fact]
    public void Registry_keeps_ended_services_in_history()
    {
        Assert.Equal(154, ServiceCatalogue.BuiltIn.All.Count);
        var bedfordshire = ServiceCatalogue.BuiltIn.Find(26)!;
        Assert.Equal("Bedfordshire", bedfordshire.Name);
        Assert.Equal(2009, bedfordshire.LastYear);
        Assert.True(bedfordshire.ExistsIn(2009));
        Assert.False(bedfordshire.ExistsIn(2010));
        Assert.DoesNotContain(ServiceCatalogue.BuiltIn.ExistingIn(2013), s => s.Id is 26 or 72);
        Assert.Contains(ServiceCatalogue.BuiltIn.ExistingIn(2009), s => s.Id == 72);
    }

    [Fact]
    public void Every_current_service_has_a_local_authority_in_one_of_the_nine_regions()
    {
        foreach (var service in ServiceCatalogue.BuiltIn.ExistingIn(2013))
        {
            Assert.NotNull(service.LocalAuthority);
            Assert.True(Regions.IsRegion(service.Region!), $"service {service.Id} has region {service.Region}");
        }
        Assert.Equal(9, Regions.All.Count);
        Assert.Equal("Cornwall", ServiceCatalogue.BuiltIn.Find(43)!.LocalAuthority);
    }

    [Theory]
    [InlineData(2008, 148)]
    [InlineData(2009, 148)]
    [InlineData(2010, 150)]
    [InlineData(2013, 150)]
    [InlineData(2020, 150)]
    public void National_count_follows_the_report(int year, int count) =>
        Assert.Equal(count, ServicesNationally.BuiltIn.InYear(year));

    [Fact]
    public void Services_nationally_is_the_count_NPPN_set_for_a_years_collection_else_the_catalogues()
    {
        var opens = new DateTimeOffset(2013, 9, 1, 0, 0, 0, TimeSpan.Zero);
        var rule = ServicesNationally.BuiltIn.For([new CollectionYear { Year = 2013, Opens = opens, Closes = opens.AddDays(60), NationalServiceCount = 140 }]);
        Assert.Equal(140, rule(2013));
        Assert.Equal(150, rule(2012));
        Assert.Equal(148, rule(2009));
    }

    [Fact]
    public void Collection_year_state_follows_the_window_and_extensions()
    {
        var opens = new DateTimeOffset(2013, 9, 1, 0, 0, 0, TimeSpan.Zero);
        var year = new CollectionYear
        {
            Year = 2013, Opens = opens, Closes = opens.AddDays(60), NationalServiceCount = 150,
            Extensions = new Dictionary<int, DateTimeOffset> { [42] = opens.AddDays(70) },
        };
        Assert.Equal(CollectionState.Scheduled, year.StateAt(opens.AddDays(-1)));
        Assert.Equal(CollectionState.Open, year.StateAt(opens.AddDays(1)));
        Assert.Equal(CollectionState.Closed, year.StateAt(opens.AddDays(61)));
        Assert.False(year.AcceptsServiceWritesAt(1, opens.AddDays(61)));
        Assert.True(year.AcceptsServiceWritesAt(42, opens.AddDays(61)));
        Assert.False(year.IsDueForClosing(opens.AddDays(61)), "an extension keeps the year open for closing");
        Assert.True(year.IsDueForClosing(opens.AddDays(71)));
        Assert.Equal(CollectionState.Published, (year with { PublishedAt = opens.AddDays(80) }).StateAt(opens.AddDays(81)));
    }

    /// <summary>An extension stored past the bound (before there was one, 9999-12-31 say) counts only up to it.</summary>
    [Fact]
    public void An_extension_counts_only_up_to_the_years_bound()
    {
        var opens = new DateTimeOffset(2013, 9, 1, 0, 0, 0, TimeSpan.Zero);
        var year = new CollectionYear
        {
            Year = 2013, Opens = opens, Closes = opens.AddDays(60), NationalServiceCount = 150, MaxExtensionDays = 10,
            Extensions = new Dictionary<int, DateTimeOffset> { [42] = DateTimeOffset.MaxValue, [43] = opens.AddDays(65) },
        };
        Assert.Equal(opens.AddDays(70), year.LatestExtension);
        Assert.Equal(opens.AddDays(70), year.ClosesFor(42));
        Assert.Equal(opens.AddDays(65), year.ClosesFor(43));
        Assert.True(year.AcceptsServiceWritesAt(42, opens.AddDays(69)));
        Assert.False(year.AcceptsServiceWritesAt(42, opens.AddDays(70)));
        Assert.False(year.IsDueForClosing(opens.AddDays(69)));
        Assert.True(year.IsDueForClosing(opens.AddDays(70)));
        Assert.Equal(28, new CollectionYear { Year = 2013, Opens = opens, Closes = opens.AddDays(60), NationalServiceCount = 150 }.MaxExtensionDays);
    }
}

public class ReturnDefinitionTests
{
    private readonly ReturnDefinition _definition = BuiltInDefinitions.For(2013);

    [Fact]
    public void The_2013_definition_covers_every_section_of_the_spec()
    {
        Assert.Equal(["A", "B", "C", "D", "E", "F", "G", "H"], _definition.Sections.Select(s => s.Id));
        Assert.Equal(34, _definition.Fields.Count(f => f.Type == FieldType.Rating));
        foreach (var e in Exemplifications.All)
        {
            Assert.True(_definition.Defines(FieldIds.Rating(e.Code)));
        }
        foreach (var id in FieldIds.TimeCategories.Concat(FieldIds.StaffFte))
        {
            Assert.True(_definition.Defines(id), id);
        }
    }

    [Fact]
    public void Every_field_has_a_label_and_every_choice_has_options()
    {
        foreach (var field in _definition.Fields)
        {
            Assert.False(string.IsNullOrWhiteSpace(field.Label), field.Id);
            Assert.Equal(field.HasOptions, field.Options.Count > 0);
        }
    }

    [Fact]
    public void A_definition_with_a_duplicate_field_id_is_refused()
    {
        var field = new FieldDefinition { Id = "x.y", Label = "X", Type = FieldType.Text };
        var error = Assert.Throws<ArgumentException>(() =>
            new ReturnDefinition(2099, 1, [new SectionDefinition("A", "A", [field, field])], [], []));
        Assert.Contains("x.y", error.Message);
    }

    [Fact]
    public void A_rule_naming_an_unknown_field_is_refused()
    {
        var field = new FieldDefinition { Id = "x.y", Label = "X", Type = FieldType.Integer };
        Assert.Throws<ArgumentException>(() => new ReturnDefinition(2099, 1, [new SectionDefinition("A", "A", [field])],
            [new SumRule("r", ["x.y", "x.z"], 100)], []));
    }
}
