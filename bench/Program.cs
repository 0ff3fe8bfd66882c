using Pps.Bench;

// dotnet run -c Release --project bench -- saves
// dotnet run -c Release --project bench -- workbook [runs]
// Reads PPS_STORAGE (an Azurite connection string: scripts/azurite.sh's azurite_start exports it); starts nothing itself.
var command = args.Length > 0 ? args[0] : "saves";
switch (command)
{
    case "saves":
        var sequential = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 500;
        return await SaveBenchmark.RunAsync(sequential, writers: 16, savesPerWriter: 50);
    case "workbook":
        return await WorkbookBenchmark.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200);
    default:
        Console.Error.WriteLine($"Unknown command \"{command}\". Commands: saves [count], workbook [runs]");
        return 2;
}
