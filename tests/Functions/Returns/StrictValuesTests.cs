using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Pps.Core.Storage;
using Pps.Functions.Http;
using Pps.Tests.Support;
using static Pps.Core.Definition.FieldIds;
using static Pps.Tests.Functions.Returns.ApiHarness;
using static Pps.Tests.Support.Window2013;

namespace Pps.Tests.Functions.Returns;

/// <summary>Values are taken as sent, or refused with a 4xx that says why; never changed on the way in, never a 500.</summary>
public class StrictValuesTests
{
    private static HttpRequest RawRequest(string token, byte[] body)
    {
        var request = Request("PUT", token);
        request.Body = new MemoryStream(body);
        request.ContentLength = body.Length;
        request.ContentType = "application/json";
        return request;
    }

    public static TheoryData<string, string> DuplicateKeys => new()
    {
        { "{\"values\": {\"casework.users\": 12, \"casework.users\": 999}}", "casework.users" },
        { "{\"values\": {\"casework.users\": 12}, \"values\": {\"casework.users\": 999}}", "values" },
        { "{\"values\": {}, \"reason\": \"a\", \"reason\": \"b\"}", "reason" },
    };

    [Theory]
    [MemberData(nameof(DuplicateKeys))]
    public async Task A_key_given_twice_is_refused_not_last_one_wins(string body, string key)
    {
        var api = await StartAsync();
        var token = await api.TokenForAsync(42);
        var response = await api.PutReturn(token, 42, body);
        Assert.Equal(400, response.Status);
        Assert.Contains($"\"{key}\" twice", response.Detail);
        Assert.Null(await api.Store.GetAsync(2013, 42));
    }

    [Theory]
    [InlineData("{\"values\": {\"comments.text\": \"before \\ud800 after\"}}", "comments.text")]
    [InlineData("{\"values\": {\"comments.text\": \"\\udc00\"}}", "comments.text")]
    [InlineData("{\"values\": {\"access.formatKinds\": [\"audio\", \"\\ud83d\"]}}", "access.formatKinds")]
    public async Task A_lone_surrogate_in_a_value_is_400_naming_where(string body, string where)
    {
        var api = await StartAsync();
        var token = await api.TokenForAsync(42);
        var response = await api.PutReturn(token, 42, body);
        Assert.Equal(400, response.Status);
        Assert.Contains(where, response.Detail);
        Assert.Contains("not valid Unicode", response.Detail);
        Assert.Null(await api.Store.GetAsync(2013, 42));
    }

    [Fact]
    public async Task A_lone_surrogate_in_nppns_reason_is_400()
    {
        var api = await StartAsync();
        var token = await api.TokenForAsync(42);
        var submitted = await api.Submit(token, 42, Save(CompleteReturn.Json(new() { [CaseworkUsers] = 100 })), null);
        var response = await api.PutReturn(AdminToken, 42, "{\"values\": {\"casework.users\": 120}, \"reason\": \"phoned \\ud800\"}", submitted.ETag);
        Assert.Equal(400, response.Status);
        Assert.Contains("reason", response.Detail);
        Assert.Equal(1, (await api.Store.GetAsync(2013, 42))!.Revision);
    }

    [Fact]
    public async Task Invalid_utf8_in_a_value_is_400()
    {
        var api = await StartAsync();
        var token = await api.TokenForAsync(42);
        byte[] body = [.. Encoding.UTF8.GetBytes("{\"values\": {\"comments.text\": \"caf"), 0xC3, 0x28, .. Encoding.UTF8.GetBytes("\"}}")];
        var response = await Run(api.ReturnsApi.SaveDraft(RawRequest(token, body), 2013, 42, default));
        Assert.Equal(400, response.Status);
        Assert.Contains("UTF-8", response.Detail);
        Assert.Null(await api.Store.GetAsync(2013, 42));
    }

    [Theory]
    [InlineData("0,75", "0.75")]  // a decimal comma is not a thousands separator: never 75
    [InlineData("1e-308", "1e-308")]
    [InlineData("0.001", "0.001")]
    public async Task A_number_that_cannot_be_stored_as_sent_is_refused_naming_the_field(string text, string shown)
    {
        var api = await StartAsync();
        var token = await api.TokenForAsync(42);
        foreach (var body in new[]
        {
            $"{{\"values\": {{\"{ManagerFte}\": \"{text}\"}}}}",
            $"{{\"values\": {{\"{ManagerFte}\": {text.Replace(',', '.')}}}}}",
        })
        {
            if (body.Contains("0.75}", StringComparison.Ordinal)) continue; // 0.75 as a JSON number is a good value
            var response = await api.PutReturn(token, 42, body);
            Assert.Equal(422, response.Status);
            var message = response.Body.GetProperty("errors").GetProperty(ManagerFte)[0].GetString()!;
            Assert.Contains("Manager / coordinator", message);
            Assert.Contains(text.Contains(',') ? text : shown, message);
        }
        Assert.Null(await api.Store.GetAsync(2013, 42));
    }

    [Theory]
    [InlineData("Bearer ")]
    [InlineData("Bearer    ")]
    [InlineData("Bearer \t")]
    [InlineData("bearer \u200B")]
    public async Task An_empty_bearer_token_is_never_a_token(string header)
    {
        var api = await StartAsync();
        var request = Request("GET", null);
        request.Headers.Authorization = header;
        var response = await Run(api.ReturnsApi.Get(request, 2013, 42, default));
        Assert.Equal(401, response.Status);
    }

    [Fact]
    public async Task An_empty_token_is_not_nppns_even_where_the_admin_hash_is_that_of_the_empty_string()
    {
        var api = await StartAsync();
        // Past the start check (as a host that skipped it would be): the authenticator itself still refuses.
        var auth = new PpsAuthenticator(api.Credentials, Options.Create(new ApiAuthOptions { AdminTokenSha256 = CredentialStore.Sha256Hex("") }));
        foreach (var header in new[] { "Bearer  ", "Bearer \t", "Bearer \u200B" })
        {
            var request = Request("GET", null);
            request.Headers.Authorization = header;
            var result = await auth.AuthenticateAsync(request);
            Assert.Null(result.Caller);
            Assert.Equal(401, result.Denied!.StatusCode);
        }
    }

    [Theory]
    [InlineData("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")] // SHA-256 of the empty string
    [InlineData("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855")]
    [InlineData("not-a-hash")]
    [InlineData("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85")] // 63 characters
    [InlineData("zzb0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    public async Task A_malformed_or_empty_string_admin_hash_stops_the_app_at_start(string hash)
    {
        using var app = await TestApp.StartAsync(Opens, settings: new Dictionary<string, string?> { ["Pps:AdminTokenSha256"] = hash });
        var failure = Assert.Throws<OptionsValidationException>(() => app.Get<IStartupValidator>().Validate());
        Assert.Contains("AdminTokenSha256", failure.Message);
    }

    [Fact]
    public async Task A_wellformed_admin_hash_starts_and_lets_NPPN_in()
    {
        using var app = await TestApp.StartAsync(Opens);
        Assert.Null(Record.Exception(() => app.Get<IStartupValidator>().Validate()));
        var nppn = await app.Get<PpsAuthenticator>().AuthenticateAsync(Request("GET", TestApp.AdminToken));
        Assert.True(nppn.Caller?.Actor.IsNppn, "the admin token is NPPN's");
        Assert.Null((await app.Get<PpsAuthenticator>().AuthenticateAsync(Request("GET", TestApp.AdminToken + "x"))).Caller);
    }
}
