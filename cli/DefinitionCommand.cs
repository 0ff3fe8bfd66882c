using Microsoft.Extensions.DependencyInjection;
using Pps.Core.Definition;
using Pps.Core.Returns;
using Pps.Core.Storage;

namespace Pps.Cli;

/// <summary>NPPN's return definitions: write a year's document to a file (to copy into next year's), publish a year's document.</summary>
public static class DefinitionCommand
{
    /// <summary>export-definition --year 2013 [--file return-2014.json]: the year's document, to standard output or a file.</summary>
    public static async Task<int> ExportAsync(CommandLine options)
    {
        var year = options.Int("year", 0);
        await using var app = await CliApp.StartAsync(options);
        var catalog = app.GetRequiredService<IDefinitionCatalog>();
        var definition = await catalog.FindAsync(year)
            ?? throw new CommandLineException($"There is no return definition for {year}. Definitions exist for {string.Join(", ", await catalog.YearsAsync())}.");
        var json = DefinitionJson.Write(definition) + Environment.NewLine;
        if (options.Optional("file", "") is { Length: > 0 } file) await File.WriteAllTextAsync(file, json);
        else Console.Write(json);
        return 0;
    }

    /// <summary>publish-definition --year 2014 --file return-2014.json: checked against the schema; refused once the year has opened.</summary>
    public static async Task<int> PublishAsync(CommandLine options)
    {
        var year = options.Int("year", 0);
        var file = options.Required("file");
        if (!File.Exists(file)) throw new CommandLineException($"{file} does not exist.");
        await using var app = await CliApp.StartAsync(options);
        var outcome = await app.GetRequiredService<DefinitionStore>().PublishAsync(Actor.Nppn, year, await File.ReadAllTextAsync(file));
        switch (outcome)
        {
            case DefinitionOutcome.Published p:
                Console.WriteLine($"Published the {year} return definition, version {p.Definition.Version} ({p.Definition.Fields.Count()} fields).");
                return 0;
            case DefinitionOutcome.Invalid i:
                Console.Error.WriteLine(i.Summary);
                foreach (var issue in i.Issues) Console.Error.WriteLine($"  {issue.FieldId}: {issue.Message}");
                return 1;
            case DefinitionOutcome.Refused r:
                Console.Error.WriteLine(r.Message);
                return 1;
            case DefinitionOutcome.Conflict c:
                Console.Error.WriteLine(c.Message);
                return 1;
            default:
                Console.Error.WriteLine($"Not published: {outcome}.");
                return 1;
        }
    }
}
