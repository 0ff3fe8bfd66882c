using Microsoft.Extensions.DependencyInjection;
using Pps.Core.Reference;
using Pps.Core.Storage;

namespace Pps.Cli;

/// <summary>NPPN's imports of what it knows about the services' areas, into the storage in PPS_STORAGE.</summary>
public static class ImportCommand
{
    /// <summary>Reference data per service per year: region, population 0-19, SEN and FSM pupils.</summary>
    public static Task<int> ReferenceAsync(CommandLine options) =>
        RunAsync(options, (store, reader) => store.ImportCsvAsync(reader), r => (r.Problems, $"{r.Data?.Rows.Count()} rows"));

    /// <summary>Statistical neighbours: one row per service and neighbour.</summary>
    public static Task<int> NeighboursAsync(CommandLine options) =>
        RunAsync(options, (store, reader) => store.ImportNeighboursCsvAsync(reader), r => (r.Problems, $"neighbours for {r.Neighbours?.Count} services"));

    private static async Task<int> RunAsync<T>(
        CommandLine options, Func<ReferenceDataStore, TextReader, Task<T>> import, Func<T, (IReadOnlyList<ImportProblem> Problems, string Imported)> describe)
    {
        var file = options.Required("file");
        if (!File.Exists(file)) throw new CommandLineException($"{file} does not exist.");
        await using var app = await CliApp.StartAsync(options);
        using var reader = new StreamReader(file);
        var (problems, imported) = describe(await import(app.GetRequiredService<ReferenceDataStore>(), reader));
        if (problems.Count > 0)
        {
            Console.Error.WriteLine($"{Path.GetFileName(file)} was not imported; nothing was stored. {problems.Count} problem(s):");
            foreach (var problem in problems) Console.Error.WriteLine($"  {problem}");
            return 1;
        }
        Console.WriteLine($"Imported {imported} from {Path.GetFileName(file)}.");
        return 0;
    }
}
