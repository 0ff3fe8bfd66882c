namespace Pps.Core.Returns;

/// <summary>
/// A write was based on a version that is no longer current (or expected nothing where something now is).
/// Carries what is stored now, so the caller can show the user the current version instead of losing either.
/// </summary>
public sealed class ConcurrencyConflictException : Exception
{
    public ConcurrencyConflictException(string message, object? current = null, Exception? inner = null)
        : base(message, inner) => Current = current;

    public object? Current { get; }
}
