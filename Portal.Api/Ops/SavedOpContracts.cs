using System.Text.Json;
using Portal.Api.Deployments;
using Portal.Api.Tests;
using Portal.Data.Compatibility;

namespace Portal.Api.Ops;

/// <summary>A row of the op list.</summary>
/// <param name="CanEdit">Whether the caller may add versions and change the visibility.</param>
public sealed record SavedOpListItem(
    Guid Id,
    string Name,
    string Description,
    TestVisibility Visibility,
    OrganizationRef Organization,
    int LatestVersion,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    bool CanEdit);

/// <summary>One immutable version: the definition (DESIGN.md "Custom ops", the <c>opDefinition</c> of a spec) and its hash.</summary>
public sealed record SavedOpVersionDto(Guid Id, int Number, JsonElement Definition, string Hash, Guid? CreatedByUserId, DateTimeOffset CreatedAt);

/// <summary>A saved op with all its versions, newest first.</summary>
public sealed record SavedOpDto(
    Guid Id,
    string Name,
    string Description,
    TestVisibility Visibility,
    OrganizationRef Organization,
    Guid? OwnerUserId,
    int LatestVersion,
    IReadOnlyList<SavedOpVersionDto> Versions,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    bool CanEdit);

/// <summary>A test written against a version of the op, with how it fares where it ran.</summary>
/// <param name="LatestVerdict">The verdict of its most recent completed job (passed, failed, …); null when it has not run.</param>
public sealed record SavedOpTestDto(
    Guid Id,
    string Name,
    string Language,
    int OpVersion,
    TestVisibility Visibility,
    OrganizationRef? Organization,
    TestResults Results,
    string? LatestVerdict);

/// <summary>The saved op version a test was written against, on the test's answer.</summary>
public sealed record SavedOpVersionRef(Guid OpId, string Name, int Number, Guid VersionId);

/// <summary>Create body. Loosely typed, so that every problem comes back as a field-level message.</summary>
public sealed record SavedOpInput
{
    public string? Name { get; init; }
    public string? Description { get; init; }

    /// <summary>private (the owner organisation and consortium admins) or consortium (every signed-in user).</summary>
    public string? Visibility { get; init; }

    /// <summary>The op definition (DESIGN.md "Custom ops"): name, params, buffers, reference, tolerance.</summary>
    public JsonElement? Definition { get; init; }

    /// <summary>The owner organisation; optional when the caller belongs to exactly one.</summary>
    public Guid? OrganizationId { get; init; }
}

/// <summary>A new version's body.</summary>
public sealed record SavedOpVersionInput
{
    public JsonElement? Definition { get; init; }

    /// <summary>The latest version the editor read; when another version was added meanwhile the answer is 409.</summary>
    public int? BaseVersion { get; init; }
}

public sealed record SavedOpVisibilityInput
{
    public string? Visibility { get; init; }
}

public sealed record SavedOpQuery
{
    public int? Page { get; init; }
    public int? PageSize { get; init; }

    /// <summary>Searches the name and the description.</summary>
    public string? Q { get; init; }
    public Guid? OrganizationId { get; init; }
}
