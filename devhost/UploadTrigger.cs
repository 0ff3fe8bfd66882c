using System.Collections.Concurrent;
using System.Reflection;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Pps.DevHost;

/// <summary>
/// A blobTrigger function and the container it watches. In Azure, Event Grid calls the function for each
/// new blob; here the container is listed every few seconds and each blob not seen yet (by name and ETag)
/// becomes one call, so every upload is handled at least once while the host runs (a restart handles the
/// blobs already there again, as a redelivered event would). A call that throws is tried again on the next
/// poll, up to <see cref="MaxAttempts"/> times, then logged and left, like the poison queue.
/// </summary>
public sealed class UploadTrigger
{
    public const int MaxAttempts = 5;
    private readonly Regex _pattern;
    private readonly ConcurrentDictionary<string, string> _done = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);

    public UploadTrigger(FunctionEntry function, BlobContainerClient container, string pathPattern)
    {
        Function = function;
        Container = container;
        PathPattern = pathPattern;
        // "{name}" and friends become named groups; everything else must match literally.
        var regex = Regex.Replace(Regex.Escape(pathPattern), @"\\\{(\w+)}", m => $"(?<{m.Groups[1].Value}>.+)");
        _pattern = new Regex("^" + regex + "$", RegexOptions.CultureInvariant);
        FunctionInvoker.CheckBindable(function, CanBind);
    }

    public FunctionEntry Function { get; }
    public BlobContainerClient Container { get; }
    public string PathPattern { get; }

    /// <summary>
    /// The trigger of a blobTrigger function: its "path" (with %Setting% resolved) gives the container and
    /// the blob name pattern; the connection's account is the app's (only "PpsStorage" is served).
    /// </summary>
    public static UploadTrigger For(FunctionEntry function, Microsoft.Extensions.Configuration.IConfiguration configuration, BlobServiceClient account)
    {
        var path = FunctionCatalog.Resolve(function.Property("path") ?? throw new InvalidOperationException($"Blob trigger {function.Name} has no path."), configuration);
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        var container = slash < 0 ? path : path[..slash];
        var pattern = slash < 0 ? "{name}" : path[(slash + 1)..];
        return new UploadTrigger(function, account.GetBlobContainerClient(container), pattern);
    }

    private bool CanBind(ParameterInfo p) =>
        p.ParameterType == typeof(BlobClient) || p.ParameterType == typeof(Stream) || p.ParameterType == typeof(BinaryData)
        || p.ParameterType == typeof(CancellationToken)
        || (p.ParameterType == typeof(string) && PatternNames().Contains(p.Name));

    private IEnumerable<string> PatternNames() => _pattern.GetGroupNames().Where(n => !int.TryParse(n, out _));

    /// <summary>Lists the container once and calls the function for every blob not handled yet; returns how many calls succeeded.</summary>
    public async Task<int> PollOnceAsync(IServiceProvider services, ILogger log, CancellationToken ct)
    {
        var handled = 0;
        await foreach (var item in Container.GetBlobsAsync(cancellationToken: ct))
        {
            var etag = item.Properties.ETag?.ToString() ?? "";
            if (_done.TryGetValue(item.Name, out var seen) && seen == etag) continue;
            var match = _pattern.Match(item.Name);
            if (!match.Success) continue;
            try
            {
                await using var scope = services.CreateAsyncScope();
                var blob = Container.GetBlobClient(item.Name);
                var arguments = new Dictionary<ParameterInfo, object?>();
                foreach (var parameter in Function.Method.GetParameters()) arguments[parameter] = await Bind(parameter, blob, match, ct);
                await FunctionInvoker.InvokeAsync(Function, scope.ServiceProvider, p => arguments[p]);
                _done[item.Name] = etag;
                _attempts.TryRemove(item.Name, out _);
                handled++;
                log.LogInformation("Blob trigger {Function} handled {Container}/{Blob}", Function.Name, Container.Name, item.Name);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                var attempts = _attempts.AddOrUpdate(item.Name, 1, (_, n) => n + 1);
                if (attempts >= MaxAttempts)
                {
                    _done[item.Name] = etag;
                    log.LogError(e, "Blob trigger {Function} failed {Attempts} times on {Blob}; giving up on this version of it", Function.Name, attempts, item.Name);
                }
                else
                {
                    log.LogWarning(e, "Blob trigger {Function} failed on {Blob} (attempt {Attempts}); trying again at the next poll", Function.Name, item.Name, attempts);
                }
            }
        }
        return handled;
    }

    private static async Task<object?> Bind(ParameterInfo p, BlobClient blob, Match match, CancellationToken ct)
    {
        if (p.ParameterType == typeof(BlobClient)) return blob;
        if (p.ParameterType == typeof(Stream)) return await blob.OpenReadAsync(cancellationToken: ct);
        if (p.ParameterType == typeof(BinaryData)) return (await blob.DownloadContentAsync(ct)).Value.Content;
        if (p.ParameterType == typeof(CancellationToken)) return ct;
        return match.Groups[p.Name!].Value;
    }
}

/// <summary>Polls each upload trigger's container (DevHost:BlobPollSeconds, 2 by default).</summary>
public sealed class UploadTriggerService(IReadOnlyList<UploadTrigger> triggers, TimeSpan interval, IServiceProvider services, ILogger<UploadTriggerService> log)
    : BackgroundService
{
    public IReadOnlyList<UploadTrigger> Triggers => triggers;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (triggers.Count == 0) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            foreach (var trigger in triggers)
            {
                try
                {
                    await trigger.PollOnceAsync(services, log, stoppingToken);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    log.LogWarning(e, "Listing {Container} for the blob trigger failed; trying again", trigger.Container.Name);
                }
            }
            try
            {
                await Task.Delay(interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
