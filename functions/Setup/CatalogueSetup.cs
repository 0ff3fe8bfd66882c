using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Pps.Core.Catalogue;

namespace Pps.Functions.Setup;

public static class CatalogueSetup
{
    /// <summary>
    /// The catalogue's data the app reads as services: the key to services (<see cref="ServiceCatalogue"/>) and how many
    /// services existed nationally each year (<see cref="ServicesNationally"/>), the built-in ones unless a host
    /// registers others first.
    /// </summary>
    public static IServiceCollection AddPpsCatalogue(this IServiceCollection services)
    {
        services.TryAddSingleton(ServicesNationally.BuiltIn);
        services.TryAddSingleton(ServiceCatalogue.BuiltIn);
        return services;
    }
}
