using Portal.Data.Audit;
using Portal.Data.Organizations;
using Portal.Data.Skus;

namespace Portal.Data.Agents;

/// <summary>
/// A program on an accelerator host that runs jobs for its organisation. It registered with a registration
/// token and authenticates with its own agent token (only a SHA-256 hash of it is kept, like API tokens).
/// </summary>
public sealed class Agent : IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganizationId { get; set; }
    public Organization? Organization { get; set; }
    public required string Name { get; set; }
    public string? Hostname { get; set; }
    public string? AgentVersion { get; set; }
    public string? EngineVersion { get; set; }
    public required string TokenPrefix { get; set; }
    public required byte[] TokenHash { get; set; }
    public Guid? RegistrationTokenId { get; set; }
    public DateTimeOffset RegisteredAt { get; set; }
    public DateTimeOffset? LastHeartbeatAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public List<AgentDevice> Devices { get; set; } = [];

    /// <summary>The agent's Ed25519 public key (base64), registered with it: every result it signs is checked against it.
    /// Null for an agent registered before signing.</summary>
    public string? PublicKey { get; set; }

    /// <summary>Enrolled by an admin from its one-time code, with no network call: it runs air-gapped and its results arrive
    /// in signed bundles (its token was never shown to anyone).</summary>
    public bool Offline { get; set; }

    string IAudited.AuditId => Id.ToString();
}

/// <summary>
/// A device an agent reported. <see cref="LocalId"/> is the id on its host ("opencl:0:0"); the portal maps the
/// device to a SKU through the SKUs' device-name patterns, unless a person set the mapping by hand. A mapping set by hand
/// lends the device's verdicts to the SKU only once confirmed (<see cref="SkuAttribution"/>). Its changes are part of
/// the agent's audit history.
/// </summary>
public sealed class AgentDevice : IAuditedPart
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid AgentId { get; set; }
    public Agent? Agent { get; set; }
    public required string LocalId { get; set; }
    public required string Name { get; set; }
    public string Vendor { get; set; } = "";
    public string Runtime { get; set; } = "";
    public string RuntimeVersion { get; set; } = "";
    public string DriverVersion { get; set; } = "";
    public List<string> Languages { get; set; } = [];
    public long MemoryBytes { get; set; }
    public int ComputeUnits { get; set; }

    /// <summary>GB/s of a device-to-device copy the agent measured (null: not reported): the limit, × 1.25, for timings on a device without a datasheet figure.</summary>
    public double? CopyBandwidthGbPerSecond { get; set; }
    public Guid? SkuId { get; set; }
    public HardwareSku? Sku { get; set; }
    public bool SkuSetByHand { get; set; }

    /// <summary>
    /// When a mapping set by hand was confirmed: by a consortium admin (<see cref="SkuConfirmedByUserId"/> set), or by the
    /// SKU's own device-name patterns (no user). Null while unconfirmed, and always null for a mapping by pattern.
    /// </summary>
    public DateTimeOffset? SkuConfirmedAt { get; set; }
    public Guid? SkuConfirmedByUserId { get; set; }

    /// <summary>Whether the agent's latest report still listed the device.</summary>
    public bool Present { get; set; } = true;
    public DateTimeOffset FirstSeenAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }

    string IAudited.AuditId => AgentId.ToString();
    string IAuditedPart.OwnerType => nameof(Agent);
    string IAuditedPart.PartLabel => $"Device {LocalId}";
}

/// <summary>A secret a partner's admin hands to an agent host so it can register; it expires and can be revoked.</summary>
public sealed class AgentRegistrationToken : IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganizationId { get; set; }
    public Organization? Organization { get; set; }
    public required string Name { get; set; }
    public required string Prefix { get; set; }
    public required byte[] SecretHash { get; set; }
    public Guid? CreatedByUserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public int Registrations { get; set; }

    /// <summary>The personal API token this one was created with, if any: it expires no later and is revoked with it.</summary>
    public Guid? ParentTokenId { get; set; }

    string IAudited.AuditId => Id.ToString();
}
