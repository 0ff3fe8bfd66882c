using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Pps.Functions.Setup;

public static class AppSetup
{
    /// <summary>
    /// The whole app: storage (with its options validated at start and its tables and containers created on
    /// first start), the return definitions, the returns API, publishing, the table backup, the workbook and CSV intake, and mail (the outbox, contacts, reminders). The Functions
    /// worker (Program.cs) and the devhost both
    /// call this, so they run one object graph.
    /// </summary>
    public static IServiceCollection AddPpsApp(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddPpsStorage(configuration);
        services.AddPpsCatalogue();
        services.AddPpsDefinitions();
        // Before the returns and uploads: their services take the mail events when these are registered.
        services.AddPpsMail(configuration);
        services.AddPpsReturns(configuration);
        services.AddPpsPublishing();
        services.AddPpsBackup(configuration);
        services.AddPpsUploads();
        return services;
    }
}
