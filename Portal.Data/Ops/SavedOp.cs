using Portal.Data.Audit;
using Portal.Data.Compatibility;
using Portal.Data.Organizations;

namespace Portal.Data.Ops;

/// <summary>
/// An op definition saved in the portal (DESIGN.md "Custom ops"): a name, an owner and a visibility, with numbered,
/// immutable versions. Editing the definition adds a version; tests point at the version they were written against.
/// </summary>
public sealed class SavedOp : IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public string Description { get; set; } = "";
    public Guid OrganizationId { get; set; }
    public Organization? Organization { get; set; }

    /// <summary>The person who created it.</summary>
    public Guid? OwnerUserId { get; set; }

    /// <summary>Private: its organisation (and consortium admins); consortium: everyone signed in. The same rule as tests.</summary>
    public TestVisibility Visibility { get; set; }

    /// <summary>The number of the newest version (1, 2, …), kept here so that lists need not look at the versions.</summary>
    public int LatestVersion { get; set; }
    public List<SavedOpVersion> Versions { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public uint RowVersion { get; set; }

    string IAudited.AuditId => Id.ToString();
}

/// <summary>One version of a saved op: the definition JSON (the <c>opDefinition</c> of a spec) as validated, never changed after it is written.</summary>
public sealed class SavedOpVersion : IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OpId { get; set; }
    public SavedOp? Op { get; set; }
    public int Number { get; set; }

    /// <summary>The <c>OpDefinitionSpec</c> as JSON (jsonb).</summary>
    public required string Definition { get; set; }

    /// <summary>SHA-256 of the definition's canonical JSON, lower-case hex: equal definitions have equal hashes.</summary>
    public required string Hash { get; set; }
    public Guid? CreatedByUserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    string IAudited.AuditId => Id.ToString();
}
