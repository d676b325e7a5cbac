using Portal.Api.Dashboard;
using Portal.Data.Deployments;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>Which milestones the dashboard calls due and which slipped, on the portal's clock.</summary>
public sealed class DashboardMilestoneWindowTests : IAsyncLifetime
{
    private readonly PortalFactory _portal = new();

    public Task InitializeAsync() => _portal.InitializeAsync();

    Task IAsyncLifetime.DisposeAsync() => _portal.DisposeAsync().AsTask();

    [Fact]
    public async Task The_window_runs_from_today_to_90_days_ahead_and_moves_with_the_clock()
    {
        var today = DateOnly.FromDateTime(_portal.Time.GetUtcNow().UtcDateTime);
        await _portal.WithDbAsync(db => DashboardRows.DeploymentAsync(db, "Window", "KR", DeploymentStatus.Planned, milestones:
        [
            (today, "Today", MilestoneStatus.Planned),
            (today.AddDays(90), "Last day", MilestoneStatus.Planned),
            (today.AddDays(91), "Beyond", MilestoneStatus.Planned),
            (today.AddDays(-1), "Yesterday", MilestoneStatus.Planned),
            (today.AddDays(10), "Marked", MilestoneStatus.Slipped),
            (today.AddDays(5), "Finished early", MilestoneStatus.Done),
            (today.AddDays(-30), "Finished", MilestoneStatus.Done),
        ]));
        var client = await _portal.CreateClientForAsync(await _portal.CreateUserAsync("Officer"));

        var now = await client.GetJsonAsync<DashboardDto>("/api/v1/dashboard");
        _portal.Time.Advance(TimeSpan.FromDays(1));
        var tomorrow = await client.GetJsonAsync<DashboardDto>("/api/v1/dashboard");

        Assert.Equal(["Today", "Last day"], Titles(now.MilestonesDue));
        Assert.Equal(["Yesterday", "Marked"], Titles(now.MilestonesSlipped));
        Assert.Equal(today.AddDays(1), tomorrow.Today);
        Assert.Equal(["Last day", "Beyond"], Titles(tomorrow.MilestonesDue));
        Assert.Equal(["Yesterday", "Today", "Marked"], Titles(tomorrow.MilestonesSlipped));
        Assert.Equal((2, 3), (tomorrow.MilestonesDue.Total, tomorrow.MilestonesSlipped.Total));
    }

    private static string[] Titles(MilestoneListDto milestones) => [.. milestones.Items.Select(m => m.Title)];
}
