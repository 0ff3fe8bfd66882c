using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Pps.Functions.Setup;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();

builder.Services.AddPpsStorage(builder.Configuration);
builder.Services.AddPpsReturns(builder.Configuration);
builder.Services.AddPpsPublishing();
builder.Services.AddPpsUploads();

builder.Build().Run();
