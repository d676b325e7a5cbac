using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Api.Audit;
using Portal.Api.Common;
using Portal.Api.Skus;
using Portal.Api.Sources;
using Portal.Data.Deployments;
using Portal.Data.Organizations;
using Portal.Data.Skus;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>POST, PUT and DELETE /api/v1/skus: every rule names its field, nothing partial is stored, and only the vendor's people write.</summary>
public sealed class SkuWriteTests(SkuWriteTests.Registry registry) : IClassFixture<SkuWriteTests.Registry>
{
    public sealed class Registry : PortalFactory
    {
        public Guid Nvidia { get; private set; }
        public Guid Samsung { get; private set; }
        public Guid Hbm { get; private set; }
        public HttpClient Admin { get; private set; } = null!;
        public HttpClient VendorMember { get; private set; } = null!;
        public HttpClient OtherPartner { get; private set; } = null!;

        protected override async Task StartedAsync()
        {
            Nvidia = await AddOrganizationAsync("NVIDIA", OrganizationKind.ChipDesigner, "US");
            Samsung = await AddOrganizationAsync("Samsung Electronics", OrganizationKind.MemoryMaker, "KR");
            Hbm = await this.AddSkuAsync(Samsung, "HBM3E 8H", SkuCategory.Memory, s => (s.MemoryGb, s.MemoryBandwidthTbs) = (24, 0.8));
            Admin = await CreateClientForAsync(await CreateUserAsync("Consortium Admin", consortiumAdmin: true));
            // Any role of the vendor's organisation writes its SKUs, a developer included.
            VendorMember = await CreateClientForAsync(await CreateUserAsync("NVIDIA Developer", false, (Nvidia, MemberRole.Developer)));
            OtherPartner = await CreateClientForAsync(await CreateUserAsync("Samsung Member", false, (Samsung, MemberRole.Member)));
        }
    }

    private object H200Body(string name, uint? version = null, double tdpW = 700, int hbmStacks = 6) => new
    {
        vendorId = registry.Nvidia,
        name,
        category = "gpu",
        lifecycle = "ga",
        memoryGb = 141,
        memoryType = "HBM3e",
        memoryBandwidthTbs = 4.8,
        bf16Tflops = 989,
        fp8Tflops = 1979,
        tdpW,
        process = "TSMC 4N",
        formFactor = "SXM5",
        softwareStack = "CUDA",
        languages = new[] { "cuda-c", "triton" },
        releaseMonth = "2024-03",
        datasheetUrl = "https://www.nvidia.com/h200.pdf",
        deviceNamePatterns = new[] { " NVIDIA H200 ", "GH200" },
        components = new[] { new { componentSkuId = (Guid?)registry.Hbm, count = (int?)hbmStacks } },
        version,
    };

    private static string Unique(string name) => $"{name} {Guid.NewGuid():N}"[..30];

    private Task<SkuDetail> CreateAsync(HttpClient client, string name) =>
        client.PostJsonAsync("/api/v1/skus", H200Body(name)).ExpectAsync<SkuDetail>(HttpStatusCode.Created);

    private Task<int> CountAsync() => registry.WithDbAsync(db => db.HardwareSkus.CountAsync());

    [Fact]
    public async Task A_vendor_member_registers_a_sku_and_reads_back_every_field_with_unknown_figures_null()
    {
        var name = Unique("H200 SXM");
        var response = await registry.VendorMember.PostJsonAsync("/api/v1/skus", H200Body(name)).ExpectAsync(HttpStatusCode.Created);
        var created = (await response.Content.ReadFromJsonAsync<SkuDetail>(ApiJson.Options))!;

        Assert.Equal($"/api/v1/skus/{created.Id}", response.Headers.Location?.OriginalString);
        var sku = await registry.OtherPartner.GetJsonAsync<SkuDetail>($"/api/v1/skus/{created.Id}");
        Assert.Equal((name, "NVIDIA", "US", SkuCategory.Gpu, SkuLifecycle.Ga), (sku.Name, sku.VendorName, sku.VendorCountry, sku.Category, sku.Lifecycle));
        Assert.Equal((141.0, "HBM3e", 4.8, 989.0, 1979.0, 700.0), (sku.MemoryGb!.Value, sku.MemoryType, sku.MemoryBandwidthTbs!.Value, sku.Bf16Tflops!.Value, sku.Fp8Tflops!.Value, sku.TdpW!.Value));
        Assert.Null(sku.Int8Tops);
        Assert.Equal(("TSMC 4N", "SXM5", "CUDA", "2024-03", "https://www.nvidia.com/h200.pdf"), (sku.Process, sku.FormFactor, sku.SoftwareStack, sku.ReleaseMonth, sku.DatasheetUrl));
        Assert.Equal(["cuda-c", "triton"], sku.Languages);
        Assert.Equal(["NVIDIA H200", "GH200"], sku.DeviceNamePatterns);
        var component = Assert.Single(sku.Components);
        Assert.Equal((registry.Hbm, "HBM3E 8H", 6), (component.ComponentSkuId, component.Name, component.Count));
    }

    [Fact]
    public async Task An_empty_body_names_each_required_field_and_stores_nothing()
    {
        var before = await CountAsync();
        var problem = await registry.Admin.PostJsonAsync("/api/v1/skus", new { }).ExpectValidationProblemAsync();

        Assert.Equal(["category", "lifecycle", "name", "vendorId"], problem.Errors.Keys.Order());
        Assert.Equal(before, await CountAsync());
    }

    [Theory]
    [InlineData("memoryGb", -1.0)]
    [InlineData("memoryGb", 0.0)]
    [InlineData("memoryGb", 100001.0)]
    [InlineData("memoryBandwidthTbs", -4.8)]
    [InlineData("memoryBandwidthTbs", 480.0)]
    [InlineData("bf16Tflops", 0.0)]
    [InlineData("bf16Tflops", 2e6)]
    [InlineData("fp8Tflops", -1979.0)]
    [InlineData("int8Tops", 1e7)]
    [InlineData("tdpW", -700.0)]
    [InlineData("tdpW", 700000.0)]
    public async Task A_negative_zero_or_absurd_figure_is_refused_naming_its_field(string field, double value)
    {
        var body = new Dictionary<string, object?>
        {
            ["vendorId"] = registry.Nvidia, ["name"] = Unique("Figure"), ["category"] = "gpu", ["lifecycle"] = "ga", [field] = value,
        };
        var before = await CountAsync();

        var problem = await registry.Admin.PostJsonAsync("/api/v1/skus", body).ExpectValidationProblemAsync();

        Assert.Equal([field], problem.Errors.Keys);
        Assert.Equal(before, await CountAsync());
    }

    public static TheoryData<string, object?, string> BadFields => new()
    {
        { "vendorId", Guid.NewGuid(), "vendorId" },
        { "category", "fpga", "category" },
        { "lifecycle", "retired", "lifecycle" },
        { "name", new string('x', 201), "name" },
        { "memoryType", new string('x', 201), "memoryType" },
        { "releaseMonth", "2024-13", "releaseMonth" },
        { "releaseMonth", "March 2024", "releaseMonth" },
        { "datasheetUrl", "ftp://example.com/h200.pdf", "datasheetUrl" },
        { "datasheetUrl", "not a url", "datasheetUrl" },
        { "languages", new[] { "cuda-c", "cuda" }, "languages" },
        { "deviceNamePatterns", new[] { "NVIDIA H200", "  " }, "deviceNamePatterns" },
        { "deviceNamePatterns", new[] { new string('x', 101) }, "deviceNamePatterns" },
        { "components", new[] { new { componentSkuId = Guid.NewGuid(), count = 6 } }, "components[0].componentSkuId" },
        { "components", new[] { new { componentSkuId = (Guid?)null, count = 6 } }, "components[0].componentSkuId" },
    };

    [Theory]
    [MemberData(nameof(BadFields))]
    public async Task Each_rule_names_its_field(string field, object? value, string expectedKey)
    {
        var body = new Dictionary<string, object?>
        {
            ["vendorId"] = registry.Nvidia, ["name"] = Unique("Rule"), ["category"] = "gpu", ["lifecycle"] = "ga", [field] = value,
        };
        var problem = await registry.Admin.PostJsonAsync("/api/v1/skus", body).ExpectValidationProblemAsync();
        Assert.Equal([expectedKey], problem.Errors.Keys);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public async Task A_component_count_outside_1_to_1000_is_refused(int count)
    {
        var body = new { vendorId = registry.Nvidia, name = Unique("Count"), category = "gpu", lifecycle = "ga",
            components = new[] { new { componentSkuId = registry.Hbm, count } } };
        var problem = await registry.Admin.PostJsonAsync("/api/v1/skus", body).ExpectValidationProblemAsync();
        Assert.Equal(["components[0].count"], problem.Errors.Keys);
    }

    [Fact]
    public async Task A_component_listed_twice_is_refused_on_the_second_row()
    {
        var body = new { vendorId = registry.Nvidia, name = Unique("Twice"), category = "gpu", lifecycle = "ga",
            components = new[] { new { componentSkuId = registry.Hbm, count = 0 }, new { componentSkuId = registry.Hbm, count = 2 } } };
        var problem = await registry.Admin.PostJsonAsync("/api/v1/skus", body).ExpectValidationProblemAsync();
        Assert.Equal(["components[0].count", "components[1].componentSkuId"], problem.Errors.Keys.Order());
    }

    [Fact]
    public async Task A_sku_cannot_be_its_own_component()
    {
        var sku = await CreateAsync(registry.VendorMember, Unique("Self"));
        var body = new { vendorId = registry.Nvidia, name = sku.Name, category = "gpu", lifecycle = "ga", version = sku.Version,
            components = new[] { new { componentSkuId = sku.Id, count = 1 } } };
        var problem = await registry.VendorMember.PutJsonAsync($"/api/v1/skus/{sku.Id}", body).ExpectValidationProblemAsync();
        Assert.Equal(["components[0].componentSkuId"], problem.Errors.Keys);
    }

    [Fact]
    public async Task Names_are_unique_per_vendor_regardless_of_case_but_another_vendor_may_reuse_one()
    {
        var name = Unique("B200");
        await CreateAsync(registry.Admin, name);

        var problem = await registry.Admin.PostJsonAsync("/api/v1/skus", H200Body(name.ToUpperInvariant())).ExpectValidationProblemAsync();
        Assert.Equal(["name"], problem.Errors.Keys);

        await registry.Admin.PostJsonAsync("/api/v1/skus", new { vendorId = registry.Samsung, name, category = "memory", lifecycle = "ga" })
            .ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_refused_update_leaves_the_stored_sku_as_it_was()
    {
        var sku = await CreateAsync(registry.VendorMember, Unique("Keep"));
        var body = new Dictionary<string, object?>
        {
            ["vendorId"] = registry.Nvidia, ["name"] = "Renamed", ["category"] = "gpu", ["lifecycle"] = "eol", ["tdpW"] = -1,
            ["components"] = Array.Empty<object>(), ["version"] = sku.Version,
        };
        await registry.VendorMember.PutJsonAsync($"/api/v1/skus/{sku.Id}", body).ExpectValidationProblemAsync();

        var stored = await registry.VendorMember.GetJsonAsync<SkuDetail>($"/api/v1/skus/{sku.Id}");
        Assert.Equal((sku.Name, SkuLifecycle.Ga, 700.0, 1, sku.Version), (stored.Name, stored.Lifecycle, stored.TdpW!.Value, stored.Components.Count, stored.Version));
    }

    [Theory]
    [InlineData("H")]
    [InlineData("H20")]
    [InlineData("- H-2 0 -")]
    public async Task A_device_name_pattern_with_fewer_than_4_letters_or_digits_is_refused_naming_the_field_in_english_and_korean(string pattern)
    {
        var body = new { vendorId = registry.Nvidia, name = Unique("Vague"), category = "gpu", lifecycle = "ga", deviceNamePatterns = new[] { "NVIDIA H200", pattern } };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/skus") { Content = JsonContent.Create(body, options: ApiJson.Options) };
        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue("ko-KR"));

        var english = await registry.Admin.PostJsonAsync("/api/v1/skus", body).ExpectValidationProblemAsync();
        var korean = await registry.Admin.SendAsync(request).ExpectValidationProblemAsync();

        Assert.Equal(["deviceNamePatterns"], english.Errors.Keys);
        Assert.Contains("at least 4 letters or digits", english.Errors["deviceNamePatterns"][0], StringComparison.Ordinal);
        Assert.Contains("4개 이상", korean.Errors["deviceNamePatterns"][0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validation_messages_follow_the_callers_language()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/skus") { Content = JsonContent.Create(new { tdpW = -5 }, options: ApiJson.Options) };
        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue("ko-KR"));
        var problem = await registry.Admin.SendAsync(request).ExpectValidationProblemAsync();
        Assert.Contains("0보다 커야 합니다", problem.Errors["tdpW"][0]);
        Assert.Contains("필수", problem.Errors["name"][0]);
    }

    [Fact]
    public async Task Only_the_vendors_members_and_admins_write_its_skus_and_every_signed_in_person_reads_them()
    {
        var sku = await CreateAsync(registry.VendorMember, Unique("Matrix"));
        using var anonymous = registry.CreateAnonymousClient();

        // Another partner's member: reads, but cannot register for, edit or delete NVIDIA's SKUs.
        await registry.OtherPartner.GetAsync($"/api/v1/skus/{sku.Id}").ExpectAsync(HttpStatusCode.OK);
        await registry.OtherPartner.PostJsonAsync("/api/v1/skus", H200Body(Unique("Theirs"))).ExpectAsync(HttpStatusCode.Forbidden);
        await registry.OtherPartner.PutJsonAsync($"/api/v1/skus/{sku.Id}", H200Body(sku.Name, sku.Version)).ExpectAsync(HttpStatusCode.Forbidden);
        await registry.OtherPartner.DeleteAsync($"/api/v1/skus/{sku.Id}").ExpectAsync(HttpStatusCode.Forbidden);
        // A vendor member cannot give a SKU to another vendor.
        var moved = new { vendorId = registry.Samsung, name = sku.Name, category = "gpu", lifecycle = "ga", version = sku.Version };
        await registry.VendorMember.PutJsonAsync($"/api/v1/skus/{sku.Id}", moved).ExpectAsync(HttpStatusCode.Forbidden);

        // Anonymous: reads the public SKU, writes nothing.
        await anonymous.GetAsync($"/api/v1/skus/{sku.Id}").ExpectAsync(HttpStatusCode.OK);
        await anonymous.PostJsonAsync("/api/v1/skus", H200Body(Unique("Anon"))).ExpectAsync(HttpStatusCode.Unauthorized);
        await anonymous.PutJsonAsync($"/api/v1/skus/{sku.Id}", H200Body(sku.Name, sku.Version)).ExpectAsync(HttpStatusCode.Unauthorized);
        await anonymous.DeleteAsync($"/api/v1/skus/{sku.Id}").ExpectAsync(HttpStatusCode.Unauthorized);
        await anonymous.GetAsync("/api/v1/skus/export.csv").ExpectAsync(HttpStatusCode.OK);

        // The vendor's member edits; a consortium admin edits and deletes.
        var edited = await registry.VendorMember.PutJsonAsync($"/api/v1/skus/{sku.Id}", H200Body(sku.Name + " v2", sku.Version))
            .ExpectAsync<SkuDetail>(HttpStatusCode.OK);
        var again = await registry.Admin.PutJsonAsync($"/api/v1/skus/{sku.Id}", H200Body(sku.Name + " v3", edited.Version))
            .ExpectAsync<SkuDetail>(HttpStatusCode.OK);
        Assert.Equal(sku.Name + " v3", again.Name);
        await registry.Admin.DeleteAsync($"/api/v1/skus/{sku.Id}").ExpectAsync(HttpStatusCode.NoContent);
        await registry.Admin.GetAsync($"/api/v1/skus/{sku.Id}").ExpectAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_vendor_member_deletes_its_own_sku()
    {
        var sku = await CreateAsync(registry.VendorMember, Unique("Gone"));
        await registry.VendorMember.DeleteAsync($"/api/v1/skus/{sku.Id}").ExpectAsync(HttpStatusCode.NoContent);
        Assert.False(await registry.WithDbAsync(db => db.HardwareSkus.AnyAsync(s => s.Id == sku.Id)));
    }

    [Fact]
    public async Task An_update_from_a_stale_version_is_a_409_and_a_missing_version_a_400()
    {
        var sku = await CreateAsync(registry.VendorMember, Unique("Race"));
        await registry.VendorMember.PutJsonAsync($"/api/v1/skus/{sku.Id}", H200Body(sku.Name + " first", sku.Version)).ExpectAsync(HttpStatusCode.OK);

        await registry.Admin.PutJsonAsync($"/api/v1/skus/{sku.Id}", H200Body(sku.Name + " second", sku.Version)).ExpectAsync(HttpStatusCode.Conflict);
        var problem = await registry.Admin.PutJsonAsync($"/api/v1/skus/{sku.Id}", H200Body(sku.Name + " third")).ExpectValidationProblemAsync();
        Assert.Equal(["version"], problem.Errors.Keys);
        Assert.Equal(sku.Name + " first", (await registry.Admin.GetJsonAsync<SkuDetail>($"/api/v1/skus/{sku.Id}")).Name);
    }

    [Fact]
    public async Task A_sku_in_a_deployment_or_inside_another_sku_cannot_be_deleted()
    {
        var deployed = await CreateAsync(registry.VendorMember, Unique("Deployed"));
        await registry.AddDeploymentUsingAsync(deployed.Id, "Gwangju AI Center", "KR", DeploymentStatus.Planned, 100, 0);

        await registry.Admin.DeleteAsync($"/api/v1/skus/{deployed.Id}").ExpectAsync(HttpStatusCode.Conflict);
        // The HBM stack is a component of every H200 body created above.
        await CreateAsync(registry.VendorMember, Unique("Parent"));
        await registry.Admin.DeleteAsync($"/api/v1/skus/{registry.Hbm}").ExpectAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Changes_are_in_the_skus_audit_history_with_who_and_what()
    {
        var sku = await CreateAsync(registry.VendorMember, Unique("Audited"));
        await registry.VendorMember.PutJsonAsync($"/api/v1/skus/{sku.Id}", H200Body(sku.Name, sku.Version, tdpW: 1000, hbmStacks: 8)).ExpectAsync(HttpStatusCode.OK);

        var history = await registry.VendorMember.GetJsonAsync<PagedList<AuditEntryDto>>($"/api/v1/skus/{sku.Id}/audit");
        Assert.Equal(["updated", "created"], history.Items.Select(e => e.Action));
        var update = history.Items[0];
        Assert.Equal(("NVIDIA Developer", "HardwareSku"), (update.ActorName, update.EntityType));
        Assert.Contains(update.Changes, c => c is { Field: "TdpW", Before: "700", After: "1000" });
        Assert.Contains(update.Changes, c => c.Field.EndsWith(": Count", StringComparison.Ordinal) && c is { Before: "6", After: "8" });
    }

    [Fact]
    public async Task The_audit_history_names_what_its_ids_point_at()
    {
        var sku = await CreateAsync(registry.VendorMember, Unique("Named"));

        var created = Assert.Single((await registry.VendorMember.GetJsonAsync<PagedList<AuditEntryDto>>($"/api/v1/skus/{sku.Id}/audit")).Items);

        // The vendor field holds the organisation's id; the component's label holds the HBM SKU's id: both have names.
        Assert.Contains(created.Changes, c => c is { Field: "VendorId" } && c.After == registry.Nvidia.ToString());
        Assert.Contains(created.Changes, c => c.Field.StartsWith($"Component {registry.Hbm}", StringComparison.Ordinal));
        Assert.NotNull(created.Names);
        Assert.Equal("NVIDIA", created.Names[registry.Nvidia.ToString()]);
        Assert.Equal("HBM3E 8H", created.Names[registry.Hbm.ToString()]);
    }

    [Fact]
    public async Task The_csv_export_holds_every_sku_of_the_filter()
    {
        var name = Unique("Csv");
        await CreateAsync(registry.Admin, name);
        var response = await registry.OtherPartner.GetAsync($"/api/v1/skus/export.csv?vendor={registry.Nvidia}&q={Uri.EscapeDataString(name)}&pageSize=1")
            .ExpectAsync(HttpStatusCode.OK);
        var rows = Csv.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["id", "vendor", "vendor_country", "name", "category", "lifecycle", "release_month", "memory_gb", "memory_type",
            "memory_bandwidth_tbs", "bf16_tflops", "fp8_tflops", "int8_tops", "tdp_w", "languages", "updated_at",
            .. FigureSourceService.CsvHeader(FigureOwner.Sku)], rows[0]);
        var row = Assert.Single(rows.Skip(1));
        Assert.Equal(("NVIDIA", "US", name, "gpu", "ga", "2024-03", "141", "4.8", "989", ""), (row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[9], row[10], row[12]));
        Assert.Equal("cuda-c; triton", row[14]);

        var problem = await registry.OtherPartner.GetAsync("/api/v1/skus/export.csv?language=fortran").ExpectValidationProblemAsync();
        Assert.Equal(["language"], problem.Errors.Keys);
    }
}
