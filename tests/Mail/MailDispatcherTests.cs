using Pps.Core.Catalogue;
using Pps.Core.Mail;
using Pps.Core.Storage;
using Pps.Tests.Functions.Returns;
using Pps.Tests.Support;
using static Pps.Tests.Support.Window2013;

namespace Pps.Tests.Mail;

/// <summary>The dispatcher on its own (the app's graph on Azurite, SMTP to maildev): the ledger's claim and what it skips.</summary>
public class MailDispatcherTests
{
    [Fact]
    public async Task Two_deliveries_of_one_message_at_once_send_one_mail()
    {
        using var app = await StartAsync();
        var officer = Maildev.NewAddress();
        await app.Get<ContactStore>().SaveAsync(70, null, "Hal Officer", officer, "nppn", app.Clock.GetUtcNow());
        var message = new OutboxMessage(MailKinds.Receipt, "receipt-2013-070-r2", 2013, 70, app.Clock.GetUtcNow(), Revision: 2).ToJson();
        var dispatcher = app.Get<MailDispatcher>();

        var deliveries = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            try
            {
                return (Result: await dispatcher.DispatchAsync(message, 1, default), Busy: false);
            }
            catch (MailBusyException)
            {
                return (Result: default(DispatchResult), Busy: true); // the host delivers it again later
            }
        }));
        Assert.Single(deliveries, d => d is { Busy: false, Result: DispatchResult.Sent });
        Assert.Single(await Maildev.WaitForAsync(officer));
        Assert.Equal(DispatchResult.AlreadySettled, await dispatcher.DispatchAsync(message, 2, default));
        Assert.Single(await Maildev.MailsToAsync(officer));
    }

    [Fact]
    public async Task A_reminder_for_a_return_submitted_since_is_skipped_and_a_service_without_contacts_settles_at_once()
    {
        using var app = await StartAsync();
        var officer = Maildev.NewAddress();
        await app.Get<ContactStore>().SaveAsync(71, null, "Ivy Officer", officer, "nppn", app.Clock.GetUtcNow());
        var dispatcher = app.Get<MailDispatcher>();
        var token = (await app.Get<CredentialStore>().IssueAsync(71, 2013, "nppn", app.Clock.GetUtcNow())).Token;
        var api = app.Function<Pps.Functions.Returns.ReturnFunctions>();
        var saved = await ApiHarness.Run(api.SaveDraft(ApiHarness.Request("PUT", token, ApiHarness.Save(Pps.Synthetic.ExampleReturn.Full(2013, 371))), 2013, 71, default));
        Assert.Equal(200, (await ApiHarness.Run(api.Submit(ApiHarness.Request("POST", token, null, saved.ETag), 2013, 71, default))).Status);

        var reminder = new OutboxMessage(MailKinds.Reminder, "reminder-2013-071-d7", 2013, 71, app.Clock.GetUtcNow(), DaysBefore: 7).ToJson();
        Assert.Equal(DispatchResult.Skipped, await dispatcher.DispatchAsync(reminder, 1, default));
        var nobody = new OutboxMessage(MailKinds.Reminder, "reminder-2013-072-d7", 2013, 72, app.Clock.GetUtcNow(), DaysBefore: 7).ToJson();
        Assert.Equal(DispatchResult.NoRecipients, await dispatcher.DispatchAsync(nobody, 1, default));
        Assert.Equal(DispatchResult.Unreadable, await dispatcher.DispatchAsync("{\"kind\":\"receipt\"}", 1, default));
        // Only the receipt of the submission reached the officer (queued, not sent here: nothing runs the queue in this test).
        Assert.Empty(await Maildev.MailsToAsync(officer));
    }

    private static async Task<TestApp> StartAsync()
    {
        var app = await TestApp.StartAsync(Now,
            settings: Maildev.Settings().ToDictionary(kv => kv.Key, kv => (string?)kv.Value));
        await app.Get<CollectionYearStore>().SaveAsync(Collection, null);
        return app;
    }
}
