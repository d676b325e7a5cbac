using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Portal.Api.Organizations;
using Portal.Data.Organizations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>
/// The kind "consortium" is trust (verified results; every SKU's patterns map its agents' devices): an organisation's own
/// admins cannot give it to themselves or take it away, a consortium admin can.
/// </summary>
public sealed class OrganizationKindTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    private static object Edit(OrganizationDto read, string kind) => new { name = read.Name, kind, country = read.Country, version = read.Version };

    [Theory]
    [InlineData(OrganizationKind.ChipDesigner, "consortium")]
    [InlineData(OrganizationKind.Consortium, "chip_designer")]
    public async Task An_organisations_admin_cannot_make_it_the_consortium_or_unmake_it(OrganizationKind kind, string requested)
    {
        var organization = await portal.AddOrganizationAsync($"Kind {Guid.NewGuid():N}", kind);
        using var own = await portal.CreateClientForAsync(await portal.CreateUserAsync("Own admin", memberships: (organization, MemberRole.Admin)));
        using var consortiumAdmin = await portal.CreateClientForAsync(await portal.CreateUserAsync("Consortium admin", consortiumAdmin: true));
        var url = $"/api/v1/organizations/{organization}";
        var read = await own.GetJsonAsync<OrganizationDto>(url);
        using var korean = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(Edit(read, requested), options: ApiJson.Options) };
        korean.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue("ko-KR"));

        var refused = await own.PutJsonAsync(url, Edit(read, requested)).ExpectValidationProblemAsync();
        var refusedInKorean = await own.SendAsync(korean).ExpectValidationProblemAsync();

        Assert.Equal(["kind"], refused.Errors.Keys);
        Assert.Contains("컨소시엄 관리자", refusedInKorean.Errors["kind"][0], StringComparison.Ordinal);
        Assert.Equal(kind, (await own.GetJsonAsync<OrganizationDto>(url)).Kind);
        await consortiumAdmin.PutJsonAsync(url, Edit(read, requested)).ExpectAsync(HttpStatusCode.OK);
    }
}
