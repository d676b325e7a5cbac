using System.Net;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Portal.Api.Deployments;
using Portal.Data.Deployments;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>POST, PUT and DELETE /api/v1/deployments: validation, authorisation and concurrency.</summary>
public sealed class DeploymentWriteTests(DeploymentPortal portal) : IClassFixture<DeploymentPortal>
{
    private object ValidBody(string name) => new
    {
        name,
        country = "kr",
        region = "Jeollanam-do",
        site = "Solaseado, Haenam",
        latitude = 34.7,
        longitude = 126.45,
        ministryId = portal.Ministry,
        status = "planned",
        plannedMw = 20.5,
        energySources = new[] { "offshore_wind", "solar", "grid" },
        budget = new { amount = 2_500_000_000_000m, currency = "krw" },
        participants = new[] { new { organizationId = portal.Operator, role = "operator" }, new { organizationId = portal.Supplier, role = "supplier" } },
        sourceUrls = new[] { "https://openai.com/index/samsung-and-sk-join-stargate" },
        notes = "Initial capacity reported as 20 MW.",
    };

    private Task<int> CountAsync() => portal.WithDbAsync(db => db.Deployments.CountAsync());

    [Fact]
    public async Task A_ministry_member_creates_a_deployment_with_participants_and_budget()
    {
        var created = await portal.MinistryMember.PostJsonAsync("/api/v1/deployments", ValidBody("Stargate Korea - Southwest"))
            .ExpectAsync<DeploymentDto>(HttpStatusCode.Created);

        var read = await portal.OtherMember.GetJsonAsync<DeploymentDto>($"/api/v1/deployments/{created.Id}");
        Assert.Equal(("Stargate Korea - Southwest", "KR", DeploymentStatus.Planned, 20.5), (read.Name, read.Country, read.Status, read.PlannedMw));
        Assert.Equal(portal.Ministry, read.Ministry?.Id);
        Assert.Equal(new BudgetDto(2_500_000_000_000m, "KRW"), read.Budget);
        Assert.Equal(["offshore_wind", "solar", "grid"], read.EnergySources);
        Assert.Equal(
            [(portal.Operator, ParticipantRole.Operator), (portal.Supplier, ParticipantRole.Supplier)],
            read.Participants.Select(p => (p.OrganizationId, p.Role)).ToArray());
        Assert.Equal((34.7, 126.45), (read.Latitude!.Value, read.Longitude!.Value));
    }

    [Fact]
    public async Task Every_bad_field_is_named_and_nothing_is_stored()
    {
        var before = await CountAsync();
        var body = new
        {
            name = "  ",
            country = "XX",
            latitude = 91.0,
            longitude = -180.5,
            ministryId = Guid.NewGuid(),
            status = "dreaming",
            plannedMw = -1.0,
            installedMw = 250_000.0,
            energySources = new[] { "coal" },
            budget = new { amount = -5m, currency = "KRX" },
            participants = new object[] { new { organizationId = Guid.NewGuid(), role = "operator" }, new { organizationId = portal.Operator, role = "chef" } },
            sourceUrls = new[] { "ftp://files.example.com/plan.pdf" },
        };

        var problem = await portal.Admin.PostJsonAsync("/api/v1/deployments", body).ExpectValidationProblemAsync();

        Assert.Equal(
            new[] { "budget.amount", "budget.currency", "country", "energySources", "installedMw", "latitude", "longitude", "ministryId", "name",
                    "participants[0].organizationId", "participants[1].role", "plannedMw", "sourceUrls", "status" },
            problem.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("100,000", problem.Errors["installedMw"][0], StringComparison.Ordinal);
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task The_sponsor_must_be_an_organisation_of_kind_ministry()
    {
        var body = new { name = "Wrong sponsor", country = "KR", status = "planned", ministryId = portal.Operator };

        var problem = await portal.Admin.PostJsonAsync("/api/v1/deployments", body).ExpectValidationProblemAsync();

        Assert.Equal(["ministryId"], problem.Errors.Keys);
        Assert.Contains("SK Telecom", problem.Errors["ministryId"][0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "KRW", "budget.amount")]
    [InlineData("1000", null, "budget.currency")]
    [InlineData("1000", "WON", "budget.currency")]
    public async Task A_budget_needs_both_an_amount_and_an_iso_currency(string? amount, string? currency, string field)
    {
        var body = new { name = "Budget " + Guid.NewGuid().ToString("N"), country = "KR", status = "planned", budget = new { amount = amount is null ? (decimal?)null : decimal.Parse(amount), currency } };

        var problem = await portal.Admin.PostJsonAsync("/api/v1/deployments", body).ExpectValidationProblemAsync();

        Assert.Equal([field], problem.Errors.Keys);
    }

    [Fact]
    public async Task Messages_follow_the_callers_language()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/deployments")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { name = "Korean", country = "KR", status = "planned", plannedMw = -3.0 }, options: ApiJson.Options),
        };
        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue("ko-KR"));

        var problem = await portal.Admin.SendAsync(request).ExpectValidationProblemAsync();

        Assert.Equal("계획 전력(MW)은(는) 음수일 수 없습니다.", problem.Errors["plannedMw"][0]);
    }

    [Fact]
    public async Task A_name_is_unique_regardless_of_case()
    {
        await portal.AddDeploymentAsync("Pohang AI Campus");

        var problem = await portal.Admin.PostJsonAsync("/api/v1/deployments", new { name = "POHANG ai campus", country = "KR", status = "planned" })
            .ExpectValidationProblemAsync();

        Assert.Equal(["name"], problem.Errors.Keys);
    }

    [Fact]
    public async Task Creating_needs_membership_of_the_named_ministry_or_operator()
    {
        var forOthers = new { name = "Not mine", country = "KR", status = "planned", ministryId = portal.Ministry };
        var asOperator = new
        {
            name = "Operator-led " + Guid.NewGuid().ToString("N"), country = "KR", status = "announced",
            participants = new[] { new { organizationId = portal.Operator, role = "operator" } },
        };

        await portal.OtherMinistryMember.PostJsonAsync("/api/v1/deployments", forOthers).ExpectAsync(HttpStatusCode.Forbidden);
        await portal.SupplierMember.PostJsonAsync("/api/v1/deployments", forOthers).ExpectAsync(HttpStatusCode.Forbidden);
        await portal.OperatorMember.PostJsonAsync("/api/v1/deployments", asOperator).ExpectAsync(HttpStatusCode.Created);
        await portal.Anonymous.PostJsonAsync("/api/v1/deployments", forOthers).ExpectAsync(HttpStatusCode.Unauthorized);
        Assert.False(await portal.WithDbAsync(db => db.Deployments.AnyAsync(d => d.Name == "Not mine")));
    }

    [Fact]
    public async Task Only_a_ministrys_members_credit_a_new_deployment_to_it()
    {
        object Body(string name) => new
        {
            name, country = "KR", status = "announced", ministryId = portal.OtherMinistry,
            participants = new[] { new { organizationId = portal.Operator, role = "operator" } },
        };
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/deployments")
        {
            Content = System.Net.Http.Json.JsonContent.Create(Body("Credited elsewhere"), options: ApiJson.Options),
        };
        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue("ko-KR"));

        var english = await portal.OperatorMember.PostJsonAsync("/api/v1/deployments", Body("Credited elsewhere")).ExpectValidationProblemAsync();
        var korean = await portal.OperatorMember.SendAsync(request).ExpectValidationProblemAsync();

        Assert.Equal(["ministryId"], english.Errors.Keys);
        Assert.Contains("Ministry of Economy", english.Errors["ministryId"][0], StringComparison.Ordinal);
        Assert.Contains("주관 부처", korean.Errors["ministryId"][0], StringComparison.Ordinal);
        Assert.False(await portal.WithDbAsync(db => db.Deployments.AnyAsync(d => d.Name == "Credited elsewhere")));
        await portal.OtherMinistryMember.PostJsonAsync("/api/v1/deployments", Body("Credited by its officer " + Guid.NewGuid().ToString("N")))
            .ExpectAsync(HttpStatusCode.Created);
        await portal.Admin.PostJsonAsync("/api/v1/deployments", Body("Credited by an admin " + Guid.NewGuid().ToString("N")))
            .ExpectAsync(HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("operator", "none", false)]
    [InlineData("operator", "other", false)]
    [InlineData("otherMinistry", "other", false)]
    [InlineData("ministry", "other", false)]
    [InlineData("ministry", "none", true)]
    [InlineData("admin", "other", true)]
    public async Task Only_the_sponsors_members_remove_or_replace_it(string who, string sponsor, bool allowed)
    {
        var id = await portal.AddSponsoredDeploymentAsync($"Sponsor {who} {sponsor}");
        var read = await portal.Admin.GetJsonAsync<DeploymentDto>($"/api/v1/deployments/{id}");
        var body = new
        {
            name = read.Name, country = "KR", status = "planned", plannedMw = 40.0, version = read.Version,
            ministryId = sponsor == "other" ? portal.OtherMinistry : (Guid?)null,
            participants = read.Participants.Select(p => new { organizationId = p.OrganizationId, role = p.Role.ToString().ToLowerInvariant() }),
        };

        var put = Client(who).PutJsonAsync($"/api/v1/deployments/{id}", body);

        // Someone with no say over the deployment at all is refused as a whole (403); an editor, for the field.
        if (allowed)
            await put.ExpectAsync(HttpStatusCode.OK);
        else if (who == "otherMinistry")
            await put.ExpectAsync(HttpStatusCode.Forbidden);
        else
            Assert.Equal(["ministryId"], (await put.ExpectValidationProblemAsync()).Errors.Keys);
        var after = await portal.Admin.GetJsonAsync<DeploymentDto>($"/api/v1/deployments/{id}");
        Assert.Equal(allowed ? (sponsor == "other" ? portal.OtherMinistry : null) : portal.Ministry, after.Ministry?.Id);
    }

    public static TheoryData<string, HttpStatusCode> Editors => new()
    {
        { "ministry", HttpStatusCode.OK },
        { "operator", HttpStatusCode.OK },
        { "admin", HttpStatusCode.OK },
        { "supplier", HttpStatusCode.Forbidden },
        { "other", HttpStatusCode.Forbidden },
        { "otherMinistry", HttpStatusCode.Forbidden },
        { "anonymous", HttpStatusCode.Unauthorized },
    };

    [Theory]
    [MemberData(nameof(Editors))]
    public async Task Who_may_edit_a_deployment(string who, HttpStatusCode expected)
    {
        var id = await portal.AddSponsoredDeploymentAsync("Matrix " + who);
        var read = await portal.Admin.GetJsonAsync<DeploymentDto>($"/api/v1/deployments/{id}");
        var body = new
        {
            name = read.Name, country = "KR", status = "under_construction", ministryId = portal.Ministry, plannedMw = 60.0, version = read.Version,
            participants = read.Participants.Select(p => new { organizationId = p.OrganizationId, role = p.Role.ToString().ToLowerInvariant() }),
        };

        await Client(who).PutJsonAsync($"/api/v1/deployments/{id}", body).ExpectAsync(expected);

        var after = await portal.Admin.GetJsonAsync<DeploymentDto>($"/api/v1/deployments/{id}");
        Assert.Equal(expected == HttpStatusCode.OK ? 60.0 : 40.0, after.PlannedMw);
        // Reading is open to everyone signed in.
        if (who != "anonymous")
            await Client(who).GetAsync($"/api/v1/deployments/{id}").ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Only_the_ministry_and_admins_delete()
    {
        var id = await portal.AddSponsoredDeploymentAsync("To be deleted");

        await portal.OperatorMember.DeleteAsync($"/api/v1/deployments/{id}").ExpectAsync(HttpStatusCode.Forbidden);
        await portal.MinistryMember.DeleteAsync($"/api/v1/deployments/{id}").ExpectAsync(HttpStatusCode.NoContent);
        await portal.Admin.GetAsync($"/api/v1/deployments/{id}").ExpectAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_update_from_a_stale_version_is_refused_with_409()
    {
        var id = await portal.AddSponsoredDeploymentAsync("Concurrent");
        var read = await portal.MinistryMember.GetJsonAsync<DeploymentDto>($"/api/v1/deployments/{id}");
        object Body(double mw) => new { name = read.Name, country = "KR", status = "planned", ministryId = portal.Ministry, plannedMw = mw, version = read.Version };

        await portal.MinistryMember.PutJsonAsync($"/api/v1/deployments/{id}", Body(45)).ExpectAsync(HttpStatusCode.OK);
        await portal.MinistryMember.PutJsonAsync($"/api/v1/deployments/{id}", Body(99)).ExpectAsync(HttpStatusCode.Conflict);

        var problem = await portal.MinistryMember.PutJsonAsync($"/api/v1/deployments/{id}",
            new { name = read.Name, country = "KR", status = "planned", ministryId = portal.Ministry }).ExpectValidationProblemAsync();
        Assert.Equal(["version"], problem.Errors.Keys);
        Assert.Equal(45.0, (await portal.Admin.GetJsonAsync<DeploymentDto>($"/api/v1/deployments/{id}")).PlannedMw);
    }

    [Fact]
    public async Task A_refused_update_changes_nothing()
    {
        var id = await portal.AddSponsoredDeploymentAsync("Kept whole");
        var read = await portal.MinistryMember.GetJsonAsync<DeploymentDto>($"/api/v1/deployments/{id}");

        await portal.MinistryMember.PutJsonAsync($"/api/v1/deployments/{id}", new
        {
            name = "Renamed", country = "KR", status = "planned", ministryId = portal.Ministry, version = read.Version, latitude = 120.0, longitude = 127.0,
            participants = Array.Empty<object>(),
        }).ExpectValidationProblemAsync();

        var after = await portal.Admin.GetJsonAsync<DeploymentDto>($"/api/v1/deployments/{id}");
        Assert.Equal(("Kept whole", 2, read.Version), (after.Name, after.Participants.Count, after.Version));
    }

    [Fact]
    public async Task Changing_participants_is_recorded_in_the_deployments_history()
    {
        var id = await portal.AddSponsoredDeploymentAsync("Audited");
        var read = await portal.MinistryMember.GetJsonAsync<DeploymentDto>($"/api/v1/deployments/{id}");

        await portal.MinistryMember.PutJsonAsync($"/api/v1/deployments/{id}", new
        {
            name = read.Name, country = "KR", status = "planned", ministryId = portal.Ministry, plannedMw = 40.0, version = read.Version,
            participants = new[] { new { organizationId = portal.Operator, role = "operator" } },
        }).ExpectAsync(HttpStatusCode.OK);

        var history = await portal.Admin.GetJsonAsync<Portal.Api.Common.PagedList<Portal.Api.Audit.AuditEntryDto>>($"/api/v1/deployments/{id}/audit");
        var latest = history.Items[0];
        Assert.Equal(("Ministry officer", "updated"), (latest.ActorName, latest.Action));
        Assert.Contains(latest.Changes, c => c.Field.StartsWith($"Participant {portal.Supplier}", StringComparison.Ordinal) && c.After is null);
    }

    private HttpClient Client(string who) => who switch
    {
        "ministry" => portal.MinistryMember,
        "operator" => portal.OperatorMember,
        "admin" => portal.Admin,
        "supplier" => portal.SupplierMember,
        "other" => portal.OtherMember,
        "otherMinistry" => portal.OtherMinistryMember,
        _ => portal.Anonymous,
    };
}
