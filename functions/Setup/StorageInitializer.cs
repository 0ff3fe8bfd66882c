using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pps.Core.Storage;

namespace Pps.Functions.Setup;

/// <summary>
/// Creates the app's tables and containers that do not exist yet, once, when the host starts (the worker in
/// Azure on first start, the devhost on an empty Azurite). Hosted services start in registration order, so
/// anything registered after <see cref="StorageSetup.AddPpsStorage"/> finds the storage in place.
/// </summary>
public sealed class StorageInitializer(IServiceProvider services, ILogger<StorageInitializer> log) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Resolved here, not in the constructor: the host builds its hosted services before it validates the
        // options, and a missing storage setting should stop the app with the validation's message.
        var storage = services.GetRequiredService<PpsStorage>();
        await storage.EnsureCreatedAsync(cancellationToken);
        log.LogInformation("Storage ready: tables {Prefix}*, containers {Uploads}, {Reports}, {Published}, {Reference}",
            storage.Options.TablePrefix, storage.Options.UploadsContainer, storage.Options.ReportsContainer,
            storage.Options.PublishedContainer, storage.Options.ReferenceContainer);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
