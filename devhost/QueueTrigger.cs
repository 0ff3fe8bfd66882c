using System.Reflection;
using System.Text.Json;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Pps.DevHost;

/// <summary>host.json's extensions.queues as the Functions host reads them (its defaults when absent).</summary>
public sealed record QueueSettings(int MaxDequeueCount, TimeSpan VisibilityTimeout, int BatchSize)
{
    public static QueueSettings Read(string metadataPath)
    {
        var settings = new QueueSettings(5, TimeSpan.Zero, 16);
        var hostJson = Path.Combine(Path.GetDirectoryName(metadataPath)!, "host.json");
        if (!File.Exists(hostJson)) return settings;
        using var host = JsonDocument.Parse(File.ReadAllText(hostJson), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        if (!host.RootElement.TryGetProperty("extensions", out var ext) || !ext.TryGetProperty("queues", out var queues)) return settings;
        if (queues.TryGetProperty("maxDequeueCount", out var max)) settings = settings with { MaxDequeueCount = max.GetInt32() };
        if (queues.TryGetProperty("visibilityTimeout", out var visibility)) settings = settings with { VisibilityTimeout = TimeSpan.Parse(visibility.GetString()!, System.Globalization.CultureInfo.InvariantCulture) };
        if (queues.TryGetProperty("batchSize", out var batch)) settings = settings with { BatchSize = batch.GetInt32() };
        return settings;
    }
}

/// <summary>
/// A queueTrigger function and its queue, run as the Functions host runs it: messages are received in batches
/// (invisible meanwhile), each is one call; a call that returns deletes its message, a call that throws leaves it to
/// reappear after the visibility timeout, and a message that has failed maxDequeueCount deliveries is moved to
/// "{queue}-poison". Binds the message as string or BinaryData, and dequeueCount, id and the CancellationToken.
/// </summary>
public sealed class QueueTrigger
{
    public QueueTrigger(FunctionEntry function, QueueClient queue, QueueClient poison, QueueSettings settings)
    {
        Function = function;
        Queue = queue;
        Poison = poison;
        Settings = settings;
        FunctionInvoker.CheckBindable(function, CanBind);
    }

    public FunctionEntry Function { get; }
    public QueueClient Queue { get; }
    public QueueClient Poison { get; }
    public QueueSettings Settings { get; }

    public static QueueTrigger For(FunctionEntry function, IConfiguration configuration, QueueServiceClient account, QueueSettings settings)
    {
        var name = FunctionCatalog.Resolve(function.Property("queueName") ?? throw new InvalidOperationException($"Queue trigger {function.Name} has no queueName."), configuration);
        return new QueueTrigger(function, account.GetQueueClient(name), account.GetQueueClient(name + "-poison"), settings);
    }

    private string TriggerName => Function.Property("name") ?? "";

    private bool CanBind(ParameterInfo p) =>
        p.ParameterType == typeof(CancellationToken)
        || (p.Name == TriggerName && (p.ParameterType == typeof(string) || p.ParameterType == typeof(BinaryData)))
        || (p.Name == "dequeueCount" && p.ParameterType == typeof(long))
        || (p.Name is "id" or "popReceipt" && p.ParameterType == typeof(string));

    /// <summary>Receives one batch and runs the function on each message; returns how many messages it received.</summary>
    public async Task<int> PollOnceAsync(IServiceProvider services, ILogger log, CancellationToken ct)
    {
        await Queue.CreateIfNotExistsAsync(cancellationToken: ct);
        // Invisible long enough for the calls; a failed call's message is made visible again after VisibilityTimeout.
        QueueMessage[] batch = (await Queue.ReceiveMessagesAsync(Settings.BatchSize, TimeSpan.FromMinutes(5), ct)).Value;
        await Task.WhenAll(batch.Select(message => HandleAsync(message, services, log, ct)));
        return batch.Length;
    }

    private async Task HandleAsync(QueueMessage message, IServiceProvider services, ILogger log, CancellationToken ct)
    {
        try
        {
            await using var scope = services.CreateAsyncScope();
            await FunctionInvoker.InvokeAsync(Function, scope.ServiceProvider, p => Bind(p, message, ct));
            await Queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            if (message.DequeueCount >= Settings.MaxDequeueCount)
            {
                await Poison.CreateIfNotExistsAsync(cancellationToken: ct);
                await Poison.SendMessageAsync(message.Body, cancellationToken: ct);
                await Queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct);
                log.LogError("Queue trigger {Function}: message {Id} failed {Count} times ({Error}); moved to {Poison}",
                    Function.Name, message.MessageId, message.DequeueCount, e.GetType().Name, Poison.Name);
            }
            else
            {
                await Queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: Settings.VisibilityTimeout, cancellationToken: ct);
                log.LogWarning("Queue trigger {Function}: message {Id} failed on delivery {Count} ({Error}); it is delivered again after {Delay}",
                    Function.Name, message.MessageId, message.DequeueCount, e.GetType().Name, Settings.VisibilityTimeout);
            }
        }
    }

    private object? Bind(ParameterInfo p, QueueMessage message, CancellationToken ct)
    {
        if (p.ParameterType == typeof(CancellationToken)) return ct;
        if (p.Name == TriggerName) return p.ParameterType == typeof(string) ? message.Body.ToString() : message.Body;
        return p.Name switch
        {
            "dequeueCount" => message.DequeueCount,
            "id" => message.MessageId,
            _ => message.PopReceipt,
        };
    }
}

/// <summary>Polls each queue trigger's queue (DevHost:QueuePollSeconds, 1 by default) while it finds nothing; at once again while it does.</summary>
public sealed class QueueTriggerService(IReadOnlyList<QueueTrigger> triggers, TimeSpan interval, IServiceProvider services, ILogger<QueueTriggerService> log)
    : BackgroundService
{
    public IReadOnlyList<QueueTrigger> Triggers => triggers;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (triggers.Count == 0) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            var received = 0;
            foreach (var trigger in triggers)
            {
                try
                {
                    received += await trigger.PollOnceAsync(services, log, stoppingToken);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    log.LogWarning(e, "Reading {Queue} for the queue trigger failed; trying again", trigger.Queue.Name);
                }
            }
            if (received > 0) continue;
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
