using Portal.Data.Deployments;
using Portal.Data.Organizations;
using Portal.Data.Skus;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// A portal with the cast of the deployment tests: a ministry and its member, an operator, a supplier,
/// an unrelated company, a consortium admin, vendors from Korea and the US, and their SKUs.
/// </summary>
public class DeploymentPortal : PortalFactory
{
    public Guid Ministry { get; private set; }
    public Guid OtherMinistry { get; private set; }
    public Guid Operator { get; private set; }
    public Guid Supplier { get; private set; }
    public Guid Outsider { get; private set; }
    public Guid KoreanVendor { get; private set; }
    public Guid AmericanVendor { get; private set; }

    /// <summary>An NPU from the Korean vendor, 256 BF16 TFLOP/s.</summary>
    public Guid KoreanNpu { get; private set; }

    /// <summary>A GPU from the American vendor, 2250 BF16 TFLOP/s.</summary>
    public Guid AmericanGpu { get; private set; }

    public HttpClient MinistryMember { get; private set; } = null!;
    public HttpClient OperatorMember { get; private set; } = null!;
    public HttpClient SupplierMember { get; private set; } = null!;
    public HttpClient OtherMember { get; private set; } = null!;
    public HttpClient OtherMinistryMember { get; private set; } = null!;
    public HttpClient Admin { get; private set; } = null!;
    public HttpClient Anonymous { get; private set; } = null!;

    protected override async Task StartedAsync()
    {
        Ministry = await AddOrganizationAsync("Ministry of Science and ICT", OrganizationKind.Ministry, "KR");
        OtherMinistry = await AddOrganizationAsync("Ministry of Economy", OrganizationKind.Ministry, "AE");
        Operator = await AddOrganizationAsync("SK Telecom", OrganizationKind.DatacenterOperator, "KR");
        Supplier = await AddOrganizationAsync("SK hynix", OrganizationKind.MemoryMaker, "KR");
        Outsider = await AddOrganizationAsync("Some Bakery", OrganizationKind.Research, "FR");
        KoreanVendor = await AddOrganizationAsync("FuriosaAI", OrganizationKind.ChipDesigner, "KR");
        AmericanVendor = await AddOrganizationAsync("NVIDIA", OrganizationKind.ChipDesigner, "US");
        KoreanNpu = await this.AddSkuAsync(KoreanVendor, "RNGD", SkuCategory.Npu, s => s.Bf16Tflops = 256);
        AmericanGpu = await this.AddSkuAsync(AmericanVendor, "B200", SkuCategory.Gpu, s => s.Bf16Tflops = 2250);

        MinistryMember = await ClientAsync("Ministry officer", (Ministry, MemberRole.Member));
        OperatorMember = await ClientAsync("Operator engineer", (Operator, MemberRole.Developer));
        SupplierMember = await ClientAsync("Supplier admin", (Supplier, MemberRole.Admin));
        OtherMember = await ClientAsync("Baker", (Outsider, MemberRole.Admin));
        OtherMinistryMember = await ClientAsync("Other officer", (OtherMinistry, MemberRole.Admin));
        Admin = await CreateClientForAsync(await CreateUserAsync("Consortium admin", consortiumAdmin: true));
        Anonymous = CreateAnonymousClient();
    }

    /// <summary>A deployment sponsored by <see cref="Ministry"/>, run by <see cref="Operator"/> and supplied by <see cref="Supplier"/>.</summary>
    public Task<Guid> AddSponsoredDeploymentAsync(string name) =>
        this.AddDeploymentAsync(name, "KR", Ministry, plannedMw: 40,
            participants: [(Operator, ParticipantRole.Operator), (Supplier, ParticipantRole.Supplier)]);

    private async Task<HttpClient> ClientAsync(string name, (Guid, MemberRole) membership) =>
        await CreateClientForAsync(await CreateUserAsync(name, false, membership));
}
