namespace Portal.Agent.Queue;

/// <summary>
/// How an agent stops. The first SIGTERM/SIGINT stops leasing at once (<see cref="Stopping"/>) and gives running
/// jobs the drain grace to finish; when it is over (or at a second signal) <see cref="Abort"/> stops them, and the
/// agent hands them back. A fatal refusal (the agent token was revoked) stops everything at once.
/// </summary>
public sealed class AgentShutdown : IDisposable
{
    private readonly TimeSpan _grace;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _abort;
    private readonly Lock _gate = new();

    public AgentShutdown(TimeSpan grace, TimeProvider time)
    {
        _grace = grace;
        // Made with the clock, so that the grace runs on TimeProvider like every other wait of the agent.
        _abort = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
    }

    /// <summary>No new leases from now on.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>Running jobs must stop now.</summary>
    public CancellationToken Abort => _abort.Token;

    /// <summary>Why the agent stopped on its own, or null while nothing went wrong.</summary>
    public string? Failure { get; private set; }

    /// <summary>A stop signal came; answers what it did.</summary>
    /// <param name="announce">Told what is about to happen before it does: once the tokens are cancelled the agent may
    /// finish and the process end before a line written afterwards reaches the log.</param>
    public StopRequest RequestStop(Action<StopRequest>? announce = null)
    {
        lock (_gate)
        {
            var request = _stopping.IsCancellationRequested ? StopRequest.Abort : StopRequest.Drain;
            announce?.Invoke(request);
            if (request == StopRequest.Abort)
            {
                _abort.Cancel();
                return request;
            }
            _stopping.Cancel();
            _abort.CancelAfter(_grace);
            return request;
        }
    }

    /// <summary>The agent cannot go on (its token was refused): stop leasing and stop every job now.</summary>
    public void Fail(string reason)
    {
        lock (_gate)
        {
            Failure ??= reason;
            _stopping.Cancel();
            _abort.Cancel();
        }
    }

    /// <summary>Whether the failure was the portal refusing the agent token (revoked, or never valid).</summary>
    public bool TokenRefused { get; private set; }

    /// <summary>The portal answered 401 to the agent token: no call can succeed any more.</summary>
    public void RefuseToken(string problem)
    {
        TokenRefused = true;
        Fail($"the portal refused the agent token ({problem}): it was revoked or is not valid there");
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _abort.Dispose();
    }
}

public enum StopRequest
{
    /// <summary>First signal: running jobs have the grace to finish.</summary>
    Drain,
    /// <summary>Another signal: running jobs stop now.</summary>
    Abort,
}
