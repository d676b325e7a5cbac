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

    [Fact]
    public async Task The_dashboard_and_the_project_page_count_the_same_milestones_as_slipped()
    {
        var today = DateOnly.FromDateTime(_portal.Time.GetUtcNow().UtcDateTime);
        var id = await _portal.WithDbAsync(db => DashboardRows.DeploymentAsync(db, "Agreeing", "KR", DeploymentStatus.Planned, milestones:
        [
            (today.AddDays(-66), "Permit", MilestoneStatus.Planned), // never marked: 66 days overdue
            (today.AddDays(-3), "Marked late", MilestoneStatus.Slipped),
            (today.AddDays(-40), "Done on time", MilestoneStatus.Done),
            (today, "Due today", MilestoneStatus.Planned),
            (today.AddDays(20), "Power-on", MilestoneStatus.Planned),
        ]));
        var client = await _portal.CreateClientForAsync(await _portal.CreateUserAsync("Officer"));

        var dashboard = await client.GetJsonAsync<DashboardDto>("/api/v1/dashboard");
        var project = await client.GetJsonAsync<Portal.Api.Deployments.DeploymentDto>($"/api/v1/deployments/{id}");
        var listed = await client.GetJsonAsync<Portal.Api.Common.PagedList<Portal.Api.Deployments.DeploymentListItem>>("/api/v1/deployments?q=Agreeing");

        string[] slipped = ["Permit", "Marked late"];
        Assert.Equal(slipped, Titles(dashboard.MilestonesSlipped));
        Assert.Equal(slipped.Length, project.Figures.SlippedMilestones);
        Assert.Equal(slipped.Length, Assert.Single(listed.Items).Figures.SlippedMilestones);
        // The timeline marks the same milestones overdue.
        Assert.Equal(slipped, project.Milestones.Where(m => m.Overdue).OrderBy(m => m.Date).Select(m => m.Title).ToArray());
        // And the next milestone is the oldest of them, not the one due today.
        Assert.Equal(("Permit", true), (project.Figures.NextMilestone?.Title, project.Figures.NextMilestone?.Overdue));
        Assert.Equal(project.Figures, Assert.Single(listed.Items).Figures);
    }

    private static string[] Titles(MilestoneListDto milestones) => [.. milestones.Items.Select(m => m.Title)];
}
