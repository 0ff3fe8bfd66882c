using Pps.Cli;

var command = args.FirstOrDefault();
var options = CommandLine.Parse(args.Skip(1));
try
{
    return command switch
    {
        "pipeline" => await PipelineCommand.RunAsync(options),
        "bench-close" => await BenchCloseCommand.RunAsync(options),
        "bench-close-child" => await BenchCloseCommand.RunChildAsync(options),
        "import-reference" => await ImportCommand.ReferenceAsync(options),
        "import-neighbours" => await ImportCommand.NeighboursAsync(options),
        "export-definition" => await DefinitionCommand.ExportAsync(options),
        "publish-definition" => await DefinitionCommand.PublishAsync(options),
        "calibration" => await CalibrationCommand.RunAsync(options),
        "demo" => await DemoCommand.RunAsync(options),
        "backup" => await BackupCommand.BackupAsync(options),
        "backups" => await BackupCommand.ListAsync(options),
        "restore" => await BackupCommand.RestoreAsync(options),
        "import-returns" => await ImportReturnsCommand.RunAsync(options),
        "export-published" => await ExportCommand.PublishedAsync(options),
        "report-pdf" => await ReportPdfCommand.RunAsync(options),
        "service-pdf" => await ServicePdfCommand.RunAsync(options),
        _ => Usage(),
    };
}
catch (CommandLineException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

static int Usage()
{
    Console.Error.WriteLine("""
        usage: pps <command> [options]
          pipeline --data <shared/data folder>   load the real 2013 self-ratings as returns, close 2013 and publish
          bench-close [--scale 1,10,100] [--runs 5] [--seed N] [--warmups 1] [--memory false]
                                                 time closing 2013 (5 years of synthetic returns) against a read+write floor
          import-reference --file <csv>          service_id, year, region, population_0_19, sen_pupils, fsm_pupils [, source]
          import-neighbours --file <csv>         service_id, neighbour_id (replaces the whole list)
          export-definition --year <y> [--file <json>]
                                                 the year's return definition document (copy it to make next year's)
          publish-definition --year <y> --file <json>
                                                 publish a year's return definition before the year opens (checked against
                                                 docs/schema/return-definition.schema.json)
          backup [--prefix pps]                  back up every table, and NPPN's blobs in the reference container
                                                 (narratives, definitions, reference data), to the backups container
          backups                                list the complete backups, newest first
          restore --backup <name> [--prefix pps] [--reference-endpoint <uri>]
                                                 rebuild the tables from a backup, and the reference blobs it lacks; refuses
                                                 tables that hold anything and blobs that hold other bytes; with
                                                 --table-endpoint, --reference-endpoint is the data account's blob endpoint
          import-returns --year <year> --file <csv> [--mode merge] [--reason <why, for the audit>]
                                                 service_id, one column per field id [, confirmed_warnings]: all or nothing;
                                                 every field unless --mode merge (only the file's columns change)
          export-published --out <folder>        copy every blob of the published container into a folder
          report-pdf --year 2013 --out <pdf> [--url http://127.0.0.1:7071/] [--publish true]
                                                 the national report as an A4 PDF, from a running host (headless Chromium);
                                                 --publish adds it to the published set it shows (storage in PPS_STORAGE)
          service-pdf --year 2013 --service <24|24,25|all> --out <folder> [--url http://127.0.0.1:7071/]
                                                 services' benchmarking packs as A4 PDFs (service-{id}-{year}.pdf), from a running host
        Storage: the connection string in PPS_STORAGE (scripts/azurite.sh sets it for Azurite), or, with Microsoft Entra ID
        (DefaultAzureCredential: az login, a managed identity…), the account's endpoints, for every command but bench-close:
          --account <name>                       https://<name>.{table,blob,queue}.core.windows.net/ (or PPS_STORAGE_ACCOUNT)
          --table-endpoint <uri> --blob-endpoint <uri> [--queue-endpoint <uri>]
                                                 (or PpsStorage__tableServiceUri, PpsStorage__blobServiceUri as the app's settings);
                                                 the blobs may be another account's, such as the backup copy's
        """);
    return 2;
}
