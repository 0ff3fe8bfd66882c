using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;

namespace Pps.DevHost;

/// <summary>
/// Maps every httpTrigger function of the catalogue to Kestrel: "{routePrefix}/{route}" (the function's name if
/// it declares no route), its methods, and the IActionResult it returns executed by MVC's result executors,
/// as the worker's ASP.NET Core integration does. The auth level is shown but not enforced, as `func start`
/// does not enforce function keys either; the app's own bearer-token check runs in the functions.
/// </summary>
public static class HttpFunctions
{
    public static string RouteOf(FunctionEntry function, string routePrefix)
    {
        var route = function.Property("route") ?? function.Name;
        return string.IsNullOrEmpty(routePrefix) ? route : $"{routePrefix}/{route}";
    }

    public static void Map(IEndpointRouteBuilder endpoints, FunctionCatalog catalog)
    {
        foreach (var function in catalog.OfType("httpTrigger"))
        {
            FunctionInvoker.CheckBindable(function, CanBind);
            endpoints.MapMethods("/" + RouteOf(function, catalog.RoutePrefix), function.Methods, context => InvokeAsync(function, context))
                .WithDisplayName(function.Name);
        }
        // An unknown path under the prefix answers as the API answers: problem details.
        endpoints.MapFallback("/" + (catalog.RoutePrefix.Length > 0 ? catalog.RoutePrefix + "/" : "") + "{**rest}", context =>
            WriteProblem(context, StatusCodes.Status404NotFound, "Not found.", $"No function answers {context.Request.Method} {context.Request.Path}."));
    }

    private static readonly Type[] RouteValueTypes =
        [typeof(string), typeof(int), typeof(long), typeof(Guid), typeof(bool), typeof(double), typeof(decimal), typeof(DateTimeOffset)];

    private static bool CanBind(ParameterInfo parameter)
    {
        var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
        return type == typeof(HttpRequest) || type == typeof(CancellationToken) || RouteValueTypes.Contains(type);
    }

    private static object? Bind(ParameterInfo parameter, HttpContext context)
    {
        var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
        if (type == typeof(HttpRequest)) return context.Request;
        if (type == typeof(CancellationToken)) return context.RequestAborted;
        var raw = context.Request.RouteValues.TryGetValue(parameter.Name!, out var value) ? value?.ToString() : null;
        if (raw is null) return parameter.ParameterType.IsValueType && Nullable.GetUnderlyingType(parameter.ParameterType) is null
            ? Activator.CreateInstance(parameter.ParameterType) : null;
        if (type == typeof(string)) return raw;
        if (type == typeof(Guid)) return Guid.Parse(raw, CultureInfo.InvariantCulture);
        if (type == typeof(DateTimeOffset)) return DateTimeOffset.Parse(raw, CultureInfo.InvariantCulture);
        return Convert.ChangeType(raw, type, CultureInfo.InvariantCulture);
    }

    private static async Task InvokeAsync(FunctionEntry function, HttpContext context)
    {
        object? result;
        try
        {
            result = await FunctionInvoker.InvokeAsync(function, context.RequestServices, p => Bind(p, context));
        }
        catch (FormatException e)
        {
            await WriteProblem(context, StatusCodes.Status400BadRequest, "The request could not be read.", e.Message);
            return;
        }
        switch (result)
        {
            case IActionResult action:
                await action.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
                break;
            case null:
                break;
            default:
                await new OkObjectResult(result).ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
                break;
        }
    }

    internal static Task WriteProblem(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/problem+json; charset=utf-8";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new ProblemDetails
        {
            Type = $"https://httpstatuses.io/{status}", Title = title, Status = status, Detail = detail,
        }));
    }
}
