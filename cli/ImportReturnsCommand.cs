using Microsoft.Extensions.DependencyInjection;
using Pps.Core.Intake;

namespace Pps.Cli;

/// <summary>NPPN's bulk load of a year's returns from CSV into the storage in PPS_STORAGE: all or nothing, each problem by line and column.</summary>
public static class ImportReturnsCommand
{
    public static async Task<int> RunAsync(CommandLine options)
    {
        var file = options.Required("file");
        var year = options.Int("year", 0);
        if (year == 0) throw new CommandLineException("--year is required.");
        if (!File.Exists(file)) throw new CommandLineException($"{file} does not exist.");
        await using var app = await CliApp.StartAsync(options);
        var import = app.GetRequiredService<ReturnsImport>();
        using var reader = new StreamReader(file);
        var mode = options.Optional("mode", "replace") switch
        {
            "replace" => ReturnsCsvMode.Replace,
            "merge" => ReturnsCsvMode.Merge,
            var other => throw new CommandLineException($"--mode {other} is not known: replace (the default; the file carries every field) or merge (only its columns change)."),
        };
        var result = await import.ImportAsync(year, reader, Path.GetFileName(file), mode, reason: options.Optional("reason", ""));
        if (!result.Succeeded)
        {
            Console.Error.WriteLine(result.Imported == 0
                ? $"{Path.GetFileName(file)} was not loaded; nothing was stored. {result.Problems.Count} problem(s):"
                : $"{Path.GetFileName(file)}: the load stopped after {result.Imported} row(s):");
            foreach (var problem in result.Problems) Console.Error.WriteLine($"  {problem}");
            return 1;
        }
        Console.WriteLine($"Loaded {result.Imported} return(s) for {year} from {Path.GetFileName(file)} (batch {result.Batch}; {result.Unchanged} unchanged).");
        return 0;
    }
}
