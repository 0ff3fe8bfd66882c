using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Pps.Core.Returns;
using Pps.Core.Storage;
using Pps.Functions.Http;

namespace Pps.Functions.Setup;

public static class ReturnsSetup
{
    /// <summary>
    /// The returns API: the shared rules of saving a return, the collection window, credentials and the
    /// bearer-token check (admin hash from "Pps__AdminTokenSha256"). Needs <see cref="StorageSetup.AddPpsStorage"/>.
    /// </summary>
    public static IServiceCollection AddPpsReturns(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<ApiAuthOptions>().Bind(configuration.GetSection("Pps")).ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<ApiAuthOptions>, ApiAuthOptionsValidator>();
        services.TryAddSingleton<ReturnStore>();
        services.TryAddSingleton<CollectionYearStore>();
        services.TryAddSingleton<CredentialStore>();
        services.TryAddSingleton<StaffCredentialStore>();
        services.AddPpsCatalogue();
        services.AddPpsDefinitions();
        services.TryAddSingleton<ReturnService>();
        services.TryAddSingleton<CollectionWindowService>();
        services.TryAddSingleton<PpsAuthenticator>();
        return services;
    }
}
