using System.Net;
using Portal.Api.Audit;
using Portal.Api.Common;
using Portal.Api.Sources;
using Portal.Data.Deployments;
using Portal.Data.Organizations;
using Portal.Data.Skus;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>
/// Sources of published figures: <c>/api/v1/{skus|deployments}/{id}/sources</c>. Whoever may edit the record sets them, each
/// change lands in the record's history, the lists' CSV exports carry them, and figures without one read as unsourced.
/// </summary>
public sealed class FigureSourceTests(FigureSourceTests.Registry registry) : IClassFixture<FigureSourceTests.Registry>
{
    public sealed class Registry : PortalFactory
    {
        public Guid Vendor { get; private set; }
        public Guid Ministry { get; private set; }
        public Guid Sku { get; private set; }
        public Guid Deployment { get; private set; }
        public HttpClient Admin { get; private set; } = null!;
        public HttpClient VendorMember { get; private set; } = null!;
        public HttpClient MinistryMember { get; private set; } = null!;
        public HttpClient Outsider { get; private set; } = null!;

        protected override async Task StartedAsync()
        {
            Vendor = await AddOrganizationAsync("Sourced Vendor", OrganizationKind.ChipDesigner, "KR");
            Ministry = await AddOrganizationAsync("Sourced Ministry", OrganizationKind.Ministry, "KR");
            var other = await AddOrganizationAsync("Unrelated Partner", OrganizationKind.ChipDesigner, "US");
            Sku = await this.AddSkuAsync(Vendor, "Sourced NPU", SkuCategory.Npu, s => (s.MemoryBandwidthTbs, s.Bf16Tflops) = (3.2, 400));
            Deployment = await this.AddDeploymentAsync("Sourced Campus", ministryId: Ministry, status: DeploymentStatus.Planned, plannedMw: 40);
            Admin = await CreateClientForAsync(await CreateUserAsync("Sources Admin", consortiumAdmin: true));
            VendorMember = await CreateClientForAsync(await CreateUserAsync("Vendor Engineer", false, (Vendor, MemberRole.Member)));
            MinistryMember = await CreateClientForAsync(await CreateUserAsync("Ministry Officer", false, (Ministry, MemberRole.Member)));
            Outsider = await CreateClientForAsync(await CreateUserAsync("Outsider", false, (other, MemberRole.Admin)));
        }
    }

    private static readonly object Datasheet = new { reference = "https://example.com/npu-datasheet.pdf", date = "2026-03-01", note = "Table 2" };

    [Fact]
    public async Task A_vendor_member_sources_a_figure_and_every_reader_sees_it_next_to_the_unsourced_ones()
    {
        var set = await registry.VendorMember.PutJsonAsync($"/api/v1/skus/{registry.Sku}/sources/memory_bandwidth_tbs", Datasheet)
            .ExpectAsync<FigureSourceDto>(HttpStatusCode.OK);
        Assert.Equal(("memory_bandwidth_tbs", "https://example.com/npu-datasheet.pdf", new DateOnly(2026, 3, 1), "Table 2"), (set.Figure, set.Url, set.Date!.Value, set.Note));

        var mine = await registry.VendorMember.GetJsonAsync<FigureSourcesDto>($"/api/v1/skus/{registry.Sku}/sources");
        var theirs = await registry.Outsider.GetJsonAsync<FigureSourcesDto>($"/api/v1/skus/{registry.Sku}/sources");

        Assert.True(mine.CanEdit);
        Assert.False(theirs.CanEdit);
        Assert.Equal("https://example.com/npu-datasheet.pdf", theirs.For("memory_bandwidth_tbs")?.Reference);
        // Every figure that can carry a source is listed, so a page can mark the others unsourced.
        Assert.Equal(SourcedFigures.Sku, theirs.Figures);
        Assert.Null(theirs.For("bf16_tflops"));
    }

    [Fact]
    public async Task A_document_name_is_a_source_too_and_has_no_link()
    {
        var set = await registry.VendorMember.PutJsonAsync($"/api/v1/skus/{registry.Sku}/sources/tdp_w", new { reference = "Product brief rev. 3 (print)" })
            .ExpectAsync<FigureSourceDto>(HttpStatusCode.OK);
        Assert.Equal(("Product brief rev. 3 (print)", (string?)null, (DateOnly?)null), (set.Reference, set.Url, set.Date));
    }

    [Fact]
    public async Task Someone_who_may_not_edit_the_record_may_not_change_its_sources_and_an_unknown_record_is_not_found()
    {
        await registry.Outsider.PutJsonAsync($"/api/v1/skus/{registry.Sku}/sources/bf16_tflops", Datasheet).ExpectAsync(HttpStatusCode.Forbidden);
        await registry.Outsider.DeleteAsync($"/api/v1/skus/{registry.Sku}/sources/bf16_tflops").ExpectAsync(HttpStatusCode.Forbidden);
        await registry.VendorMember.PutJsonAsync($"/api/v1/deployments/{registry.Deployment}/sources/planned_mw", Datasheet).ExpectAsync(HttpStatusCode.Forbidden);
        await registry.Admin.GetAsync($"/api/v1/skus/{Guid.NewGuid()}/sources").ExpectAsync(HttpStatusCode.NotFound);
        await registry.Admin.PutJsonAsync($"/api/v1/deployments/{Guid.NewGuid()}/sources/planned_mw", Datasheet).ExpectAsync(HttpStatusCode.NotFound);

        var sources = await registry.Admin.GetJsonAsync<FigureSourcesDto>($"/api/v1/skus/{registry.Sku}/sources");
        Assert.Null(sources.For("bf16_tflops"));
    }

    [Fact]
    public async Task Each_rule_names_its_field()
    {
        var url = $"/api/v1/skus/{registry.Sku}/sources";
        Assert.Equal(["reference"], (await registry.VendorMember.PutJsonAsync($"{url}/int8_tops", new { reference = "  " }).ExpectValidationProblemAsync()).Errors.Keys);
        Assert.Equal(["reference"], (await registry.VendorMember.PutJsonAsync($"{url}/int8_tops", new { reference = "ftp://example.com/sheet" }).ExpectValidationProblemAsync()).Errors.Keys);
        Assert.Equal(["figure"], (await registry.VendorMember.PutJsonAsync($"{url}/colour", Datasheet).ExpectValidationProblemAsync()).Errors.Keys);
        // A deployment's figure is not a SKU's.
        Assert.Equal(["figure"], (await registry.VendorMember.PutJsonAsync($"{url}/planned_mw", Datasheet).ExpectValidationProblemAsync()).Errors.Keys);
        var tomorrowAndOne = DateOnly.FromDateTime(registry.Time.GetUtcNow().UtcDateTime).AddDays(2).ToString("yyyy-MM-dd");
        Assert.Equal(["date"], (await registry.VendorMember.PutJsonAsync($"{url}/int8_tops", new { reference = "Brief", date = tomorrowAndOne }).ExpectValidationProblemAsync()).Errors.Keys);
        Assert.Equal(["note"], (await registry.VendorMember.PutJsonAsync($"{url}/int8_tops", new { reference = "Brief", note = new string('n', 1001) }).ExpectValidationProblemAsync()).Errors.Keys);
    }

    [Fact]
    public async Task A_ministry_member_sources_a_deployment_figure_and_the_change_is_in_the_deployments_history()
    {
        await registry.MinistryMember.PutJsonAsync($"/api/v1/deployments/{registry.Deployment}/sources/planned_mw",
            new { reference = "https://gov.example/press/2026-04", date = "2026-04-02" }).ExpectAsync(HttpStatusCode.OK);
        await registry.MinistryMember.PutJsonAsync($"/api/v1/deployments/{registry.Deployment}/sources/planned_mw",
            new { reference = "https://gov.example/press/2026-05", date = "2026-05-02" }).ExpectAsync(HttpStatusCode.OK);

        var history = await registry.Admin.GetJsonAsync<PagedList<AuditEntryDto>>($"/api/v1/deployments/{registry.Deployment}/audit");
        var changes = history.Items.Where(e => e.EntityType == nameof(SovereignDeployment)).SelectMany(e => e.Changes).ToList();
        Assert.Contains(changes, c => c.Field == "Source of planned_mw: Reference" && c.Before is null && c.After == "https://gov.example/press/2026-04");
        Assert.Contains(changes, c => c.Field == "Source of planned_mw: Reference" && c.Before == "https://gov.example/press/2026-04" && c.After == "https://gov.example/press/2026-05");
        Assert.Contains(history.Items, e => e.ActorName == "Ministry Officer");

        var sources = await registry.Outsider.GetJsonAsync<FigureSourcesDto>($"/api/v1/deployments/{registry.Deployment}/sources");
        Assert.Equal("https://gov.example/press/2026-05", Assert.Single(sources.Sources).Reference);
    }

    [Fact]
    public async Task A_removed_source_is_gone_and_its_removal_is_recorded()
    {
        var url = $"/api/v1/skus/{registry.Sku}/sources/fp8_tflops";
        await registry.VendorMember.PutJsonAsync(url, new { reference = "Launch keynote slides" }).ExpectAsync(HttpStatusCode.OK);
        await registry.VendorMember.DeleteAsync(url).ExpectAsync(HttpStatusCode.NoContent);
        await registry.VendorMember.DeleteAsync(url).ExpectAsync(HttpStatusCode.NotFound);

        var sources = await registry.VendorMember.GetJsonAsync<FigureSourcesDto>($"/api/v1/skus/{registry.Sku}/sources");
        Assert.Null(sources.For("fp8_tflops"));
        var history = await registry.Admin.GetJsonAsync<PagedList<AuditEntryDto>>($"/api/v1/skus/{registry.Sku}/audit");
        Assert.Contains(history.Items.SelectMany(e => e.Changes), c => c.Field == "Source of fp8_tflops: Reference" && c.Before == "Launch keynote slides" && c.After is null);
    }

    [Fact]
    public async Task The_registry_csv_exports_carry_each_figures_source()
    {
        await registry.VendorMember.PutJsonAsync($"/api/v1/skus/{registry.Sku}/sources/bf16_tflops",
            new { reference = "https://example.com/bf16", date = "2026-02-01", note = "dense" }).ExpectAsync(HttpStatusCode.OK);
        await registry.MinistryMember.PutJsonAsync($"/api/v1/deployments/{registry.Deployment}/sources/budget",
            new { reference = "Budget act 2026, art. 4" }).ExpectAsync(HttpStatusCode.OK);

        var skus = Csv.Parse(await (await registry.Outsider.GetAsync("/api/v1/skus/export.csv?q=Sourced%20NPU").ExpectAsync(HttpStatusCode.OK)).Content.ReadAsStringAsync());
        var sku = Assert.Single(skus.Skip(1));
        var column = skus[0].ToList();
        Assert.Equal(("https://example.com/bf16", "2026-02-01", "dense"),
            (sku[column.IndexOf("bf16_tflops_source")], sku[column.IndexOf("bf16_tflops_source_date")], sku[column.IndexOf("bf16_tflops_source_note")]));
        Assert.Equal("", sku[column.IndexOf("int8_tops_source")]);

        var deployments = Csv.Parse(await (await registry.Outsider.GetAsync("/api/v1/deployments/export.csv?q=Sourced%20Campus").ExpectAsync(HttpStatusCode.OK)).Content.ReadAsStringAsync());
        var deployment = Assert.Single(deployments.Skip(1));
        Assert.Equal("Budget act 2026, art. 4", deployment[deployments[0].ToList().IndexOf("budget_source")]);
        Assert.Equal("", deployment[deployments[0].ToList().IndexOf("planned_mw_source_note")]);
    }

    [Fact]
    public async Task The_csv_export_reads_sources_for_rows_beyond_one_chunk()
    {
        // More SKUs than one lookup chunk: the rows after the first chunk get their own sources, not none.
        var many = await registry.WithDbAsync(async db =>
        {
            var ids = new List<Guid>();
            for (var i = 0; i < FigureSourceService.ExportChunk + 3; i++)
            {
                var sku = new HardwareSku { Name = $"Chunked {i:D4}", VendorId = registry.Vendor, Category = SkuCategory.Memory, CreatedAt = registry.Time.GetUtcNow(), UpdatedAt = registry.Time.GetUtcNow() };
                db.HardwareSkus.Add(sku);
                ids.Add(sku.Id);
            }
            db.Actor = Portal.Data.Audit.AuditActor.System;
            await db.SaveChangesAsync();
            return ids;
        });
        await registry.VendorMember.PutJsonAsync($"/api/v1/skus/{many[^1]}/sources/memory_gb", new { reference = "Last one's brief" }).ExpectAsync(HttpStatusCode.OK);

        var rows = Csv.Parse(await (await registry.Admin.GetAsync("/api/v1/skus/export.csv?q=Chunked&sort=name").ExpectAsync(HttpStatusCode.OK)).Content.ReadAsStringAsync());
        var last = rows.Single(r => r[0] == many[^1].ToString());
        Assert.Equal(FigureSourceService.ExportChunk + 3, rows.Count - 1);
        Assert.Equal("Last one's brief", last[rows[0].ToList().IndexOf("memory_gb_source")]);
    }
}
