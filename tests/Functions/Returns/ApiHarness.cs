using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Pps.Core.Catalogue;
using Pps.Core.Definition;
using Pps.Core.Returns;
using Pps.Core.Storage;
using Pps.Synthetic;
using Pps.Functions.Admin;
using Pps.Functions.Http;
using Pps.Functions.Returns;
using Pps.Tests.Support;
using static Pps.Tests.Support.Window2013;

namespace Pps.Tests.Functions.Returns;

/// <summary>An HTTP response as the client sees it: status, headers and parsed body.</summary>
public sealed record ApiResponse(int Status, IHeaderDictionary Headers, string? ContentType, JsonElement Body)
{
    public string? ETag => Headers.ETag.ToString() is { Length: > 0 } e ? e : null;
    public string Detail => Body.TryGetProperty("detail", out var d) ? d.GetString() ?? "" : "";
    public JsonElement Values => Body.GetProperty("values");
}

/// <summary>
/// The function classes as the app builds them (the app's own DI registrations, <see cref="TestApp"/>), on
/// per-test storage in Azurite, with a fake clock: the 2013 window is open from 1 September to 31 October 2013
/// and it is now 15 September.
/// </summary>
public sealed class ApiHarness
{
    public const string AdminToken = TestApp.AdminToken;

    private ApiHarness(TestApp app)
    {
        App = app;
        Storage = app.Get<PpsStorage>();
        Clock = app.Clock;
        Store = app.Get<ReturnStore>();
        Years = app.Get<CollectionYearStore>();
        Credentials = app.Get<CredentialStore>();
        Service = app.Get<ReturnService>();
        ReturnsApi = app.Function<ReturnFunctions>();
        HistoryApi = app.Function<ReturnHistoryFunctions>();
        YearsApi = app.Function<YearFunctions>();
        CredentialsApi = app.Function<CredentialFunctions>();
    }

    /// <summary>The app's services (kept for the life of the test process: the tests share one Azurite).</summary>
    public TestApp App { get; }
    public PpsStorage Storage { get; }
    public FakeClock Clock { get; }
    public ReturnStore Store { get; }
    public CollectionYearStore Years { get; }
    public CredentialStore Credentials { get; }
    public ReturnService Service { get; }
    public ReturnFunctions ReturnsApi { get; }
    public ReturnHistoryFunctions HistoryApi { get; }
    public YearFunctions YearsApi { get; }
    public CredentialFunctions CredentialsApi { get; }

    /// <summary>Fresh storage with the 2013 collection open (and, if asked, 2012 set up too).</summary>
    public static async Task<ApiHarness> StartAsync()
    {
        var api = new ApiHarness(await TestApp.StartAsync(Now));
        await api.Years.SaveAsync(Collection, null);
        return api;
    }

    public async Task<string> TokenForAsync(int serviceId, int year = 2013) =>
        (await Credentials.IssueAsync(serviceId, year, "nppn", Clock.GetUtcNow(), "test")).Token;

    /// <summary>Stores a return for the year before directly, as last year's collection left it.</summary>
    public async Task SeedLastYearAsync(int serviceId, params (string Id, string Value)[] values)
    {
        var parsed = Pps.Core.Validation.ReturnValidator.Validate(BuiltInDefinitions.For(2012), values.ToDictionary(v => v.Id, v => (string?)v.Value));
        Assert.True(parsed.IsValid);
        await Store.SaveAsync(new ServiceReturn
        {
            ServiceId = serviceId, Year = 2012, Status = ReturnStatus.Locked, Values = parsed.Values, UpdatedAt = Opens.AddYears(-1),
        }, null, "import", "import");
    }

    public static HttpRequest Request(string method, string? token, object? body = null, string? ifMatch = null, string contentType = "application/json")
    {
        var raw = body switch
        {
            null => null,
            string s => s,
            byte[] b => Encoding.UTF8.GetString(b),
            _ => JsonSerializer.Serialize(body, HttpJson.Options),
        };
        var context = new DefaultHttpContext();
        var request = context.Request;
        request.Method = method;
        if (token is not null) request.Headers.Authorization = "Bearer " + token;
        if (ifMatch is not null) request.Headers.IfMatch = ifMatch;
        if (raw is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(raw);
            request.Body = new MemoryStream(bytes);
            request.ContentLength = bytes.Length;
            request.ContentType = contentType;
        }
        return request;
    }

    public static object Save(object values, params string[] confirmed) => new { values, confirmedWarnings = confirmed };

    public static object SaveWithReason(object values, string reason) => new { values, reason };

    /// <summary>Runs the function's result as the host would and reads the response back.</summary>
    public static async Task<ApiResponse> Run(Task<IActionResult> call)
    {
        var result = await call;
        var context = new DefaultHttpContext();
        var body = new MemoryStream();
        context.Response.Body = body;
        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new ActionDescriptor()));
        var text = Encoding.UTF8.GetString(body.ToArray());
        var json = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return new ApiResponse(context.Response.StatusCode, context.Response.Headers, context.Response.ContentType, json);
    }

    // The calls, as a client makes them.
    public Task<ApiResponse> GetReturn(string? token, int serviceId, int year = 2013) =>
        Run(ReturnsApi.Get(Request("GET", token), year, serviceId, default));

    public Task<ApiResponse> PutReturn(string? token, int serviceId, object? body, string? ifMatch = null, int year = 2013, string contentType = "application/json") =>
        Run(ReturnsApi.SaveDraft(Request("PUT", token, body, ifMatch, contentType), year, serviceId, default));

    public Task<ApiResponse> Submit(string? token, int serviceId, object? body, string? ifMatch, int year = 2013) =>
        Run(ReturnsApi.Submit(Request("POST", token, body, ifMatch), year, serviceId, default));

    public Task<ApiResponse> Reopen(string? token, int serviceId, object? body, string? ifMatch, int year = 2013) =>
        Run(ReturnsApi.Reopen(Request("POST", token, body, ifMatch), year, serviceId, default));

    /// <summary>A return with every field answered, all valid.</summary>
    public static Dictionary<string, object> FullReturn(int caseworkUsers = 400) => ExampleReturn.Full(2013, caseworkUsers);
}
