using Pps.Core.Aggregation;
using Pps.Core.Catalogue;
using Pps.Core.Definition;
using Pps.Core.Publishing;
using Pps.Tests.Aggregation.Part1;
using Pps.Tests.Support;
using static Pps.Tests.Aggregation.Part2.Part2Builders;

namespace Pps.Tests.Publishing;

/// <summary>What the site's pages read besides the figures: a service's ratings, the key, the printed-report check, and honest notes.</summary>
public class PublishedPagesTests
{
    private static (string, string) Rating(string code, string level) => (FieldIds.Rating(code), level);

    [Fact]
    public void A_service_page_carries_its_ratings_beside_national_and_regional_shares_and_its_change()
    {
        // 1a: service 1 (London) B, service 2 (London) N, service 3 (North East) G; service 1 rated G in 2012.
        // National (N = 3): Best 33%, Good 33%, Non-compliant 33%, Best or Good 2/3 = 67%.
        // London (N = 2): Best 50%, Non-compliant 50%, Best or Good 50%. 1b: only service 1 rates it (x).
        var input = Input(2013,
            [
                Return(1, 2012, Rating("1a", "G")),
                Return(1, 2013, Rating("1a", "B"), Rating("1b", "x")),
                Return(2, 2013, Rating("1a", "N")),
                Return(3, 2013, Rating("1a", "G")),
            ],
            [Row(1, 2013, 1000, region: "London"), Row(2, 2013, 1000, region: "London"), Row(3, 2013, 1000, region: "North East")]);

        var one = Benchmarking.Compute(input).Single(b => b.ServiceId == 1);

        Assert.Equal(Exemplifications.All.Count, one.Ratings.Count);
        Assert.Equal("Not stated", one.Method);
        var a = one.Ratings.Single(r => r.Code == "1a");
        Assert.Equal(("B", "Best Practice", "G", "higher"), (a.Rating, a.RatingLabel, a.Previous, a.Change));
        Assert.Equal(new RatingShares("national", 3, 33, 33, 0, 33, 67), a.National);
        Assert.Equal(new RatingShares("London", 2, 50, 0, 0, 50, 50), a.Regional);
        var b = one.Ratings.Single(r => r.Code == "1b");
        Assert.Equal(("x", null, null), (b.Rating, b.Previous, b.Change));
        Assert.Equal(new RatingShares("national", 1, 0, 0, 100, 0, 0), b.National);
        var c = one.Ratings.Single(r => r.Code == "1c");
        Assert.Null(c.Rating);
        Assert.Equal(new RatingShares("national", 0, null, null, null, null, null), c.National);
    }

    [Fact]
    public void Service_24_has_its_34_ratings_from_the_real_2013_returns()
    {
        var result = NationalAggregator.Compute(Table2013.Input(Table2013.Returns));
        var page = result.Benchmarks.Single(b => b.ServiceId == 24);
        Assert.Equal(34, page.Ratings.Count);
        // Its ratings are Table C's row for service 24, letter for letter.
        var tableC = result.Figure("table-c");
        var row = tableC.Rows.Single(r => Convert.ToInt32(r[0]) == 24);
        Assert.Equal(Exemplifications.All.Select((e, i) => row[2 + 2 * i] as string), page.Ratings.Select(r => r.Rating));
        // The national share on the page is Chart 4's for the same exemplification.
        var chart4 = result.Figure("chart-4");
        var pct = chart4.Columns.ToList().FindIndex(c => c.Id == "pct_best_or_good");
        Assert.All(page.Ratings, r => Assert.Equal(Convert.ToInt32(chart4.Rows.Single(x => (string)x[0]! == r.Code)[pct]), r.National.PctBestOrGood));
    }

    [Fact]
    public void The_printed_report_check_reads_every_statement_from_the_published_figures()
    {
        var result = NationalAggregator.Compute(Table2013.Input(Table2013.Returns));
        var check = PrintedReport.For(result)!;
        Assert.Equal(91, check.Statements.Count);
        Assert.Equal(66, check.Statements.Count(s => s.Agrees));
        Assert.All(check.Statements, s => Assert.NotNull(s.FromReturns));
        Assert.All(check.Statements.Where(s => !s.Agrees), s => Assert.False(string.IsNullOrEmpty(s.Reason)));
        var rate = check.Statements.Single(s => s.StatementId == "who-took-part-return-rate");
        Assert.Equal(("94", 87m, false), (rate.Printed, rate.FromReturns, rate.Agrees));
        Assert.StartsWith("carried over from 2012", rate.Reason);
        Assert.Null(PrintedReport.For(result with { Year = 2014 }));
    }

    [Fact]
    public void The_embedded_printed_report_statements_are_the_tested_file()
    {
        var embedded = File.ReadAllText(RepoFiles.At("core", "Catalogue", "Data", "printed-report-2013.csv"));
        var tested = File.ReadAllText(RepoFiles.At("tests", "data", "report-2013-part1-figures.csv"));
        Assert.Equal(tested, embedded);
    }

    [Fact]
    public void The_key_lists_every_service_number_with_its_local_authority_and_status()
    {
        var result = NationalAggregator.Compute(Table2013.Input(Table2013.Returns));
        var key = ServiceKey.For(result);
        Assert.Equal(ServiceCatalogue.BuiltIn.All.Count, key.Services.Count);
        Assert.Equal(131, key.Services.Count(s => s.Status == ServiceKey.Returned));
        Assert.Equal(2, key.Services.Count(s => s.Status.StartsWith("ended in ", StringComparison.Ordinal)));
        var bath = key.Services.Single(s => s.ServiceId == 24);
        Assert.Equal("Bath & NE Somerset", bath.Name);
        Assert.Equal("South West", bath.Region);
        // One catalogue for names: the key and the service's own page show the same name.
        Assert.Equal(bath.Name, result.Benchmarks.Single(b => b.ServiceId == 24).ServiceName);
        // A service that ended has no local authority, and the key says why; an inferred name says it is inferred.
        foreach (var ended in new[] { 26, 72 })
        {
            var entry = key.Services.Single(s => s.ServiceId == ended);
            Assert.Null(entry.LocalAuthority);
            Assert.Contains("no current local authority", entry.Note, StringComparison.Ordinal);
        }
        var inferred = key.Services.Single(s => s.ServiceId == 43);
        Assert.Equal("Cornwall (name inferred)", inferred.Name);
        Assert.Contains("illegible", inferred.Note, StringComparison.Ordinal);
        Assert.All(result.Benchmarks.Where(b => b.ServiceId == 43), b => Assert.Equal(inferred.Name, b.ServiceName));
    }

    [Fact]
    public void A_figure_resting_on_no_returns_says_so_and_does_not_claim_missing_reference_data()
    {
        // Ratings only, with population, SEN and FSM loaded for every service: the Part 2 ratios have no returns,
        // but the reference data is there and the notes must not say otherwise.
        var returns = Table2013.Returns;
        var reference = ServiceCatalogue.BuiltIn.ExistingIn(2013).Select(s => Row(s.Id, 2013, 10_000, sen: 500, fsm: 300)).ToList();
        var result = NationalAggregator.Compute(Input(2013, returns, reference));
        foreach (var id in new[] { "chart-10", "chart-21", "chart-23", "chart-26", "chart-33", "reach", "chart-12", "chart-13", "chart-14", "chart-15", "chart-27" })
        {
            var figure = result.Figure(id);
            Assert.Equal(0, figure.Returns);
            Assert.Equal("No returns for 2013 gave this figure: it shows no data.", figure.Notes[0]);
            Assert.DoesNotContain(figure.Notes, n => n.Contains("no reference data", StringComparison.OrdinalIgnoreCase));
            Assert.Contains(figure.Notes, n => n.Contains($"loaded for {reference.Count} local authority areas in the key to services", StringComparison.Ordinal));
        }
        Assert.DoesNotContain("No returns", result.Figure("table-a").Notes[0], StringComparison.Ordinal);
    }
}
