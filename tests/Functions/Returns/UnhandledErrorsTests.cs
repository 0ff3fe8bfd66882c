using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pps.Functions.Http;
using static Pps.Tests.Functions.Returns.ApiHarness;

namespace Pps.Tests.Functions.Returns;

public class UnhandledErrorsTests
{
    private sealed class Captured : ILogger
    {
        public List<(Exception? Error, string Message)> Entries { get; } = [];
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((exception, formatter(state, exception)));
    }

    [Fact]
    public async Task A_function_that_fails_in_storage_answers_problem_details_with_a_correlation_id_and_no_stack_trace()
    {
        var api = await StartAsync();
        var token = await api.TokenForAsync(42);
        await api.Storage.Returns.DeleteAsync(); // storage fails under the function: an error no function handles
        var log = new Captured();

        var response = await Run(UnhandledErrors.GuardAsync(
            () => api.ReturnsApi.SaveDraft(Request("PUT", token, Save(new Dictionary<string, object> { ["casework.users"] = 1 })), 2013, 42, default), log, "corr-123"));

        Assert.Equal(500, response.Status);
        Assert.StartsWith("application/problem+json", response.ContentType);
        Assert.Equal("corr-123", response.Body.GetProperty("correlationId").GetString());
        Assert.Contains("corr-123", response.Detail);
        var text = response.Body.GetRawText();
        Assert.DoesNotContain(" at ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        var (error, message) = Assert.Single(log.Entries);
        Assert.NotNull(error);
        Assert.Contains("corr-123", message);
    }

    [Fact]
    public async Task Without_a_correlation_id_one_is_made()
    {
        var response = await Run(UnhandledErrors.GuardAsync(() => throw new InvalidOperationException("boom"), NullLogger.Instance));
        Assert.Equal(500, response.Status);
        Assert.Equal(32, response.Body.GetProperty("correlationId").GetString()!.Length);
        Assert.DoesNotContain("boom", response.Body.GetRawText());
    }
}
