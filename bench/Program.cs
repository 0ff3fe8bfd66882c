using Pps.Bench;

// dotnet run -c Release --project bench -- saves [--rounds 5] [--writers 16] [--saves 40] [--revisions 1000] [--others 2000]
// dotnet run -c Release --project bench -- workbook [runs]
// Reads PPS_STORAGE (an Azurite connection string: scripts/azurite.sh's azurite_start exports it); starts nothing itself.
var command = args.Length > 0 ? args[0] : "saves";
switch (command)
{
    case "saves":
        return await SaveBenchmark.RunAsync(SaveBenchmarkOptions.Parse(args[1..]));
    case "site":
        // dotnet run -c Release --project bench -- site [base-url] [year] [runs]: against a running host (scripts/site-speed.sh starts one)
        return await SiteBenchmark.RunAsync(args.Length > 1 ? args[1] : "http://127.0.0.1:7071/",
            args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 2013,
            args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 10);
    case "workbook":
        return await WorkbookBenchmark.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200);
    default:
        Console.Error.WriteLine($"Unknown command \"{command}\". Commands: saves [--rounds n] [--writers n] [--saves n] [--revisions n] [--others n], workbook [runs], site [base-url] [year] [runs]");
        return 2;
}
