using System.Text.Json;
using Pps.Core.Mail;
using Pps.Functions.Mail;
using Pps.Tests.Functions.Returns;
using Pps.Tests.Support;
using static Pps.Tests.Functions.Returns.ApiHarness;

namespace Pps.Tests.Mail;

/// <summary>NPPN's mail API refuses what it cannot do with a problem naming the field, never a 500, and only NPPN may use it.</summary>
public class MailApiTests
{
    [Fact]
    public async Task Contacts_are_NPPNs_to_manage_and_bad_ones_are_refused_by_field()
    {
        var api = await ApiHarness.StartAsync();
        var mail = api.App.Function<MailFunctions>();
        var service = await api.TokenForAsync(12);

        Assert.Equal(403, (await Run(mail.AddContact(Request("POST", service, new { name = "Me", email = "me@example.org" }), 12, default))).Status);
        Assert.Equal(403, (await Run(mail.ListContacts(Request("GET", service), 12, default))).Status);
        Assert.Equal(404, (await Run(mail.AddContact(Request("POST", TestApp.AdminToken, new { name = "A", email = "a@example.org" }), 999, default))).Status);

        var bad = await Run(mail.AddContact(Request("POST", TestApp.AdminToken, new { name = " ", email = "a@b, c@d.org" }), 12, default));
        Assert.Equal(422, bad.Status);
        var errors = bad.Body.GetProperty("errors");
        Assert.Contains("email address", errors.GetProperty("email")[0].GetString());
        Assert.Contains("name", errors.GetProperty("name")[0].GetString());
        Assert.Equal(400, (await Run(mail.AddContact(Request("POST", TestApp.AdminToken, new { name = "A", email = "a@example.org", phone = "1" }), 12, default))).Status);

        var added = await Run(mail.AddContact(Request("POST", TestApp.AdminToken, new { name = "Ann", email = "ann@example.org" }), 12, default));
        Assert.Equal(201, added.Status);
        var id = added.Body.GetProperty("id").GetString()!;
        var changed = await Run(mail.UpdateContact(Request("PUT", TestApp.AdminToken, new { name = "Ann Smith", email = "ann.smith@example.org" }), 12, id, default));
        Assert.Equal(200, changed.Status);
        var listed = await Run(mail.ListContacts(Request("GET", TestApp.AdminToken), 12, default));
        Assert.Equal("ann.smith@example.org", Assert.Single(listed.Body.EnumerateArray()).GetProperty("email").GetString());
        Assert.Equal(404, (await Run(mail.UpdateContact(Request("PUT", TestApp.AdminToken, new { name = "X", email = "x@example.org" }), 13, id, default))).Status);
        Assert.Equal(204, (await Run(mail.DeleteContact(Request("DELETE", TestApp.AdminToken), 12, id, default))).Status);
        Assert.Equal(404, (await Run(mail.DeleteContact(Request("DELETE", TestApp.AdminToken), 12, id, default))).Status);
    }

    [Fact]
    public async Task Chases_sign_in_links_and_schedules_say_what_is_wrong()
    {
        var api = await ApiHarness.StartAsync();
        var mail = api.App.Function<MailFunctions>();

        Assert.Equal(404, (await Run(mail.Chase(Request("POST", TestApp.AdminToken, new { note = "Please" }), 2031, default))).Status);
        var unknown = await Run(mail.Chase(Request("POST", TestApp.AdminToken, new { serviceIds = new[] { 12, 999 } }), 2013, default));
        Assert.Equal(422, unknown.Status);
        Assert.Contains("999", unknown.Body.GetProperty("errors").GetProperty("serviceIds")[0].GetString());
        var withNote = await Run(mail.SignInLinks(Request("POST", TestApp.AdminToken, new { note = "hello" }), 2013, default));
        Assert.Equal(422, withNote.Status);
        Assert.True(withNote.Body.GetProperty("errors").TryGetProperty("note", out _));
        var control = await Run(mail.Chase(Request("POST", TestApp.AdminToken, new { note = "bell\u0007" }), 2013, default));
        Assert.Equal(422, control.Status);

        var badSchedule = await Run(mail.SetReminders(Request("PUT", TestApp.AdminToken, new { daysBefore = new[] { 7, 7, -1 } }), 2013, default));
        Assert.Equal(422, badSchedule.Status);
        Assert.True(badSchedule.Body.GetProperty("errors").TryGetProperty("daysBefore", out _));
        Assert.Equal(404, (await Run(mail.SetReminders(Request("PUT", TestApp.AdminToken, new { daysBefore = new[] { 7 } }), 2031, default))).Status);
        Assert.Equal(MailRequests.DefaultReminderDaysBefore,
            (await Run(mail.GetReminders(Request("GET", TestApp.AdminToken), 2013, default))).Body.GetProperty("daysBefore").EnumerateArray().Select(d => d.GetInt32()));

        var service = await api.TokenForAsync(12);
        Assert.Equal(403, (await Run(mail.Chase(Request("POST", service, new { }), 2013, default))).Status);
        Assert.Equal(403, (await Run(mail.Requeue(Request("POST", service), default))).Status);
    }

    [Fact]
    public void The_last_delivery_the_sender_counts_is_the_hosts_last_one()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(RepoFiles.At("functions", "host.json")));
        var max = host.RootElement.GetProperty("extensions").GetProperty("queues").GetProperty("maxDequeueCount").GetInt32();
        Assert.Equal(max, new MailOptions().MaxAttempts);
    }

    [Theory]
    [InlineData("ann@example.org", true)]
    [InlineData("ann.o'neil+pps@sub.example.org", true)]
    [InlineData("Ann <ann@example.org>", false)]
    [InlineData("ann@example", false)]
    [InlineData("a@b.org, c@d.org", false)]
    [InlineData("ann@@example.org", false)]
    [InlineData("ann@example.org\r\nBcc: x@y.org", false)]
    public void An_address_is_one_plain_address(string address, bool valid) => Assert.Equal(valid, ContactStore.IsAddress(address));
}

/// <summary>The alert on dead-lettered mail searches for the log lines the outbox writes.</summary>
public class MailAlertTests
{
    [Fact]
    public void The_mail_alert_searches_for_the_lines_the_outbox_logs()
    {
        var events = Pps.Tests.Infra.CompiledTemplate.Main().Variable("mailEvents");
        Assert.Equal(Pps.Core.Telemetry.PpsTelemetry.MailDeadLetteredEvent, events["deadLettered"]!.GetValue<string>());
        Assert.Equal(Pps.Core.Telemetry.PpsTelemetry.MailNotQueuedEvent, events["notQueued"]!.GetValue<string>());
    }
}
