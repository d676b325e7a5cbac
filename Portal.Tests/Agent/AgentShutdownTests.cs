using Microsoft.Extensions.Time.Testing;
using Portal.Agent.Queue;

namespace Portal.Tests.Agent;

/// <summary>How a stop signal turns into "no new jobs", then, after the grace, "stop the running ones".</summary>
public sealed class AgentShutdownTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void The_first_signal_stops_leasing_and_running_jobs_keep_the_grace()
    {
        using var shutdown = new AgentShutdown(TimeSpan.FromSeconds(60), _time);

        var first = shutdown.RequestStop();
        _time.Advance(TimeSpan.FromSeconds(59));

        Assert.Equal(StopRequest.Drain, first);
        Assert.True(shutdown.Stopping.IsCancellationRequested);
        Assert.False(shutdown.Abort.IsCancellationRequested);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(shutdown.Abort.IsCancellationRequested);
        Assert.Null(shutdown.Failure);
    }

    [Fact]
    public void A_second_signal_stops_running_jobs_at_once()
    {
        using var shutdown = new AgentShutdown(TimeSpan.FromSeconds(60), _time);

        shutdown.RequestStop();
        var second = shutdown.RequestStop();

        Assert.Equal(StopRequest.Abort, second);
        Assert.True(shutdown.Abort.IsCancellationRequested);
    }

    [Fact]
    public void What_a_signal_does_is_announced_before_anything_stops()
    {
        using var shutdown = new AgentShutdown(TimeSpan.FromSeconds(60), _time);
        var announced = new List<(StopRequest Request, bool StoppingAlready, bool AbortAlready)>();

        shutdown.RequestStop(r => announced.Add((r, shutdown.Stopping.IsCancellationRequested, shutdown.Abort.IsCancellationRequested)));
        shutdown.RequestStop(r => announced.Add((r, shutdown.Stopping.IsCancellationRequested, shutdown.Abort.IsCancellationRequested)));

        Assert.Equal([(StopRequest.Drain, false, false), (StopRequest.Abort, true, false)], announced);
    }

    [Fact]
    public void Nothing_stops_before_a_signal_however_long_the_agent_runs()
    {
        using var shutdown = new AgentShutdown(TimeSpan.Zero, _time);

        _time.Advance(TimeSpan.FromDays(30));

        Assert.False(shutdown.Stopping.IsCancellationRequested);
        Assert.False(shutdown.Abort.IsCancellationRequested);
    }

    [Fact]
    public void A_zero_grace_stops_running_jobs_with_the_first_signal()
    {
        using var shutdown = new AgentShutdown(TimeSpan.Zero, _time);

        shutdown.RequestStop();

        Assert.True(shutdown.Abort.IsCancellationRequested);
    }

    [Fact]
    public void A_refused_token_stops_everything_and_keeps_the_first_reason()
    {
        using var shutdown = new AgentShutdown(TimeSpan.FromSeconds(60), _time);

        shutdown.RefuseToken("HTTP 401: the agent was revoked");
        shutdown.Fail("something later");

        Assert.True(shutdown.Stopping.IsCancellationRequested);
        Assert.True(shutdown.Abort.IsCancellationRequested);
        Assert.True(shutdown.TokenRefused);
        Assert.Contains("HTTP 401: the agent was revoked", shutdown.Failure);
    }
}
