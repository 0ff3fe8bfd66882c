using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pps.Core.Catalogue;
using Pps.Core.Publishing;
using Pps.Core.Storage;
using Pps.Synthetic;
using Pps.Core.Telemetry;
using Pps.Core.Mail;
using Pps.Functions.Admin;
using Pps.Functions.Mail;
using Pps.Functions.Returns;
using Pps.Tests.Functions.Returns;
using Pps.Tests.Support;
using static Pps.Tests.Functions.Returns.ApiHarness;
using static Pps.Tests.Support.Window2013;

namespace Pps.Tests.Telemetry;

/// <summary>
/// A whole collection through the app's own DI graph with every log line, span and measurement captured:
/// NPPN issues credentials, services save and submit returns with free-text comments, NPPN reopens one with a
/// reason, someone tries a forged token, and the year closes; mail goes out to the services' contacts through the
/// outbox (receipts, a chase with NPPN's note, a sign-in link) to maildev, and one mail fails on a closed port. Then
/// nothing captured may contain a token (or its secret part, the emailed one too), a token's hash, the admin token or
/// its hash, a comment, the reason, a contact's name or address, or the chase's note.
/// </summary>
public class NoSecretsInTelemetryTests
{

    [Fact]
    public async Task A_full_collection_leaves_no_token_hash_comment_or_reason_in_logs_or_traces()
    {
        using var capture = new TelemetryCapture();
        var adminToken = "admin-" + Guid.NewGuid().ToString("N");
        var clock = new FakeClock(Now);
        await using var provider = await AppServices.StartAsync(clock, adminToken, logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(capture), Maildev.Settings());
        await provider.GetRequiredService<CollectionYearStore>().SaveAsync(
            Collection, null);
        var credentialsApi = ActivatorUtilities.CreateInstance<CredentialFunctions>(provider);
        var returnsApi = ActivatorUtilities.CreateInstance<ReturnFunctions>(provider);

        var secrets = new List<string> { adminToken, CredentialStore.Sha256Hex(adminToken) };
        var mailApi = ActivatorUtilities.CreateInstance<MailFunctions>(provider);
        var addresses = new Dictionary<int, string>();
        foreach (var serviceId in new[] { 11, 12, 13 })
        {
            var (name, email) = ($"Officer {Guid.NewGuid():N}", Maildev.NewAddress());
            secrets.AddRange([name, email, email.Split('@')[0]]);
            addresses[serviceId] = email;
            Assert.Equal(201, (await Run(mailApi.AddContact(Request("POST", adminToken, new { name, email }), serviceId, default))).Status);
        }
        foreach (var serviceId in new[] { 11, 12, 13 })
        {
            var issued = await Run(credentialsApi.Issue(Request("POST", adminToken, new { serviceId, year = 2013, label = "officer" }), default));
            Assert.Equal(201, issued.Status);
            var token = issued.Body.GetProperty("token").GetString()!;
            secrets.AddRange([token, token.Split('_', 3)[2], CredentialStore.Sha256Hex(token)]);

            var comment = $"Comment {Guid.NewGuid():N}: a family in crisis";
            secrets.Add(comment);
            var saved = await Run(returnsApi.SaveDraft(Request("PUT", token, Save(ExampleReturn.Full(2013, 300 + serviceId, comment))), 2013, serviceId, default));
            Assert.Equal(200, saved.Status);
            var submitted = await Run(returnsApi.Submit(Request("POST", token, null, saved.ETag), 2013, serviceId, default));
            Assert.Equal(200, submitted.Status);
            if (serviceId == 12)
            {
                var reason = $"Reason {Guid.NewGuid():N}: budget typed in pence";
                secrets.Add(reason);
                var reopened = await Run(returnsApi.Reopen(Request("POST", adminToken, new { reason }, submitted.ETag), 2013, serviceId, default));
                Assert.Equal(200, reopened.Status);
                Assert.Equal(200, (await Run(returnsApi.Submit(Request("POST", token, null, reopened.ETag), 2013, serviceId, default))).Status);
            }
        }
        var note = $"Note {Guid.NewGuid():N}: the budget looks wrong";
        secrets.Add(note);
        Assert.Equal(202, (await Run(mailApi.Chase(Request("POST", adminToken, new { serviceIds = new[] { 12 }, note }), 2013, default))).Status);
        Assert.Equal(202, (await Run(mailApi.SignInLinks(Request("POST", adminToken, new { serviceIds = new[] { 13 } }), 2013, default))).Status);
        var outbox = provider.GetRequiredService<MailOutbox>();
        var sendMail = ActivatorUtilities.CreateInstance<SendMail>(provider);
        var delivered = 0;
        while ((await outbox.Queue.ReceiveMessagesAsync(32)).Value is { Length: > 0 } batch)
        {
            foreach (var message in batch)
            {
                await sendMail.Run(message.Body.ToString(), message.DequeueCount, default);
                await outbox.Queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                delivered++;
            }
        }
        Assert.Equal(6, delivered); // four receipts, the chase, the sign-in link
        var link = Assert.Single(await Maildev.MailsToAsync(addresses[13]), m => Maildev.Subject(m).Contains("sign-in link"));
        var emailed = System.Text.RegularExpressions.Regex.Match(Maildev.Text(link), "#token=(pps_[A-Za-z0-9_-]+)").Groups[1].Value;
        Assert.StartsWith("pps_", emailed);
        secrets.AddRange([emailed, emailed.Split('_', 3)[2], CredentialStore.Sha256Hex(emailed)]);
        // A failing send (nothing listens on the port) is logged by its key and the exception's type only.
        var failing = ActivatorUtilities.CreateInstance<MailDispatcher>(provider,
            new SmtpMailSender(Microsoft.Extensions.Options.Options.Create(new MailOptions { SmtpHost = "127.0.0.1", SmtpPort = Maildev.FreePort() })));
        await Assert.ThrowsAnyAsync<Exception>(() => failing.DispatchAsync(
            new OutboxMessage(MailKinds.SignIn, "sign-in-2013-011-failing", 2013, 11, clock.GetUtcNow()).ToJson(), 5, default));
        // The link that never went out is revoked: its token existed only in the failed mail.
        Assert.All(await provider.GetRequiredService<CredentialStore>().ListAsync(2013, 11), c => Assert.True(c.IsRevoked || c.Label == "officer"));

        var forged = $"pps_{Guid.NewGuid().ToString("N")[..16]}_forged{Guid.NewGuid():N}";
        secrets.Add(forged);
        Assert.Equal(401, (await Run(returnsApi.Get(Request("GET", forged), 2013, 11, default))).Status);

        clock.Now = Closes.AddHours(2);
        var outcomes = await provider.GetRequiredService<YearCloser>().CloseDueYearsAsync();
        Assert.Equal(CloseOutcome.Published, Assert.Single(outcomes).Result);

        // The capture saw the collection (so an empty capture cannot pass) ...
        Assert.Contains(capture.Spans, s => s.StartsWith("pps.return.submit", StringComparison.Ordinal) && s.Contains("pps.service=12", StringComparison.Ordinal));
        Assert.Contains(capture.Spans, s => s.StartsWith("pps.close ", StringComparison.Ordinal) && s.Contains("pps.result=published", StringComparison.Ordinal));
        Assert.Contains(capture.Spans, s => s.StartsWith("pps.phase.compute", StringComparison.Ordinal));
        Assert.Contains(capture.Logs, l => l.Contains(PpsTelemetry.CloseCheckedEvent, StringComparison.Ordinal));
        Assert.Contains(capture.Measurements, m => m.StartsWith("pps.returns.saved", StringComparison.Ordinal));
        Assert.Contains(capture.Measurements, m => m.StartsWith("pps.mail.sent", StringComparison.Ordinal));
        Assert.Contains(capture.Logs, l => l.Contains(PpsTelemetry.MailDeadLetteredEvent, StringComparison.Ordinal));
        // ... and none of it holds a secret or an answer's text.
        var everything = string.Join("\n", capture.Logs.Concat(capture.Spans).Concat(capture.Measurements));
        foreach (var secret in secrets)
        {
            Assert.False(everything.Contains(secret, StringComparison.OrdinalIgnoreCase), $"Telemetry contains a secret or free text: {secret[..Math.Min(12, secret.Length)]}...");
        }
    }

    /// <summary>Every log line (message, state, exception), span (name, tags, events, status) and measurement (tags).</summary>
    private sealed class TelemetryCapture : ILoggerProvider, IDisposable
    {
        private readonly ActivityListener activities;
        private readonly MeterListener meters = new();

        public TelemetryCapture()
        {
            activities = new ActivityListener
            {
                ShouldListenTo = _ => true,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = activity => Spans.Add(Describe(activity)),
            };
            ActivitySource.AddActivityListener(activities);
            meters.InstrumentPublished = (instrument, listener) => listener.EnableMeasurementEvents(instrument);
            meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Measurements.Enqueue(Measure(instrument, value, tags)));
            meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Measurements.Enqueue(Measure(instrument, value, tags)));
            meters.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Measurements.Enqueue(Measure(instrument, value, tags)));
            meters.Start();
        }

        public ConcurrentQueue<string> Logs { get; } = new();
        public ConcurrentBag<string> Spans { get; } = [];
        public ConcurrentQueue<string> Measurements { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Logs);

        public void Dispose()
        {
            activities.Dispose();
            meters.Dispose();
        }

        private static string Describe(Activity activity)
        {
            var text = new StringBuilder(activity.DisplayName).Append(' ').Append(activity.OperationName);
            foreach (var (key, value) in activity.TagObjects) text.Append(' ').Append(key).Append('=').Append(value);
            foreach (var e in activity.Events)
            {
                text.Append(" event:").Append(e.Name);
                foreach (var (key, value) in e.Tags) text.Append(' ').Append(key).Append('=').Append(value);
            }
            foreach (var (key, value) in activity.Baggage) text.Append(" baggage:").Append(key).Append('=').Append(value);
            return text.Append(" status:").Append(activity.Status).Append(' ').Append(activity.StatusDescription).ToString();
        }

        private static string Measure<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var text = new StringBuilder(instrument.Name).Append(' ').Append(value);
            foreach (var (key, tag) in tags) text.Append(' ').Append(key).Append('=').Append(tag);
            return text.ToString();
        }

        private sealed class Logger(string category, ConcurrentQueue<string> logs) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull
            {
                logs.Enqueue($"{category} scope: {state}");
                return null;
            }

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var text = new StringBuilder(category).Append(' ').Append(eventId.Name).Append(' ').Append(formatter(state, exception));
                if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
                {
                    foreach (var (key, value) in pairs) text.Append(' ').Append(key).Append('=').Append(value);
                }
                if (exception is not null) text.Append(' ').Append(exception);
                logs.Enqueue(text.ToString());
            }
        }
    }
}
