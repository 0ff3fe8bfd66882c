using Pps.Core.Aggregation;
using Pps.Core.Intake;
using Pps.Synthetic;

namespace Pps.Cli;

/// <summary>
/// How close the demo's synthetic Part 2 data comes to the 2013 report: the report's stated Part 2 figures
/// (tests/data/report-2013-part2-figures.csv) beside the values our aggregation computes from the demo data
/// (the real 2013 self-ratings with synthetic Part 2 figures, synthetic 2009-2012). No storage.
/// </summary>
public static class CalibrationCommand
{
    public static Task<int> RunAsync(CommandLine options)
    {
        var figures = options.Optional("figures", "tests/data/report-2013-part2-figures.csv");
        var ratings = options.Optional("ratings", "tests/data/nppn-2013-exemplification-ratings.csv");
        foreach (var file in new[] { figures, ratings })
        {
            if (!File.Exists(file)) throw new CommandLineException($"{file} does not exist (run from the repository root, or pass --figures and --ratings).");
        }
        var seed = options.Int("seed", DemoData.DefaultSeed);
        using var ratingsText = new StreamReader(ratings);
        var data = DemoData.Build(SelfRatingsCsv.Read(ratingsText).ToList(), seed);
        var result = NationalAggregator.Compute(DemoData.Input(data));
        using var figuresText = new StreamReader(figures);
        var lines = Calibration.Compare(result, Calibration.Load(figuresText));
        Console.WriteLine($"The 2013 report's stated Part 2 figures against the demo data (synthetic seed {seed}); * = more than {Calibration.Tolerance:P0} apart.");
        Calibration.Print(lines, Console.Out);
        return Task.FromResult(0);
    }
}
