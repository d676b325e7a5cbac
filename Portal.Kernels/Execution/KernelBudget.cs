namespace Portal.Kernels.Execution;

/// <summary>
/// The job's timeoutSeconds, spent only inside executor calls (compile, copies, launches): generating inputs
/// and computing references is the engine's cost, not the kernel's. Each call gets a token that fires when
/// the budget is gone; a call that ignores it and returns late is a timeout all the same.
/// </summary>
internal sealed class KernelBudget(TimeSpan limit, TimeProvider time)
{
    private TimeSpan spent;

    public TimeSpan Remaining => limit - spent;

    /// <summary>How long the latest call took: the runner's estimate of what one more timing batch costs.</summary>
    public TimeSpan LastCall { get; private set; }

    /// <returns>The call's value (null when it was cancelled), and whether the budget ran out during the call;
    /// a value that came back late is still returned so the caller can dispose of it.</returns>
    public async Task<(T? Value, bool TimedOut)> RunAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
        where T : class
    {
        var remaining = limit - spent;
        if (remaining <= TimeSpan.Zero)
            return (null, true);
        using var timeout = new CancellationTokenSource(remaining, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var start = time.GetTimestamp();
        try
        {
            var value = await call(linked.Token);
            LastCall = time.GetElapsedTime(start);
            spent += LastCall;
            return (value, spent > limit);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            spent = limit;
            return (null, true);
        }
    }
}
