using Portal.Data.Audit;
using Portal.Data.Organizations;

namespace Portal.Data.Compatibility;

/// <summary>Who may see a test's source and results: its organisation (and admins), or the whole consortium.</summary>
public enum TestVisibility
{
    Private,
    Consortium,
}

/// <summary>
/// A compatibility test: one kernel job spec (DESIGN.md) with a name, an owner and a visibility. The spec is kept
/// as the JSON the owner sent, already validated; <see cref="Op"/> and <see cref="Language"/> are copied out of it
/// so that lists, the matrix and the queue can filter without parsing JSON.
/// </summary>
public sealed class CompatibilityTest : IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public string Description { get; set; } = "";

    /// <summary>The organisation that owns the test; null for the consortium's built-in suite.</summary>
    public Guid? OrganizationId { get; set; }
    public Organization? Organization { get; set; }

    /// <summary>The person who wrote it; null for built-in tests.</summary>
    public Guid? OwnerUserId { get; set; }
    public TestVisibility Visibility { get; set; }

    /// <summary>
    /// A private test under embargo: at this date its source and results become consortium-visible, and so public
    /// (<c>EmbargoRelease</c>). A test's results follow its visibility: private, embargoed (private with a date), public.
    /// </summary>
    public DateTimeOffset? EmbargoUntil { get; set; }
    public List<string> Tags { get; set; } = [];
    public Guid? SuiteId { get; set; }
    public TestSuite? Suite { get; set; }
    public required string Op { get; set; }
    public required string Language { get; set; }
    /// <summary>The spec as its author wrote it (validated), stored as <c>jsonb</c> in the contract's own JSON.</summary>
    public required KernelSpec Spec { get; set; }

    /// <summary>For a test of a saved op (<c>"op": "custom"</c>): the version its spec's opDefinition was taken from.</summary>
    public Guid? OpVersionId { get; set; }
    public Ops.SavedOpVersion? OpVersion { get; set; }

    /// <summary>The spec's storage dtype (<c>dtype</c>; f32 when absent), computed by the database from <see cref="Spec"/>
    /// so that the matrix, the test list and the conformance profile can filter and group by it.</summary>
    public string Dtype { get; private set; } = "f32";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public uint Version { get; set; }

    string IAudited.AuditId => Id.ToString();
}

/// <summary>A named group of tests; the built-in conformance suite is one, loaded at start-up.</summary>
public sealed class TestSuite : IAudited
{
    public const string ConformanceSlug = "conformance-v1";

    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>A stable short name for URLs and filters, e.g. "conformance-v1".</summary>
    public required string Slug { get; set; }
    public required string Name { get; set; }
    public string Description { get; set; } = "";
    public bool BuiltIn { get; set; }
    public List<CompatibilityTest> Tests { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }

    string IAudited.AuditId => Id.ToString();
}
