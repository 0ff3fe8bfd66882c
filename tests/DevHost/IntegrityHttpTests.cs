using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pps.Core.Definition;
using Pps.Synthetic;
using Pps.Tests.Support;

namespace Pps.Tests.DevHost;

/// <summary>
/// Issue 23, over HTTP through the devhost as it was found: what a service may store never blocks the year's
/// publication, and the window rules are the same under an extension as in the open window.
/// </summary>
public class IntegrityHttpTests
{
    private const int Year = 2091;
    private static readonly DateTimeOffset Opens = new(2013, 9, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Closes = new(2013, 10, 31, 17, 0, 0, TimeSpan.Zero);

    /// <summary>An emoji: one character on screen, two UTF-16 units, stored escaped as \uD83D\uDE00 (12 bytes).</summary>
    private const string Emoji = "\U0001F600";

    /// <summary>
    /// NPPN publishes a definition whose text fields total the documented limit; services fill them with emoji, one up to
    /// the field's limit counted in characters, one up to the limit in bytes as stored. Each save is either refused naming
    /// the field, or accepted, and then the year closes and publishes every return accepted.
    /// </summary>
    [Fact]
    public async Task A_return_at_the_text_limit_filled_with_emoji_is_refused_naming_the_field_or_published()
    {
        await using var host = await DevHostFixture.StartAsync();
        var commentsLimit = ReturnDefinition.MaxTextBytes - 200; // budget.otherName keeps its 200
        await PublishDefinitionAsync(host, commentsLimit);

        var accepted = new List<int>();
        // 42: as many emoji as the limit has characters' worth (what a character count would let through).
        // 43: as many emoji as fit in the limit's bytes as stored; 44: plain text to the byte.
        foreach (var (serviceId, comment) in new[]
                 {
                     (42, string.Concat(Enumerable.Repeat(Emoji, commentsLimit / 2))),
                     (43, string.Concat(Enumerable.Repeat(Emoji, commentsLimit / 12))),
                     (44, new string('x', commentsLimit)),
                 })
        {
            var client = await ServiceClientAsync(host, serviceId);
            var values = ExampleReturn.Full(2013, comment: comment);
            var saved = await client.PutAsJsonAsync($"api/returns/{Year}/{serviceId}", new { values });
            if (saved.StatusCode != HttpStatusCode.OK)
            {
                Assert.Equal(HttpStatusCode.UnprocessableEntity, saved.StatusCode);
                Assert.Equal("application/problem+json", saved.Content.Headers.ContentType?.MediaType);
                var problem = JsonNode.Parse(await saved.Content.ReadAsStringAsync())!;
                var message = (string)problem["errors"]![FieldIds.Comments]![0]!;
                Assert.Contains("bytes", message, StringComparison.Ordinal);
                continue;
            }
            var submit = new HttpRequestMessage(HttpMethod.Post, $"api/returns/{Year}/{serviceId}/submit");
            submit.Headers.TryAddWithoutValidation("If-Match", saved.Headers.NonValidated["ETag"].ToString());
            var submitted = await client.SendAsync(submit);
            Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
            accepted.Add(serviceId);
        }
        Assert.Contains(43, accepted);
        Assert.Contains(44, accepted);

        host.Clock.Now = Closes.AddMinutes(1);
        var recompute = await host.Client.PostAsync($"api/years/{Year}/recompute", null);
        Assert.Equal(HttpStatusCode.OK, recompute.StatusCode);
        using var manifest = JsonDocument.Parse(await recompute.Content.ReadAsStringAsync());
        Assert.Equal(accepted.Count, manifest.RootElement.GetProperty("returns").GetInt32());
        var year = JsonNode.Parse(await host.Client.GetStringAsync($"api/years/{Year}"))!;
        Assert.NotNull(year["publishedAt"]);
    }

    private static async Task PublishDefinitionAsync(DevHostFixture host, int commentsLimit)
    {
        host.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DevHostFixture.AdminToken);
        var document = DefinitionDocuments.CopyOf(2013, Year);
        DefinitionDocuments.Section(document, "H")["fields"]![0]!["maxLength"] = commentsLimit;
        var published = await host.Client.PutAsync($"api/definitions/{Year}", new StringContent(document.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        Assert.True(published.IsSuccessStatusCode, await published.Content.ReadAsStringAsync());
        var opened = await host.Client.PutAsJsonAsync($"api/years/{Year}", new { opens = Opens, closes = Closes, nationalServiceCount = 150 });
        Assert.True(opened.IsSuccessStatusCode, await opened.Content.ReadAsStringAsync());
    }

    private static async Task<HttpClient> ServiceClientAsync(DevHostFixture host, int serviceId)
    {
        var client = new HttpClient { BaseAddress = host.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await host.TokenForAsync(serviceId, Year));
        return client;
    }
}
