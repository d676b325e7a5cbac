using Portal.Agent.Queue;

namespace Portal.Tests.Agent;

/// <summary>How often the agent extends a lease, and how long it pauses between failed calls.</summary>
public sealed class LeasePacingTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_lease_is_extended_every_third_of_what_the_portal_granted()
    {
        Assert.Equal(TimeSpan.FromSeconds(40), LeaseKeeper.Pace(Now.AddSeconds(120), Now, assumedLease: null));
    }

    [Fact]
    public void The_agents_own_lease_length_caps_the_pace_but_never_lengthens_it()
    {
        Assert.Equal(TimeSpan.FromSeconds(3), LeaseKeeper.Pace(Now.AddSeconds(120), Now, TimeSpan.FromSeconds(9)));
        Assert.Equal(TimeSpan.FromSeconds(2), LeaseKeeper.Pace(Now.AddSeconds(6), Now, TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public void An_expiry_already_past_by_the_agents_clock_falls_back_on_the_assumption_and_at_least_a_second()
    {
        Assert.Equal(TimeSpan.FromSeconds(20), LeaseKeeper.Pace(Now.AddSeconds(-5), Now, TimeSpan.FromSeconds(60)));
        Assert.Equal(TimeSpan.FromSeconds(20), LeaseKeeper.Pace(Now.AddSeconds(-5), Now, assumedLease: null));
        Assert.Equal(TimeSpan.FromSeconds(1), LeaseKeeper.Pace(Now.AddSeconds(1.5), Now, assumedLease: null));
    }

    [Fact]
    public void Pauses_double_from_a_second_up_to_the_cap_and_start_again_after_a_success()
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(30));

        var pauses = Enumerable.Range(0, 7).Select(_ => backoff.Next().TotalSeconds).ToList();
        backoff.Reset();

        Assert.Equal([1, 2, 4, 8, 16, 30, 30], pauses);
        Assert.Equal(TimeSpan.FromSeconds(1), backoff.Next());
    }

    [Fact]
    public void A_retry_after_from_the_portal_is_respected_when_longer()
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(30));

        Assert.Equal(TimeSpan.FromSeconds(45), backoff.Next(retryAfter: TimeSpan.FromSeconds(45)));
        Assert.Equal(TimeSpan.FromSeconds(2), backoff.Next(retryAfter: TimeSpan.FromMilliseconds(10)));
    }
}
