using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;

namespace Pps.Functions.Http;

/// <summary>
/// The one mapping of an exception no function handled to its HTTP answer: 500 problem details with a
/// correlation id, never a bare 500 or a stack trace. The exception itself, with the same id, goes to the log.
/// The worker runs it as middleware (<see cref="UnhandledErrorsMiddleware"/>); a host that calls the function
/// classes directly (the local devhost) wraps each call in <see cref="GuardAsync"/>.
/// </summary>
public static class UnhandledErrors
{
    public static JsonResponse Response(Exception exception, ILogger log, string correlationId)
    {
        log.LogError(exception, "Unhandled error in an HTTP function; correlation id {CorrelationId}", correlationId);
        if (IsStorageUnavailable(exception))
        {
            return Problems.Of(StatusCodes.Status503ServiceUnavailable, "The service is busy; try again in a moment.",
                $"Storage did not answer in time, after trying again. If it was a change, read the return again to see whether it was stored before you send it again. If this goes on, tell NPPN the correlation id {correlationId}.",
                new Dictionary<string, object?> { ["correlationId"] = correlationId }).WithHeader("Retry-After", RetryAfterSeconds);
        }
        return Problems.Of(StatusCodes.Status500InternalServerError, "Something went wrong on our side.",
            $"The request could not be completed. If it was a change, read the return again to see whether it was stored. If this goes on, tell NPPN the correlation id {correlationId}.",
            new Dictionary<string, object?> { ["correlationId"] = correlationId });
    }

    /// <summary>How long a caller told the service is busy waits before trying again.</summary>
    public const string RetryAfterSeconds = "5";

    /// <summary>
    /// Storage that failed for itself, not for the request: what the Azure SDK throws once its own retries are spent (a
    /// 5xx, 408 or 429 from the service; a connection lost or timed out, which it gathers in an AggregateException).
    /// </summary>
    public static bool IsStorageUnavailable(Exception exception) => exception switch
    {
        AggregateException all => all.InnerExceptions.Count > 0 && all.InnerExceptions.All(IsStorageUnavailable),
        Azure.RequestFailedException failed => failed.Status is 0 or 408 or 429 or >= 500,
        IOException or TimeoutException => true,
        OperationCanceledException => exception.InnerException is null || IsStorageUnavailable(exception.InnerException),
        _ => false,
    };

    /// <summary>Runs a function call and answers problem details if it throws.</summary>
    public static async Task<IActionResult> GuardAsync(Func<Task<IActionResult>> call, ILogger log, string? correlationId = null)
    {
        try
        {
            return await call();
        }
        catch (Exception e)
        {
            return Response(e, log, correlationId ?? Guid.NewGuid().ToString("N"));
        }
    }
}

/// <summary>
/// Worker middleware: an HTTP function that throws answers <see cref="UnhandledErrors.Response"/> (the ASP.NET Core
/// integration then writes it); other triggers keep their exception, so the host's retry policy still sees it.
/// </summary>
public sealed class UnhandledErrorsMiddleware(ILogger<UnhandledErrorsMiddleware> log) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        var isHttp = context.FunctionDefinition.InputBindings.Values.Any(b => string.Equals(b.Type, "httpTrigger", StringComparison.OrdinalIgnoreCase));
        if (!isHttp)
        {
            await next(context);
            return;
        }
        try
        {
            await next(context);
        }
        catch (Exception e)
        {
            context.GetInvocationResult().Value = UnhandledErrors.Response(e, log, context.InvocationId);
        }
    }
}
