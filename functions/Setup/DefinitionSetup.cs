using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Pps.Core.Definition;
using Pps.Core.Storage;

namespace Pps.Functions.Setup;

public static class DefinitionSetup
{
    /// <summary>
    /// The return definitions: NPPN's published documents (<see cref="DefinitionStore"/>) and the one
    /// <see cref="IDefinitionCatalog"/> every path reads a year's definition from. Needs <see cref="StorageSetup.AddPpsStorage"/>.
    /// </summary>
    public static IServiceCollection AddPpsDefinitions(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<CollectionYearStore>();
        services.TryAddSingleton<DefinitionStore>();
        services.TryAddSingleton<IDefinitionCatalog, DefinitionCatalog>();
        return services;
    }
}
