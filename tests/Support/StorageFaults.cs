using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.DependencyInjection;

namespace Pps.Tests.Support;

/// <summary>
/// Storage that fails as Azure storage does now and then: an Azure SDK pipeline policy, on every Table, Blob and Queue
/// client the app builds, that fails a seeded share of calls with 503 or 500 (never sent), a timeout before the request
/// is sent, or a timeout or connection reset after the request reached storage (sent, applied, then the answer lost), so
/// the SDK's retry sends a write that has already happened once more.
/// <para>
/// Which call fails is decided from the seed, the request (method and URI) and how many times that same request was
/// sent before, not from the order calls arrive in: the same test fails the same calls whatever the threads do. A share
/// of the faults last for the SDK's every retry (<see cref="MaxRetries"/>), so some reach the app's callers.
/// </para>
/// Use it as <c>DevHostFixture.StartAsync(configure: faults.AddTo)</c>, then turn it on with <see cref="Enabled"/>.
/// </summary>
public sealed class StorageFaults(int seed, double share, double outageShare) : HttpPipelinePolicy
{
    /// <summary>The share of calls that fail once (the SDK's retry then succeeds, unless the retry fails too).</summary>
    public double Share { get; set; } = share;

    /// <summary>The share of calls whose failure lasts for every retry, so the app sees it.</summary>
    public double OutageShare { get; set; } = outageShare;

    private int _calls;

    /// <summary>Calls sent while the faults were on.</summary>
    public int Calls => _calls;

    public enum Kind { Unavailable, ServerError, TimeoutBeforeSend, TimeoutAfterSend, ResetAfterSend }

    /// <summary>The retries the SDK makes in these tests (its default is 3 for tables, more for blobs): an outage outlasts them.</summary>
    public const int MaxRetries = 3;

    private readonly ConcurrentDictionary<string, int> _sent = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(Kind, string Method), int> _injected = new();

    public volatile bool Enabled;

    /// <summary>The faults injected so far, by kind and HTTP method.</summary>
    public IReadOnlyDictionary<(Kind Kind, string Method), int> Injected => _injected;

    /// <summary>Registers the policy on every Azure client the app builds, with the SDK's retry delays kept to milliseconds.</summary>
    public void AddTo(IServiceCollection services) => services.AddAzureClients(clients => clients.ConfigureDefaults(options =>
    {
        options.Retry.MaxRetries = MaxRetries;
        options.Retry.Delay = TimeSpan.FromMilliseconds(2);
        options.Retry.MaxDelay = TimeSpan.FromMilliseconds(20);
        options.AddPolicy(this, HttpPipelinePosition.PerRetry);
    }));

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var fault = Planned(message.Request) ?? (Enabled ? Decide(message.Request) : null);
        if (fault is { } kind) _injected.AddOrUpdate((kind, message.Request.Method.Method), 1, (_, n) => n + 1);
        switch (fault)
        {
            case null:
                await ProcessNextAsync(message, pipeline);
                return;
            case Kind.Unavailable:
                message.Response = new FaultResponse(503, "Server Busy", message.Request.ClientRequestId);
                return;
            case Kind.ServerError:
                message.Response = new FaultResponse(500, "Internal Server Error", message.Request.ClientRequestId);
                return;
            case Kind.TimeoutBeforeSend:
                // What the SDK's network timeout throws: a cancellation the caller did not ask for, which it retries.
                throw new TaskCanceledException("The operation was cancelled because it exceeded the configured timeout (injected).");
            case Kind.TimeoutAfterSend:
                await ProcessNextAsync(message, pipeline);
                message.Response.Dispose();
                throw new TaskCanceledException("The operation was cancelled because it exceeded the configured timeout (injected, after storage applied it).");
            case Kind.ResetAfterSend:
                await ProcessNextAsync(message, pipeline);
                message.Response.Dispose();
                throw new IOException("Unable to read data from the transport connection: Connection reset by peer (injected, after storage applied it).");
        }
    }

    private readonly ConcurrentQueue<(Func<Request, bool> Match, Kind Kind)> _planned = new();

    /// <summary>Fails the next call that <paramref name="match"/> picks with <paramref name="kind"/>, once (whether or not <see cref="Enabled"/>).</summary>
    public void Once(Func<Request, bool> match, Kind kind) => _planned.Enqueue((match, kind));

    private Kind? Planned(Request request)
    {
        if (!_planned.TryPeek(out var next) || !next.Match(request)) return null;
        return _planned.TryDequeue(out next) ? next.Kind : null;
    }

    private Kind? Decide(Request request)
    {
        var key = request.Method.Method + " " + request.Uri.ToString();
        var attempt = _sent.AddOrUpdate(key, 0, (_, n) => n + 1);
        Interlocked.Increment(ref _calls);
        // An outage that started on this attempt or on one of the retries before it is still on.
        for (var start = Math.Max(0, attempt - MaxRetries); start <= attempt; start++)
        {
            var roll = Unit(Hash(key, start, 1));
            if (roll < OutageShare) return KindOf(Hash(key, start, 2));
        }
        return Unit(Hash(key, attempt, 3)) < Share ? KindOf(Hash(key, attempt, 4)) : null;
    }

    private static Kind KindOf(ulong hash) => (Kind)(int)(hash % 5);

    private static double Unit(ulong hash) => (hash >> 11) * (1.0 / (1UL << 53));

    /// <summary>FNV-1a over the seed, the request, the attempt and what the number is for; stable across runs and platforms.</summary>
    private ulong Hash(string key, int attempt, int purpose)
    {
        var hash = 14695981039346656037UL;
        void Add(int value)
        {
            for (var i = 0; i < 4; i++, value >>= 8) hash = (hash ^ (byte)value) * 1099511628211UL;
        }
        Add(seed);
        Add(attempt);
        Add(purpose);
        foreach (var c in key) Add(c);
        // Finalise (splitmix64), so neighbouring attempts do not roll neighbouring numbers.
        hash ^= hash >> 30; hash *= 0xbf58476d1ce4e5b9UL;
        hash ^= hash >> 27; hash *= 0x94d049bb133111ebUL;
        return hash ^ (hash >> 31);
    }

    /// <summary>An answer storage never sent: a status, no body, no headers but the request id.</summary>
    private sealed class FaultResponse(int status, string reason, string clientRequestId) : Response
    {
        public override int Status => status;
        // Set by the transport for answers it received; this one never went through it, and the SDK retries only errors.
        public override bool IsError => true;
        public override string ReasonPhrase => reason;
        public override Stream? ContentStream { get; set; } = new MemoryStream();
        public override string ClientRequestId { get; set; } = clientRequestId;
        public override void Dispose() => ContentStream?.Dispose();
        protected override bool TryGetHeader(string name, [NotNullWhen(true)] out string? value)
        {
            value = null;
            return false;
        }
        protected override bool TryGetHeaderValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values)
        {
            values = null;
            return false;
        }
        protected override bool ContainsHeader(string name) => false;
        protected override IEnumerable<HttpHeader> EnumerateHeaders() => [];
    }
}
