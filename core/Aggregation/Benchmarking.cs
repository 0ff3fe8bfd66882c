namespace Pps.Core.Aggregation;

/// <summary>Each participating service's own figures beside the national, regional and neighbours' mean and median.</summary>
public static class Benchmarking
{
    public static IReadOnlyList<ServiceBenchmark> Compute(AggregationInput input) => [];
}
