using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pps.Core.Definition;
using Pps.Core.Storage;

namespace Pps.Functions.Setup;

/// <summary>
/// Registers the return definitions NPPN has published (later than the built-in years) with
/// <see cref="ReturnDefinitions"/> when the host starts, so every path that asks for a year's definition
/// (the validator, the workbook and CSV intake, the figures) finds it. Runs after <see cref="StorageInitializer"/>.
/// </summary>
public sealed class DefinitionLoader(IServiceProvider services, ILogger<DefinitionLoader> log) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var years = await services.GetRequiredService<DefinitionStore>().LoadAllAsync(cancellationToken);
        log.LogInformation("Return definitions: built in {BuiltIn}; published {Published}",
            string.Join(", ", ReturnDefinitions.BuiltInYears.Order()), years.Count == 0 ? "none" : string.Join(", ", years.Order()));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
