using Pps.Core.Returns;
using Pps.Core.Uploads;

namespace Pps.Core.Mail;

/// <summary>Turns what happens to returns and uploads into outbox messages: a receipt per submission, a result per upload.</summary>
public sealed class MailEvents(MailOutbox outbox) : IReturnEvents, IUploadEvents
{
    public Task SubmittedAsync(ServiceReturn stored, CancellationToken ct) =>
        outbox.TryEnqueueAsync(new OutboxMessage(MailKinds.Receipt, OutboxMessage.ReceiptKey(stored.Year, stored.ServiceId, stored.Revision),
            stored.Year, stored.ServiceId, stored.SubmittedAt ?? stored.UpdatedAt, Revision: stored.Revision), ct);

    public Task CheckedAsync(ValidationReport final, CancellationToken ct) =>
        outbox.TryEnqueueAsync(new OutboxMessage(MailKinds.UploadResult, OutboxMessage.UploadKey(final.UploadId),
            final.Year, final.ServiceId, final.UpdatedAt, UploadId: final.UploadId), ct);
}
