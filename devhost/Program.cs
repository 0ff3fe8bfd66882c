// The PPS devhost: a development stand-in for the Azure Functions host (see README.md, "Local host").
//   dotnet run --project devhost -- --port 7071
// Settings from environment variables (PpsStorage, Pps__AdminTokenSha256, CloseYearSchedule, ...), a
// local.settings.json's Values (functions/local.settings.json, or --DevHost:Settings <file>), or the command line.
using Pps.DevHost;

var app = DevHostApp.Build(args);
await app.StartAsync();
Console.WriteLine(DevHostApp.Describe(app));
await app.WaitForShutdownAsync();
