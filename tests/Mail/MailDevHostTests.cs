using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Pps.Core.Catalogue;
using Pps.Core.Definition;
using Pps.Core.Mail;
using Pps.Core.Storage;
using Pps.Core.Uploads.Workbook;
using Pps.Synthetic;
using Pps.Tests.Functions.Returns;
using Pps.Tests.Support;
using Pps.Tests.Uploads;
using static Pps.Tests.Support.Window2013;

namespace Pps.Tests.Mail;

/// <summary>
/// Mail end to end: the devhost (the app's own registration, its queue trigger running SendMail) on Azurite, mail sent
/// over SMTP to maildev and read back through maildev's REST API. Each test mails addresses of its own.
/// </summary>
public class MailDevHostTests
{
    private static readonly Dictionary<string, string> Fast = new() { ["DevHost:QueueRetrySeconds"] = "0.2" };

    [Fact]
    public async Task A_submitted_return_mails_one_receipt_to_the_services_contacts_and_a_second_delivery_sends_nothing()
    {
        await using var host = await StartAsync(Maildev.Settings());
        var (first, second) = (Maildev.NewAddress(), Maildev.NewAddress());
        await AddContactAsync(host, 31, "Ann Officer", first);
        await AddContactAsync(host, 31, "Bob Manager", second);

        await SubmitAsync(host, 31);

        var mails = await Maildev.WaitForAsync(first);
        var receipt = Assert.Single(mails);
        Assert.Contains(first, Maildev.Recipients(receipt));
        Assert.Contains(second, Maildev.Recipients(receipt));
        Assert.Equal($"2013 PPS return received from {ServiceCatalogue.BuiltIn.Find(31)!.Name}", Maildev.Subject(receipt));
        Assert.Contains("revision 2", Maildev.Text(receipt));
        Assert.Equal("<receipt-2013-031-r2@pps.nppn>", Maildev.MessageId(receipt));
        var row = await LedgerRowAsync(host, "receipt-2013-031-r2");
        Assert.Equal("Sent", row.GetProperty("state").GetString());
        Assert.Equal(2, row.GetProperty("recipients").GetInt32());

        // The same event delivered again (a duplicate delivery, a requeue): the ledger keeps it to the one mail.
        var outbox = host.Services.GetRequiredService<MailOutbox>();
        await outbox.EnqueueAsync(new OutboxMessage(MailKinds.Receipt, "receipt-2013-031-r2", 2013, 31, host.Clock.GetUtcNow(), Revision: 2), default);
        await QueueDrainedAsync(outbox);
        Assert.Single(await Maildev.MailsToAsync(first));
    }

    [Fact]
    public async Task A_workbook_upload_mails_its_result_accepted_or_with_its_problems()
    {
        await using var host = await StartAsync(Maildev.Settings());
        var officer = Maildev.NewAddress();
        await AddContactAsync(host, 24, "Cat Officer", officer);
        var token = await host.TokenForAsync(24);

        var garbage = await UploadAsync(host, token, "not a workbook"u8.ToArray());
        var rejected = Assert.Single(await Maildev.WaitForAsync(officer, where: m => Maildev.Subject(m).Contains("not accepted")));
        Assert.Equal("2013 PPS return: your workbook was not accepted", Maildev.Subject(rejected));
        Assert.Contains("nothing was changed", Maildev.Text(rejected));
        Assert.Contains(garbage, Maildev.Text(rejected));

        var template = await Authorized(host, token).GetByteArrayAsync("api/workbooks/2013/24");
        var layout = WorkbookLayout.For(BuiltInDefinitions.For(2013));
        var filled = WorkbookFiller.SetCells(template, WorkbookFiller.Answers(layout, WorkbookEdits.Ratings2013(24).Select(r => KeyValuePair.Create(r.Key, r.Value!))));
        var good = await UploadAsync(host, token, filled);
        var accepted = Assert.Single(await Maildev.WaitForAsync(officer, where: m => Maildev.Subject(m).Contains("was accepted")));
        Assert.Contains("accepted and saved as a draft", Maildev.Text(accepted));
        Assert.Contains(good, Maildev.Text(accepted));
        Assert.Equal(2, (await Maildev.MailsToAsync(officer)).Count);
    }

    [Fact]
    public async Task While_the_mail_server_is_down_a_mail_is_retried_then_poisoned_and_once_it_is_back_a_requeue_sends_it_once()
    {
        var port = Maildev.FreePort(); // nothing listens here yet: every send fails
        await using var host = await StartAsync(Maildev.Settings(port));
        var officer = Maildev.NewAddress();
        await AddContactAsync(host, 45, "Dee Officer", officer);

        var saved = await SubmitAsync(host, 45);
        Assert.Equal(HttpStatusCode.OK, saved); // the save neither waited for nor failed on the mail

        var outbox = host.Services.GetRequiredService<MailOutbox>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await outbox.PoisonQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0 && DateTime.UtcNow < deadline) await Task.Delay(200);
        Assert.Equal(1, (await outbox.PoisonQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        var row = await LedgerRowAsync(host, "receipt-2013-045-r2");
        Assert.Equal("DeadLettered", row.GetProperty("state").GetString());
        Assert.Equal(new MailOptions().MaxAttempts, row.GetProperty("deliveries").GetInt32());

        // The mail server comes back on the same port; NPPN puts the poison queue back.
        var (server, mailbox) = await Maildev.StartAnotherAsync(port);
        try
        {
            var requeued = await Admin(host).PostAsync("api/mail/dead-letters/requeue", null);
            Assert.Equal(HttpStatusCode.OK, requeued.StatusCode);
            Assert.Equal(1, (await requeued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("requeued").GetInt32());
            var mails = await Maildev.WaitForAsync(officer, mailbox: mailbox);
            Assert.Single(mails);
            Assert.Equal("Sent", (await LedgerRowAsync(host, "receipt-2013-045-r2")).GetProperty("state").GetString());

            // Requeued once more (twice in the poison queue, say): still the one mail.
            await outbox.EnqueueAsync(new OutboxMessage(MailKinds.Receipt, "receipt-2013-045-r2", 2013, 45, host.Clock.GetUtcNow(), Revision: 2), default);
            await QueueDrainedAsync(outbox);
            Assert.Single(await Maildev.MailsToAsync(mailbox, officer));
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Reminders_go_once_per_schedule_point_to_services_that_have_not_submitted()
    {
        await using var host = await StartAsync(Maildev.Settings());
        var (late, done) = (Maildev.NewAddress(), Maildev.NewAddress());
        await AddContactAsync(host, 52, "Eve Late", late);
        await AddContactAsync(host, 53, "Fay Done", done);
        await SubmitAsync(host, 53);
        var schedule = await Admin(host).PutAsJsonAsync("api/years/2013/reminders", new { daysBefore = new[] { 7, 14 } });
        Assert.Equal(HttpStatusCode.OK, schedule.StatusCode);
        Assert.Equal([14, 7], (await schedule.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("daysBefore").EnumerateArray().Select(d => d.GetInt32()));
        var reminders = host.Services.GetRequiredService<Reminders>();
        var outbox = host.Services.GetRequiredService<MailOutbox>();

        host.Clock.Now = Closes.AddDays(-20);
        Assert.Equal(0, await reminders.QueueDueAsync(default)); // no point reached yet
        host.Clock.Now = Closes.AddDays(-11);
        Assert.True(await reminders.QueueDueAsync(default) > 0);
        Assert.Equal(0, await reminders.QueueDueAsync(default)); // the timer runs again: the point is done
        var first = Assert.Single(await Maildev.WaitForAsync(late));
        Assert.Equal("2013 PPS return: closes on 31 October 2013", Maildev.Subject(first));

        host.Clock.Now = Closes.AddDays(-6);
        Assert.True(await reminders.QueueDueAsync(default) > 0);
        Assert.Equal(0, await reminders.QueueDueAsync(default));
        Assert.Equal(2, (await Maildev.WaitForAsync(late, 2)).Count);
        await QueueDrainedAsync(outbox);
        Assert.Equal(2, (await Maildev.MailsToAsync(late)).Count);
        // The service that submitted had its receipt, and no reminder.
        Assert.Equal(["2013 PPS return received from " + ServiceCatalogue.BuiltIn.Find(53)!.Name], (await Maildev.MailsToAsync(done)).Select(Maildev.Subject));
    }

    [Fact]
    public async Task A_sign_in_link_carries_a_new_credential_issued_by_the_person_who_sent_it_and_a_chase_carries_NPPNs_note()
    {
        await using var host = await StartAsync(Maildev.Settings());
        var officer = Maildev.NewAddress();
        await AddContactAsync(host, 60, "Gil Officer", officer);
        // From here on NPPN's staff sign in as themselves (the admin token stops signing in).
        var ann = await host.Services.GetRequiredService<StaffCredentialStore>().IssueAsync("Ann Lee", "nppn", host.Clock.Now);
        var staff = Authorized(host, ann.Token);

        var sent = await staff.PostAsJsonAsync("api/years/2013/sign-in-links", new { serviceIds = new[] { 60, 61 }, label = "2013 officers" });
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        var result = await sent.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Single(result.GetProperty("queued").EnumerateArray());
        Assert.Equal([61], result.GetProperty("withoutContacts").EnumerateArray().Select(s => s.GetInt32()));
        Assert.DoesNotContain("pps_", result.GetRawText()); // the token is in the mail only

        var mail = Assert.Single(await Maildev.WaitForAsync(officer));
        var link = Regex.Match(Maildev.Text(mail), @"http://127\.0\.0\.1:7071/form\.html#token=(pps_[A-Za-z0-9_-]+)");
        Assert.True(link.Success, Maildev.Text(mail));
        var me = await Authorized(host, Uri.UnescapeDataString(link.Groups[1].Value)).GetFromJsonAsync<JsonElement>("api/me");
        Assert.Equal(60, me.GetProperty("serviceId").GetInt32());
        Assert.Equal(2013, me.GetProperty("year").GetInt32());
        var credential = Assert.Single(await host.Services.GetRequiredService<CredentialStore>().ListAsync(2013, 60));
        Assert.Equal("2013 officers", credential.Label);
        Assert.Equal("nppn:Ann Lee", credential.IssuedBy);

        var chase = await staff.PostAsJsonAsync("api/years/2013/chase", new { serviceIds = new[] { 60 }, note = "Only Part 2 is missing." });
        Assert.Equal(HttpStatusCode.Accepted, chase.StatusCode);
        var chased = Assert.Single(await Maildev.WaitForAsync(officer, where: m => Maildev.Subject(m).Contains("waiting for")));
        Assert.Contains("Only Part 2 is missing.", Maildev.Text(chased));
    }

    private static async Task<DevHostFixture> StartAsync(Dictionary<string, string> mail)
    {
        var host = await DevHostFixture.StartAsync(mail.Concat(Fast).ToDictionary());
        await host.Services.GetRequiredService<CollectionYearStore>()
            .SaveAsync(Collection, null);
        return host;
    }

    private static HttpClient Admin(DevHostFixture host) => Authorized(host, DevHostFixture.AdminToken);

    private static HttpClient Authorized(DevHostFixture host, string token) =>
        new() { BaseAddress = host.BaseUrl, DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", token) } };

    private static async Task AddContactAsync(DevHostFixture host, int serviceId, string name, string email)
    {
        var added = await Admin(host).PostAsJsonAsync($"api/services/{serviceId}/contacts", new { name, email });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
    }

    /// <summary>Saves a full draft and submits it as the service would (revision 1, then 2); the submit's status.</summary>
    private static async Task<HttpStatusCode> SubmitAsync(DevHostFixture host, int serviceId)
    {
        var client = Authorized(host, await host.TokenForAsync(serviceId));
        var saved = await client.PutAsJsonAsync($"api/returns/2013/{serviceId}", ApiHarness.Save(ExampleReturn.Full(2013, 300 + serviceId)));
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var submit = new HttpRequestMessage(HttpMethod.Post, $"api/returns/2013/{serviceId}/submit");
        submit.Headers.IfMatch.Add(saved.Headers.ETag!);
        var submitted = await client.SendAsync(submit);
        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        return submitted.StatusCode;
    }

    private static async Task<string> UploadAsync(DevHostFixture host, string token, byte[] file)
    {
        var upload = await Authorized(host, token).PostAsync("api/workbooks/2013/24/uploads",
            new ByteArrayContent(file) { Headers = { ContentType = new MediaTypeHeaderValue(WorkbookTemplate.ContentType) } });
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        return (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("uploadId").GetString()!;
    }

    private static async Task<JsonElement> LedgerRowAsync(DevHostFixture host, string key)
    {
        var rows = await Admin(host).GetFromJsonAsync<JsonElement>("api/years/2013/mail");
        return rows.EnumerateArray().Single(r => r.GetProperty("key").GetString() == key);
    }

    /// <summary>Until the outbox holds no message (visible or being handled), 30 s at most.</summary>
    private static async Task QueueDrainedAsync(MailOutbox outbox)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await outbox.Queue.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0 && DateTime.UtcNow < deadline) await Task.Delay(200);
        Assert.Equal(0, (await outbox.Queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }
}
