using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Pps.Functions.Setup;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();

builder.Services.AddPpsApp(builder.Configuration);
builder.Services.AddPpsTelemetry(builder.Configuration);

builder.Build().Run();
