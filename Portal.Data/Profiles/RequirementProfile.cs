using Portal.Data.Audit;
using Portal.Data.Compatibility;

namespace Portal.Data.Profiles;

/// <summary>
/// A named set of consortium-visible tests that hardware is asked to pass (e.g. "Sovereign inference baseline 2026"):
/// a SKU meets it when its latest verdict on each of them is "passed". Consortium admins keep profiles; a deployment
/// may name one (<see cref="Deployments.SovereignDeployment.RequirementProfileId"/>).
/// </summary>
public sealed class RequirementProfile : IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>A stable short name for URLs and the JSON export, e.g. "sovereign-inference-baseline-2026".</summary>
    public required string Slug { get; set; }
    public required string Name { get; set; }
    public string Description { get; set; } = "";
    public List<RequirementProfileTest> Tests { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>PostgreSQL's xmin, used as an optimistic concurrency token.</summary>
    public uint Version { get; set; }

    string IAudited.AuditId => Id.ToString();
}

/// <summary>One test a profile requires; recorded in the profile's history.</summary>
public sealed class RequirementProfileTest : IAuditedPart
{
    public Guid ProfileId { get; set; }
    public RequirementProfile Profile { get; set; } = null!;
    public Guid TestId { get; set; }
    public CompatibilityTest Test { get; set; } = null!;

    string IAudited.AuditId => ProfileId.ToString();
    string IAuditedPart.OwnerType => nameof(RequirementProfile);
    string IAuditedPart.PartLabel => $"Test {TestId}";
}
