using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Pps.Core.Intake;
using Pps.Core.Uploads;

namespace Pps.Functions.Setup;

public static class UploadsSetup
{
    /// <summary>
    /// The workbook intake (template, upload, blob-triggered check) and NPPN's CSV bulk load. Needs
    /// <see cref="StorageSetup.AddPpsStorage"/> and <see cref="ReturnsSetup.AddPpsReturns"/>.
    /// </summary>
    public static IServiceCollection AddPpsUploads(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddLogging();
        services.TryAddSingleton<UploadStore>();
        services.TryAddSingleton<WorkbookIntake>();
        services.TryAddSingleton<ReturnsImport>();
        return services;
    }
}
