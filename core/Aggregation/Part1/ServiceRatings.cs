using Pps.Core.Definition;
using Pps.Core.Catalogue;

namespace Pps.Core.Aggregation.Part1;

/// <summary>
/// A service's self-ratings for its own page: each exemplification's rating, last year's and Table C's change
/// mark, beside the shares of all participating services and of the participating services in its region.
/// Shares are of the services that rated the exemplification (a blank rating is no level), as in Chart 4.
/// </summary>
internal static class ServiceRatings
{
    /// <summary>
    /// The shares every page compares with, computed now; each service's own ratings made when asked for (null for a
    /// service with no self-assessment this year), so that every service's page is never held at once.
    /// </summary>
    public static Func<int, (string? Method, IReadOnlyList<ServiceRating> Ratings)?> Compute(
        AggregationInput input, Func<int, string?> regionOf)
    {
        var data = SelfAssessments.From(input);
        var current = data.In(input.Year);
        var national = Exemplifications.All.ToDictionary(e => e.Code, e => Shares("national", current, e.Code));
        var byRegion = current.GroupBy(a => regionOf(a.ServiceId) ?? "")
            .Where(g => g.Key.Length > 0)
            .ToDictionary(g => g.Key, g => Exemplifications.All.ToDictionary(e => e.Code, e => Shares(g.Key, g.ToList(), e.Code)));
        var definition = input.Definitions.For(input.Year);
        var lastYear = input.Definitions.Find(input.Year - 1);

        return serviceId =>
        {
            if (data.Find(serviceId, input.Year) is not { } assessment) return null;
            var before = data.Find(serviceId, input.Year - 1);
            var regional = regionOf(serviceId) is { } region ? byRegion.GetValueOrDefault(region) : null;
            var ratings = new List<ServiceRating>(Exemplifications.All.Count);
            for (var i = 0; i < Exemplifications.All.Count; i++)
            {
                var e = Exemplifications.All[i];
                var now = assessment.Rating(i);
                var then = before?.Rating(i);
                ratings.Add(new ServiceRating(e.Code, e.Title, e.AreaNumber,
                    now is { } n ? RatingLevels.Code(definition, i, n) : null, now is { } nl ? RatingLevels.Label(nl) : null,
                    then is { } t ? RatingLevels.Code(lastYear!, i, t) : null, then is { } tl ? RatingLevels.Label(tl) : null,
                    ServiceRatingsFigure.Change(then, now), national[e.Code], regional?[e.Code]));
            }
            return (MethodFigure.LabelOf(definition, assessment.Method), ratings);
        };
    }

    private static RatingShares Shares(string group, IReadOnlyList<SelfAssessment> among, string code)
    {
        var counts = LevelCounts.Of(Exemplifications.All[Exemplifications.IndexOf(code)], among);
        return new RatingShares(group, counts.Rated,
            counts.Pct(RatingLevel.Best), counts.Pct(RatingLevel.Good), counts.Pct(RatingLevel.NotCompleted),
            counts.Pct(RatingLevel.NonCompliant), counts.PctBestOrGood);
    }
}
