using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;
using Pps.Core.Storage;
using Pps.Core.Telemetry;

namespace Pps.Core.Mail;

/// <summary>
/// The outbox: a Storage queue that the queue-triggered <c>SendMail</c> function empties. Whatever wants a mail sent
/// puts its event here and goes on; the sending, its retries and the poison queue are the function's. Messages are
/// Base64, as the Functions queue extension reads them by default.
/// </summary>
public sealed class MailOutbox
{
    /// <summary>How long a save waits for the queue at most: a mail must never hold a save up for long.</summary>
    public static readonly TimeSpan EnqueueTimeout = TimeSpan.FromSeconds(5);

    private readonly ILogger<MailOutbox> _log;
    private readonly Lazy<Task> _created;

    public MailOutbox(QueueServiceClient queues, PpsStorage storage, ILogger<MailOutbox> log)
    {
        _log = log;
        Queue = queues.GetQueueClient(storage.Options.MailQueueName);
        PoisonQueue = queues.GetQueueClient(storage.Options.MailPoisonQueueName);
        _created = new Lazy<Task>(() => EnsureCreatedAsync(CancellationToken.None));
    }

    public QueueClient Queue { get; }
    public QueueClient PoisonQueue { get; }

    /// <summary>Creates the queue and its poison queue if missing (at start; again harmlessly on first use).</summary>
    public async Task EnsureCreatedAsync(CancellationToken ct)
    {
        await Queue.CreateIfNotExistsAsync(cancellationToken: ct);
        await PoisonQueue.CreateIfNotExistsAsync(cancellationToken: ct);
    }

    /// <summary>Puts the event on the queue; throws when the queue cannot be reached (for callers that must know: an API).</summary>
    public async Task EnqueueAsync(OutboxMessage message, CancellationToken ct)
    {
        await _created.Value;
        await Queue.SendMessageAsync(message.ToJson(), ct);
    }

    /// <summary>
    /// Puts the event on the queue for a caller whose own work is done already (a save, an upload check): never
    /// throws, waits <see cref="EnqueueTimeout"/> at most, and says so in the log (the key only) when it fails.
    /// </summary>
    public async Task<bool> TryEnqueueAsync(OutboxMessage message, CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(EnqueueTimeout);
            await EnqueueAsync(message, timeout.Token);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            PpsTelemetry.MailNotQueued.Add(1, new KeyValuePair<string, object?>("pps.mail.kind", message.Kind));
            _log.LogError("{Event}: mail {Key} ({Kind}) could not be put on the outbox: {Error}", PpsTelemetry.MailNotQueuedEvent, message.Key, message.Kind, e.GetType().Name);
            return false;
        }
    }

    /// <summary>Moves every message of the poison queue back onto the outbox (after the mail server is mended); returns how many.</summary>
    public async Task<int> RequeueDeadLettersAsync(CancellationToken ct)
    {
        await _created.Value;
        var moved = 0;
        while (true)
        {
            var batch = (await PoisonQueue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(1), ct)).Value;
            if (batch.Length == 0) return moved;
            foreach (var message in batch)
            {
                // Sent before deleted: a crash between the two leaves the message in both, and the ledger sends it once.
                await Queue.SendMessageAsync(message.Body, cancellationToken: ct);
                await PoisonQueue.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct);
                moved++;
            }
        }
    }
}
