using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Pps.Functions.Setup;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseMiddleware<Pps.Functions.Http.UnhandledErrorsMiddleware>();

builder.Services.AddPpsStorage(builder.Configuration);
builder.Services.AddPpsReturns(builder.Configuration);
builder.Services.AddPpsPublishing();

builder.Build().Run();
