using System.Net;
using Portal.Api.Deployments;
using Portal.Data.Deployments;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>/api/v1/deployments/{id}/milestones.</summary>
public sealed class DeploymentMilestoneTests(DeploymentPortal portal) : IClassFixture<DeploymentPortal>
{
    private static string Milestones(Guid id) => $"/api/v1/deployments/{id}/milestones";

    [Fact]
    public async Task An_editor_adds_changes_and_removes_milestones_listed_by_date()
    {
        var id = await portal.AddSponsoredDeploymentAsync("Timeline " + Guid.NewGuid().ToString("N"));

        var groundbreaking = await portal.MinistryMember.PostJsonAsync(Milestones(id), new { date = "2026-09-30", title = "Groundbreaking" })
            .ExpectAsync<MilestoneDto>(HttpStatusCode.Created);
        await portal.OperatorMember.PostJsonAsync(Milestones(id), new { date = "2025-10-01", title = "MoU announced", status = "done", note = "OpenAI, MSIT, SK" })
            .ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(MilestoneStatus.Planned, groundbreaking.Status);

        var slipped = await portal.MinistryMember.PutJsonAsync($"{Milestones(id)}/{groundbreaking.Id}",
                new { date = "2027-03-31", title = "Groundbreaking", status = "slipped", note = "Permits late", version = groundbreaking.Version })
            .ExpectAsync<MilestoneDto>(HttpStatusCode.OK);
        Assert.Equal((new DateOnly(2027, 3, 31), MilestoneStatus.Slipped, "Permits late"), (slipped.Date, slipped.Status, slipped.Note));

        var listed = await portal.OtherMember.GetJsonAsync<List<MilestoneDto>>(Milestones(id));
        Assert.Equal(["MoU announced", "Groundbreaking"], listed.Select(m => m.Title));

        await portal.MinistryMember.DeleteAsync($"{Milestones(id)}/{groundbreaking.Id}").ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal(["MoU announced"], (await portal.OtherMember.GetJsonAsync<List<MilestoneDto>>(Milestones(id))).Select(m => m.Title));
    }

    [Fact]
    public async Task A_milestone_without_date_or_title_is_refused_naming_both()
    {
        var id = await portal.AddSponsoredDeploymentAsync("No date");

        var problem = await portal.MinistryMember.PostJsonAsync(Milestones(id), new { title = " ", status = "someday" }).ExpectValidationProblemAsync();

        Assert.Equal(["date", "status", "title"], problem.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(await portal.MinistryMember.GetJsonAsync<List<MilestoneDto>>(Milestones(id)));
    }

    [Fact]
    public async Task An_absurd_date_is_refused()
    {
        var id = await portal.AddSponsoredDeploymentAsync("Far future");

        var problem = await portal.MinistryMember.PostJsonAsync(Milestones(id), new { date = "2230-01-01", title = "Power-on" }).ExpectValidationProblemAsync();

        Assert.Equal(["date"], problem.Errors.Keys);
    }

    [Fact]
    public async Task Only_editors_change_milestones()
    {
        var id = await portal.AddSponsoredDeploymentAsync("Guarded timeline");
        var milestone = new { date = "2027-01-01", title = "Power-on" };

        await portal.SupplierMember.PostJsonAsync(Milestones(id), milestone).ExpectAsync(HttpStatusCode.Forbidden);
        await portal.OtherMinistryMember.PostJsonAsync(Milestones(id), milestone).ExpectAsync(HttpStatusCode.Forbidden);
        await portal.Anonymous.PostJsonAsync(Milestones(id), milestone).ExpectAsync(HttpStatusCode.Unauthorized);
        var added = await portal.Admin.PostJsonAsync(Milestones(id), milestone).ExpectAsync<MilestoneDto>(HttpStatusCode.Created);
        await portal.OtherMember.DeleteAsync($"{Milestones(id)}/{added.Id}").ExpectAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_stale_milestone_version_is_refused_with_409()
    {
        var id = await portal.AddSponsoredDeploymentAsync("Stale milestone");
        var added = await portal.MinistryMember.PostJsonAsync(Milestones(id), new { date = "2027-01-01", title = "Power-on" })
            .ExpectAsync<MilestoneDto>(HttpStatusCode.Created);

        await portal.MinistryMember.PutJsonAsync($"{Milestones(id)}/{added.Id}", new { date = "2027-02-01", title = "Power-on", version = added.Version })
            .ExpectAsync(HttpStatusCode.OK);
        await portal.OperatorMember.PutJsonAsync($"{Milestones(id)}/{added.Id}", new { date = "2027-06-01", title = "Power-on", version = added.Version })
            .ExpectAsync(HttpStatusCode.Conflict);

        Assert.Equal(new DateOnly(2027, 2, 1), (await portal.Admin.GetJsonAsync<List<MilestoneDto>>(Milestones(id)))[0].Date);
    }
}
