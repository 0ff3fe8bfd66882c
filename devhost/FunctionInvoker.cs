using System.Reflection;
using System.Runtime.ExceptionServices;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace Pps.DevHost;

/// <summary>
/// Runs a function as the isolated worker does: a new instance of its class per invocation, built by
/// ActivatorUtilities from the invocation's service scope (the worker's default activator), with its
/// parameters bound by the trigger's binder.
/// </summary>
public static class FunctionInvoker
{
    /// <summary>Gives the argument for one parameter, or throws <see cref="NotSupportedException"/> naming it.</summary>
    public delegate object? Binder(ParameterInfo parameter);

    /// <summary>Fails at start, not at the first call, if a parameter cannot be bound.</summary>
    public static void CheckBindable(FunctionEntry function, Func<ParameterInfo, bool> canBind)
    {
        foreach (var parameter in function.Method.GetParameters())
        {
            if (parameter.ParameterType == typeof(FunctionContext))
            {
                throw new NotSupportedException(
                    $"Function {function.Name}: parameter {parameter.Name} is a FunctionContext, which the devhost does not provide (it is not the Functions host). Take what the function needs as a parameter or from DI instead.");
            }
            if (!canBind(parameter))
            {
                throw new NotSupportedException(
                    $"Function {function.Name}: the devhost cannot bind parameter {parameter.Name} of type {parameter.ParameterType.Name} for a {function.TriggerType}.");
            }
        }
    }

    public static async Task<object?> InvokeAsync(FunctionEntry function, IServiceProvider services, Binder bind)
    {
        var method = function.Method;
        var instance = method.IsStatic ? null : ActivatorUtilities.CreateInstance(services, method.DeclaringType!);
        try
        {
            var arguments = method.GetParameters().Select(p => bind(p)).ToArray();
            object? returned;
            try
            {
                returned = method.Invoke(instance, arguments);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                ExceptionDispatchInfo.Throw(e.InnerException);
                throw;
            }
            switch (returned)
            {
                case Task task:
                    await task;
                    return method.ReturnType.IsGenericType ? method.ReturnType.GetProperty("Result")!.GetValue(task) : null;
                case ValueTask valueTask:
                    await valueTask;
                    return null;
                default:
                    return returned;
            }
        }
        finally
        {
            switch (instance)
            {
                case IAsyncDisposable asyncDisposable: await asyncDisposable.DisposeAsync(); break;
                case IDisposable disposable: disposable.Dispose(); break;
            }
        }
    }
}
