using Portal.Data.Agents;

namespace Portal.Api.Agents;

public sealed record AgentDto(
    Guid Id,
    string Name,
    Guid OrganizationId,
    string OrganizationName,
    string? Hostname,
    string? AgentVersion,
    string? EngineVersion,
    DateTimeOffset RegisteredAt,
    DateTimeOffset? LastHeartbeatAt,
    bool Online,
    bool Revoked,
    bool Verified,
    bool CanManage,
    IReadOnlyList<AgentDeviceDto> Devices,
    string? PublicKey = null,
    bool Offline = false)
{
    /// <summary>The first 16 hex digits of the key's SHA-256, as <c>Portal.Agent verify</c> prints it.</summary>
    public string? KeyFingerprint => PublicKey is null ? null : Portal.Contracts.Signing.AgentKey.Fingerprint(PublicKey);
}

/// <param name="Mapping">How the device came to its SKU (null when unmapped): by pattern, or by hand and confirmed or not; only a
/// mapping that is not <c>manual_unconfirmed</c> counts toward the SKU.</param>
/// <param name="CanConfirm">The caller, a consortium admin, may confirm the mapping.</param>
public sealed record AgentDeviceDto(
    Guid Id,
    string LocalId,
    string Name,
    string Vendor,
    string Runtime,
    string RuntimeVersion,
    string DriverVersion,
    IReadOnlyList<string> Languages,
    long MemoryBytes,
    Guid? SkuId,
    string? SkuName,
    bool SkuSetByHand,
    SkuMapping? Mapping,
    bool CanConfirm,
    bool Present,
    DateTimeOffset FirstSeenAt,
    DateTimeOffset LastSeenAt,
    DeviceJobDto? CurrentJob,
    IReadOnlyList<DeviceJobDto> LastResults,
    IReadOnlyList<DeviceJobDto>? SuiteResults = null);

/// <summary>
/// A job on a device, as the agents page lists it. When the reader may not see the job's test it is <see cref="Private"/>:
/// ids, language and verdict are null and the name says only "(private test)".
/// </summary>
/// <param name="Suite">A job of a conformance-suite run (qualification); otherwise a developer's own run of a test.</param>
public sealed record DeviceJobDto(Guid? JobId, Guid? RunId, Guid? TestId, string TestName, string? Language, string Status, string? Verdict,
    DateTimeOffset? At, bool Private, bool Suite = false);

/// <summary>`PUT /api/v1/agents/{id}/devices/{deviceId}/sku`: a SKU, or null with Automatic to go back to the patterns.</summary>
public sealed record DeviceSkuInput(Guid? SkuId, bool Automatic = false);

/// <summary>An organisation a person may create registration tokens for.</summary>
public sealed record TokenOrganization(Guid Id, string Name);

public sealed record RegistrationTokenInput(Guid? OrganizationId, string? Name, int? ExpiresInDays);

public sealed record RegistrationTokenDto(
    Guid Id,
    Guid OrganizationId,
    string OrganizationName,
    string Name,
    string Prefix,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? RevokedAt,
    DateTimeOffset? LastUsedAt,
    int Registrations,
    bool Active);

/// <summary>The secret is shown once, here; only its hash is kept.</summary>
public sealed record CreatedRegistrationTokenDto(string Token, RegistrationTokenDto RegistrationToken);
