namespace Pps.Core.Uploads;

/// <summary>
/// Told of an upload's final report (accepted, rejected or failed) once it is stored. The mail outbox listens (the
/// result to the service's contacts). Must neither throw nor wait long.
/// </summary>
public interface IUploadEvents
{
    Task CheckedAsync(ValidationReport final, CancellationToken ct);
}
