using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Pps.Core.Telemetry;

namespace Pps.Functions.Setup;

public static class TelemetrySetup
{
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    public const string AuthenticationSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>
    /// OpenTelemetry from the worker (as the Functions quickstarts do): the worker's own spans, the app's
    /// <see cref="PpsTelemetry"/> spans (close, recompute and their phases, return saves) and counts, and its
    /// logs. Exported to Application Insights only when <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set,
    /// with the managed identity named in <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c>
    /// ("ClientId=...;Authorization=AAD"), because the resource has local (key) authentication off.
    /// </summary>
    public static IServiceCollection AddPpsTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var telemetry = services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddSource(PpsTelemetry.Name))
            .WithMetrics(metrics => metrics.AddMeter(PpsTelemetry.Name))
            .UseFunctionsWorkerDefaults();
        var connectionString = configuration[ConnectionStringSetting];
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            telemetry.UseAzureMonitorExporter(options =>
            {
                options.ConnectionString = connectionString;
                // Export every log line, inside a span or not. With trace-based log sampling on, the exporter keeps a
                // line written inside a span only if the span's flags equal "Recorded"; .NET 10 also sets
                // RandomTraceId on every span, so each line the app writes during a function (the close's failure,
                // the backup's "written", the mail's dead letter: what the alerts search for) was dropped
                // (tests/Telemetry/AlertTelemetryTests.cs). Spans are not sampled here, so nothing else changes.
                options.EnableTraceBasedLogsSampler = false;
                if (ManagedIdentityClientId(configuration[AuthenticationSetting]) is { } clientId)
                {
                    options.Credential = new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
                }
            });
        }
        return services;
    }

    /// <summary>The ClientId of "ClientId=...;Authorization=AAD"; null when it names none.</summary>
    internal static string? ManagedIdentityClientId(string? authentication) =>
        authentication?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2))
            .Where(pair => pair.Length == 2 && pair[0].Equals("ClientId", StringComparison.OrdinalIgnoreCase) && pair[1].Length > 0)
            .Select(pair => pair[1])
            .FirstOrDefault();
}
