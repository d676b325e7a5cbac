namespace Portal.Agent.Queue;

/// <summary>
/// Pauses between failed calls: one second, doubling up to a cap, and never shorter than a Retry-After the portal
/// sent. Deterministic: many agents retrying in step is harmless at these rates, and tests can predict it.
/// </summary>
public sealed class Backoff(TimeSpan max)
{
    private static readonly TimeSpan First = TimeSpan.FromSeconds(1);
    private TimeSpan _next = First;

    public TimeSpan Next(TimeSpan? retryAfter = null)
    {
        var wait = _next;
        _next = _next * 2 > max ? max : _next * 2;
        return retryAfter is { } asked && asked > wait ? asked : wait;
    }

    public void Reset() => _next = First;

    /// <summary>Waits, or returns early (false) when the token is cancelled.</summary>
    public static async Task<bool> WaitAsync(TimeSpan wait, TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(wait, time, cancellationToken);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
