using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Api.Common;
using Portal.Api.Profiles;
using Portal.Data.Compatibility;
using Portal.Data.Deployments;
using Portal.Data.Organizations;
using Portal.Data.Skus;
using Portal.Kernels.Results;
using Portal.Tests.Infrastructure;
using static Portal.Tests.Infrastructure.ConformanceFixtures;

namespace Portal.Tests.Api;

/// <summary>
/// Requirement profiles over HTTP, from verdicts agents report through the queue: four SKUs qualified on the OpenCL C suite
/// (one passing everything, one passing vector_add only, one never tested, one announced but not released that passes
/// everything), admin-only edits, private tests kept out, badges, a deployment's count and the draft from released SKUs.
/// </summary>
public sealed class ProfileTests(ProfileTests.Fixture portal) : IClassFixture<ProfileTests.Fixture>
{
    public sealed class Fixture : PortalFactory
    {
        public HttpClient Admin { get; private set; } = null!;
        public HttpClient Reader { get; private set; } = null!;
        public Guid Vendor { get; private set; }
        public Guid SkuMet { get; private set; }
        public Guid SkuPartial { get; private set; }
        public Guid SkuUntested { get; private set; }
        public Guid SkuAnnounced { get; private set; }
        public Guid VectorAdd { get; private set; }
        public Guid Saxpy { get; private set; }
        public Guid PrivateTest { get; private set; }
        public string PrivateTestName { get; private set; } = "";

        protected override async Task StartedAsync()
        {
            Admin = await CreateClientForAsync(await CreateUserAsync("Profile Admin", consortiumAdmin: true));
            Reader = await CreateClientForAsync(await CreateUserAsync("Profile Reader"));
            Vendor = await AddOrganizationAsync("Profile Vendor", OrganizationKind.ChipDesigner);
            var token = await this.CreateRegistrationTokenAsync(Vendor);
            var suite = await WithDbAsync(db => db.CompatibilityTests
                .Where(t => t.Suite!.Slug == TestSuite.ConformanceSlug && t.Language == "opencl-c" && t.Dtype == "f32")
                .ToDictionaryAsync(t => t.Op, t => t.Id));
            (VectorAdd, Saxpy) = (suite["vector_add"], suite["saxpy"]);
            PrivateTest = await this.AddVectorAddTestAsync(visibility: TestVisibility.Private, organizationId: Vendor);
            PrivateTestName = await WithDbAsync(db => db.CompatibilityTests.Where(t => t.Id == PrivateTest).Select(t => t.Name).SingleAsync());

            SkuMet = await QualifiedSkuAsync(token, SkuLifecycle.Ga, (_, _) => Verdict(KernelStatus.Passed));
            SkuPartial = await QualifiedSkuAsync(token, SkuLifecycle.Ga, (op, _) => Verdict(op == "vector_add" ? KernelStatus.Passed : KernelStatus.Failed));
            SkuUntested = await this.AddSkuAsync(Vendor, "Untested Accel");
            SkuAnnounced = await QualifiedSkuAsync(token, SkuLifecycle.Announced, (_, _) => Verdict(KernelStatus.Passed));
        }

        private async Task<Guid> QualifiedSkuAsync(string token, SkuLifecycle lifecycle, Func<string, string, KernelResult> verdicts)
        {
            var (sku, _, device) = await this.AddSkuWithDeviceAsync(Vendor);
            await WithDbAsync(db => db.HardwareSkus.Where(s => s.Id == sku).ExecuteUpdateAsync(u => u.SetProperty(s => s.Lifecycle, lifecycle)));
            var (agent, _) = await this.RegisterAgentAsync(token, keepQualification: true, devices: device);
            Assert.True(await agent.CompleteQueuedAsync("gpu:0", verdicts) > 0);
            return sku;
        }
    }

    private async Task<ProfileDto> CreateAsync(string slug, params Guid[] tests) =>
        await portal.Admin.PostJsonAsync("/api/v1/profiles", new ProfileInput(slug, $"Profile {slug}", "for a test", tests))
            .ExpectAsync<ProfileDto>(HttpStatusCode.Created);

    [Fact]
    public async Task An_admin_creates_a_profile_and_anyone_signed_in_exports_it_as_json()
    {
        var created = await CreateAsync("exported", portal.VectorAdd, portal.Saxpy);

        var read = await portal.Reader.GetJsonAsync<ProfileDto>("/api/v1/profiles/exported");
        Assert.Equal(created.Id, read.Id);
        Assert.Equal(["saxpy · opencl-c", "vector_add · opencl-c"], read.Tests.Select(t => t.Name));
        Assert.False(read.CanEdit);
        var list = await portal.Reader.GetJsonAsync<ProfileListDto>("/api/v1/profiles");
        Assert.Contains(list.Profiles, p => p.Slug == "exported");
        Assert.False(list.CanCreate);
        await portal.Reader.GetAsync("/api/v1/profiles/no-such-profile").ExpectAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Only_consortium_admins_create_change_or_delete_profiles()
    {
        await portal.Reader.PostJsonAsync("/api/v1/profiles", new ProfileInput("readers", "Readers", null, [portal.VectorAdd]))
            .ExpectAsync(HttpStatusCode.Forbidden);
        var created = await CreateAsync("guarded", portal.VectorAdd);
        await portal.Reader.PutJsonAsync("/api/v1/profiles/guarded", new ProfileInput("guarded", "Renamed", null, [portal.Saxpy], created.Version))
            .ExpectAsync(HttpStatusCode.Forbidden);
        await portal.Reader.DeleteAsync("/api/v1/profiles/guarded").ExpectAsync(HttpStatusCode.Forbidden);

        var updated = await portal.Admin.PutJsonAsync("/api/v1/profiles/guarded", new ProfileInput("guarded", "Guarded", null, [portal.Saxpy], created.Version))
            .ExpectAsync<ProfileDto>(HttpStatusCode.OK);
        Assert.Equal([portal.Saxpy], updated.Tests.Select(t => t.Id));
        // The version read before the change is stale now.
        await portal.Admin.PutJsonAsync("/api/v1/profiles/guarded", new ProfileInput("guarded", "Guarded", null, [portal.VectorAdd], created.Version))
            .ExpectAsync(HttpStatusCode.Conflict);
        await portal.Admin.DeleteAsync("/api/v1/profiles/guarded").ExpectAsync(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task A_private_test_is_refused_by_id_and_its_name_never_shows()
    {
        var response = await portal.Admin.PostJsonAsync("/api/v1/profiles",
            new ProfileInput("with-private", "With private", null, [portal.VectorAdd, portal.PrivateTest]));

        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await Task.FromResult(response).ExpectValidationProblemAsync();
        Assert.Contains(portal.PrivateTest.ToString(), Assert.Single(problem.Errors["testIds"]));
        Assert.DoesNotContain(portal.PrivateTestName, body);

        // Nor does a test made private after it joined a profile: it leaves the profile's view and standing.
        await CreateAsync("turned-private", portal.VectorAdd, portal.Saxpy);
        await portal.WithDbAsync(db => db.CompatibilityTests.Where(t => t.Id == portal.Saxpy)
            .ExecuteUpdateAsync(u => u.SetProperty(t => t.Visibility, TestVisibility.Private)));
        try
        {
            var read = await portal.Reader.GetJsonAsync<ProfileDto>("/api/v1/profiles/turned-private");
            Assert.Equal([portal.VectorAdd], read.Tests.Select(t => t.Id));
        }
        finally
        {
            await portal.WithDbAsync(db => db.CompatibilityTests.Where(t => t.Id == portal.Saxpy)
                .ExecuteUpdateAsync(u => u.SetProperty(t => t.Visibility, TestVisibility.Consortium)));
        }
    }

    [Fact]
    public async Task Text_that_breaks_the_input_rule_is_a_field_problem_and_never_reaches_the_database()
    {
        // HTTP requests are refused by UseControlCharacterRefusal first; the pages call the service directly, so it checks too.
        var admin = new Caller(Guid.NewGuid(), "Admin", IsConsortiumAdmin: true, new Dictionary<Guid, MemberRole>());
        var outcome = await portal.InScopeAsync(services => services.GetRequiredService<ProfileService>()
            .CreateAsync(admin, new ProfileInput("nul\u0000slug", "Nul\u0000name", null, [portal.VectorAdd]), CancellationToken.None));

        var invalid = Assert.IsType<Outcome<ProfileDto>.Invalid>(outcome);
        Assert.Equal(["name", "slug"], invalid.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.IsType<Outcome<ProfileDto>.NotFound>(await portal.InScopeAsync(services => services.GetRequiredService<ProfileService>()
            .GetAsync(admin, "a\u0000b", CancellationToken.None)));
    }

    [Fact]
    public async Task A_skus_badge_says_met_n_of_m_passing_or_not_tested_and_the_profile_lists_who_meets_it()
    {
        var profile = await CreateAsync("badges", portal.VectorAdd, portal.Saxpy);

        SkuProfileBadgeDto Badge(IReadOnlyList<SkuProfileBadgeDto> badges) => Assert.Single(badges, b => b.ProfileId == profile.Id);
        var met = Badge(await portal.Reader.GetJsonAsync<IReadOnlyList<SkuProfileBadgeDto>>($"/api/v1/skus/{portal.SkuMet}/profiles"));
        Assert.Equal((ProfileStanding.Met, 2, 2, 2), (met.Standing, met.Passed, met.Tested, met.Required));
        var partial = Badge(await portal.Reader.GetJsonAsync<IReadOnlyList<SkuProfileBadgeDto>>($"/api/v1/skus/{portal.SkuPartial}/profiles"));
        Assert.Equal((ProfileStanding.Partial, 1, 2, 2), (partial.Standing, partial.Passed, partial.Tested, partial.Required));
        var untested = Badge(await portal.Reader.GetJsonAsync<IReadOnlyList<SkuProfileBadgeDto>>($"/api/v1/skus/{portal.SkuUntested}/profiles"));
        Assert.Equal((ProfileStanding.NotTested, 0, 0), (untested.Standing, untested.Passed, untested.Tested));

        var read = await portal.Reader.GetJsonAsync<ProfileDto>("/api/v1/profiles/badges");
        // Those that meet it first; a SKU never tested on it is not listed.
        Assert.Equal([ProfileStanding.Met, ProfileStanding.Met, ProfileStanding.Partial], read.Skus.Select(s => s.Standing));
        Assert.Equal(new HashSet<Guid> { portal.SkuMet, portal.SkuAnnounced }, read.Skus.Take(2).Select(s => s.SkuId).ToHashSet());
        Assert.Equal(portal.SkuPartial, read.Skus[2].SkuId);
        Assert.Equal(2, read.SkusMeeting);
    }

    [Fact]
    public async Task A_deployment_counts_its_planned_accelerators_whose_sku_meets_the_profile_it_names()
    {
        await CreateAsync("deployment-baseline", portal.VectorAdd, portal.Saxpy);
        var deployment = await portal.AddDeploymentUsingAsync(portal.SkuMet, "Profiled Project", "KR", DeploymentStatus.Planned, 30, 0);
        await portal.WithDbAsync(async db =>
        {
            db.HardwareLines.Add(new HardwareLine { DeploymentId = deployment, SkuId = portal.SkuPartial, PlannedUnits = 10 });
            db.Actor = Portal.Data.Audit.AuditActor.System;
            return await db.SaveChangesAsync();
        });

        var none = await portal.Reader.GetJsonAsync<DeploymentProfileDto>($"/api/v1/deployments/{deployment}/profile");
        Assert.Null(none.Profile);
        // Only the ministry, its operators and admins choose it; a reader may not.
        await portal.Reader.PutJsonAsync($"/api/v1/deployments/{deployment}/profile", new DeploymentProfileInput("deployment-baseline"))
            .ExpectAsync(HttpStatusCode.Forbidden);
        var unknown = await portal.Admin.PutJsonAsync($"/api/v1/deployments/{deployment}/profile", new DeploymentProfileInput("no-such"))
            .ExpectValidationProblemAsync();
        Assert.True(unknown.Errors.ContainsKey("profileSlug"));

        var named = await portal.Admin.PutJsonAsync($"/api/v1/deployments/{deployment}/profile", new DeploymentProfileInput("deployment-baseline"))
            .ExpectAsync<DeploymentProfileDto>(HttpStatusCode.OK);
        Assert.Equal("deployment-baseline", named.Profile?.Slug);
        Assert.Equal((40, 30), (named.AcceleratorUnits, named.MeetingUnits));
        Assert.Equal([(portal.SkuMet, ProfileStanding.Met), (portal.SkuPartial, ProfileStanding.Partial)], named.Skus.Select(s => (s.SkuId, s.Standing)));
        var read = await portal.Reader.GetJsonAsync<DeploymentProfileDto>($"/api/v1/deployments/{deployment}/profile");
        Assert.Equal((40, 30, false), (read.AcceleratorUnits, read.MeetingUnits, read.CanEdit));
        // The choice is in the deployment's history.
        Assert.True(await portal.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.EntityId == deployment.ToString() && a.Action == "updated")));
    }

    [Fact]
    public async Task The_proposal_holds_the_tests_most_released_skus_with_results_pass()
    {
        await portal.Reader.GetAsync("/api/v1/profiles/proposal").ExpectAsync(HttpStatusCode.Forbidden);

        var draft = await portal.Admin.GetJsonAsync<ProfileDraftDto>("/api/v1/profiles/proposal");

        // Two released SKUs have results (the untested one has none, the announced one is not released): vector_add is passed
        // by both, every other test by one of two, which is no majority. Had the announced SKU counted, they would be in.
        Assert.Equal(2, draft.SkusWithResults);
        var test = Assert.Single(draft.Tests);
        Assert.Equal((portal.VectorAdd, 2), (test.Test.Id, test.PassedBy));
    }
}
