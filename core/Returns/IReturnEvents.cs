namespace Pps.Core.Returns;

/// <summary>
/// Told of a return once it is stored as submitted, whichever path submitted it (form, workbook, CSV). The mail
/// outbox listens (a receipt to the service's contacts). An implementation must neither throw nor wait long: the
/// return is stored already, and the writer is waiting for its answer.
/// </summary>
public interface IReturnEvents
{
    Task SubmittedAsync(ServiceReturn stored, CancellationToken ct);
}
