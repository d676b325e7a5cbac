using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Api.Audit;
using Portal.Api.Common;
using Portal.Api.Deployments;
using Portal.Data.Skus;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>/api/v1/deployments/{id}/hardware: the hardware bill's lines.</summary>
public sealed class DeploymentHardwareTests(DeploymentPortal portal) : IClassFixture<DeploymentPortal>
{
    private static string Lines(Guid id) => $"/api/v1/deployments/{id}/hardware";

    [Fact]
    public async Task An_editor_adds_changes_and_removes_a_line()
    {
        var id = await portal.AddSponsoredDeploymentAsync("Bill of " + Guid.NewGuid().ToString("N"));

        var added = await portal.MinistryMember.PostJsonAsync(Lines(id), new { skuId = portal.KoreanNpu, plannedUnits = 1000, installedUnits = 250 })
            .ExpectAsync<HardwareLineDto>(HttpStatusCode.Created);
        Assert.Equal(("RNGD", "FuriosaAI", SkuCategory.Npu, 1000, 250), (added.SkuName, added.Vendor.Name, added.Category, added.PlannedUnits, added.InstalledUnits));

        var changed = await portal.OperatorMember.PutJsonAsync($"{Lines(id)}/{added.Id}",
                new { skuId = portal.KoreanNpu, plannedUnits = 1200, installedUnits = 1200, version = added.Version })
            .ExpectAsync<HardwareLineDto>(HttpStatusCode.OK);
        Assert.Equal((1200, 1200), (changed.PlannedUnits, changed.InstalledUnits));
        Assert.Equal([changed], await portal.OtherMember.GetJsonAsync<List<HardwareLineDto>>(Lines(id)));

        await portal.Admin.DeleteAsync($"{Lines(id)}/{added.Id}").ExpectAsync(HttpStatusCode.NoContent);
        Assert.Empty(await portal.OtherMember.GetJsonAsync<List<HardwareLineDto>>(Lines(id)));
    }

    [Theory]
    [InlineData(-1L, 0L, "plannedUnits")]
    [InlineData(10_000_001L, 0L, "plannedUnits")]
    [InlineData(100L, -5L, "installedUnits")]
    [InlineData(100L, 101L, "installedUnits")]
    [InlineData(100L, 20_000_000L, "installedUnits")]
    public async Task Bad_unit_counts_are_refused_naming_the_field(long planned, long installed, string field)
    {
        var id = await portal.AddSponsoredDeploymentAsync("Units " + Guid.NewGuid().ToString("N"));

        var problem = await portal.MinistryMember.PostJsonAsync(Lines(id), new { skuId = portal.AmericanGpu, plannedUnits = planned, installedUnits = installed })
            .ExpectValidationProblemAsync();

        Assert.Equal([field], problem.Errors.Keys);
        Assert.Empty(await portal.MinistryMember.GetJsonAsync<List<HardwareLineDto>>(Lines(id)));
    }

    [Fact]
    public async Task An_unknown_sku_and_a_missing_count_are_both_named()
    {
        var id = await portal.AddSponsoredDeploymentAsync("Unknown SKU");

        var problem = await portal.MinistryMember.PostJsonAsync(Lines(id), new { skuId = Guid.NewGuid() }).ExpectValidationProblemAsync();

        Assert.Equal(["plannedUnits", "skuId"], problem.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_sku_appears_once_per_deployment()
    {
        var id = await portal.AddSponsoredDeploymentAsync("Twice");
        await portal.MinistryMember.PostJsonAsync(Lines(id), new { skuId = portal.AmericanGpu, plannedUnits = 8 }).ExpectAsync(HttpStatusCode.Created);

        var problem = await portal.MinistryMember.PostJsonAsync(Lines(id), new { skuId = portal.AmericanGpu, plannedUnits = 16 }).ExpectValidationProblemAsync();

        Assert.Equal(["skuId"], problem.Errors.Keys);
        Assert.Contains("NVIDIA B200", problem.Errors["skuId"][0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Suppliers_and_outsiders_cannot_change_the_bill()
    {
        var id = await portal.AddSponsoredDeploymentAsync("Guarded bill");
        var line = new { skuId = portal.AmericanGpu, plannedUnits = 8 };

        await portal.SupplierMember.PostJsonAsync(Lines(id), line).ExpectAsync(HttpStatusCode.Forbidden);
        await portal.OtherMember.PostJsonAsync(Lines(id), line).ExpectAsync(HttpStatusCode.Forbidden);
        await portal.Anonymous.PostJsonAsync(Lines(id), line).ExpectAsync(HttpStatusCode.Unauthorized);
        var added = await portal.OperatorMember.PostJsonAsync(Lines(id), line).ExpectAsync<HardwareLineDto>(HttpStatusCode.Created);
        await portal.SupplierMember.DeleteAsync($"{Lines(id)}/{added.Id}").ExpectAsync(HttpStatusCode.Forbidden);
        await portal.SupplierMember.PutJsonAsync($"{Lines(id)}/{added.Id}", new { skuId = portal.AmericanGpu, plannedUnits = 1, version = added.Version })
            .ExpectAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_stale_line_version_is_refused_with_409()
    {
        var id = await portal.AddSponsoredDeploymentAsync("Stale line");
        var added = await portal.MinistryMember.PostJsonAsync(Lines(id), new { skuId = portal.AmericanGpu, plannedUnits = 8 })
            .ExpectAsync<HardwareLineDto>(HttpStatusCode.Created);
        object Body(int units) => new { skuId = portal.AmericanGpu, plannedUnits = units, version = added.Version };

        await portal.MinistryMember.PutJsonAsync($"{Lines(id)}/{added.Id}", Body(16)).ExpectAsync(HttpStatusCode.OK);
        await portal.OperatorMember.PutJsonAsync($"{Lines(id)}/{added.Id}", Body(32)).ExpectAsync(HttpStatusCode.Conflict);

        Assert.Equal(16, (await portal.Admin.GetJsonAsync<List<HardwareLineDto>>(Lines(id)))[0].PlannedUnits);
    }

    [Fact]
    public async Task A_line_of_another_deployment_is_not_found_here()
    {
        var mine = await portal.AddSponsoredDeploymentAsync("Mine");
        var theirs = await portal.AddSponsoredDeploymentAsync("Theirs");
        var line = await portal.MinistryMember.PostJsonAsync(Lines(theirs), new { skuId = portal.AmericanGpu, plannedUnits = 8 })
            .ExpectAsync<HardwareLineDto>(HttpStatusCode.Created);

        await portal.MinistryMember.DeleteAsync($"{Lines(mine)}/{line.Id}").ExpectAsync(HttpStatusCode.NotFound);
        await portal.MinistryMember.GetAsync(Lines(Guid.NewGuid())).ExpectAsync(HttpStatusCode.NotFound);
        Assert.True(await portal.WithDbAsync(db => db.HardwareLines.AnyAsync(l => l.Id == line.Id)));
    }

    [Fact]
    public async Task Line_changes_join_the_deployments_history()
    {
        var id = await portal.AddSponsoredDeploymentAsync("History of a bill");

        await portal.OperatorMember.PostJsonAsync(Lines(id), new { skuId = portal.KoreanNpu, plannedUnits = 64 }).ExpectAsync(HttpStatusCode.Created);

        var history = await portal.Admin.GetJsonAsync<PagedList<AuditEntryDto>>($"/api/v1/deployments/{id}/audit");
        var entry = history.Items[0];
        Assert.Equal(("Operator engineer", "updated"), (entry.ActorName, entry.Action));
        Assert.Contains(entry.Changes, c => c.Field.EndsWith("PlannedUnits", StringComparison.Ordinal) && c.After == "64");
    }
}
