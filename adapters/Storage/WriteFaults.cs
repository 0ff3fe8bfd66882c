namespace Pps.Core.Storage;

/// <summary>
/// Named points inside a multi-step write where a test can make the process fail, as a crash or a lost
/// connection would. The app registers none (every point does nothing); a test registers a subclass that
/// throws at the point it wants to prove the store recovers from.
/// </summary>
public class WriteFaults
{
    /// <summary>The return's new revision is stored; its audit row is not written yet.</summary>
    public const string ReturnWritten = "return-written";

    /// <summary>The close-of-year run has marked the year closed; it has not published yet.</summary>
    public const string YearClosed = "year-closed";

    public static WriteFaults None { get; } = new();

    public virtual void At(string point)
    {
    }

    /// <summary>For points inside long-running work: a test may delay the work here, as well as fail it.</summary>
    public virtual Task AtAsync(string point, CancellationToken ct)
    {
        At(point);
        return Task.CompletedTask;
    }
}
