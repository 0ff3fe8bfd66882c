using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Pps.Core.Publishing;
using Pps.Core.Storage;

namespace Pps.Functions.Setup;

public static class PublishingSetup
{
    /// <summary>The close-of-year run and the publisher of national figures. Needs <see cref="StorageSetup.AddPpsStorage"/>.</summary>
    public static IServiceCollection AddPpsPublishing(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new Publisher(
            BlobPublishedStore.For(provider.GetRequiredService<PpsStorage>()), provider.GetRequiredService<TimeProvider>(),
            new BlobPublishedStore(provider.GetRequiredService<PpsStorage>().Provisional)));
        services.AddPpsCatalogue();
        services.AddPpsDefinitions();
        services.TryAddSingleton<NarrativeStore>();
        services.TryAddSingleton<CloseInputLoader>();
        services.TryAddSingleton<YearCloser>();
        services.TryAddSingleton<CloseNowService>();
        return services;
    }
}
