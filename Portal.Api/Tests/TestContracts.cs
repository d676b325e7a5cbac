using System.Text.Json;
using System.Text.Json.Serialization;
using Portal.Api.Deployments;
using Portal.Data.Compatibility;

namespace Portal.Api.Tests;

public sealed record SuiteRef(Guid Id, string Slug, string Name);

/// <summary>A row of the test list: everything but the spec, and how the test fares where it ran.</summary>
/// <param name="Results">The latest verdicts per device (null in the answer of a single test, whose runs say more).</param>
public sealed record TestListItem(
    Guid Id,
    string Name,
    string Description,
    TestVisibility Visibility,
    IReadOnlyList<string> Tags,
    string Op,
    string Language,
    OrganizationRef? Organization,
    SuiteRef? Suite,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    TestResults? Results = null,
    string Dtype = "f32");

/// <summary>
/// A test's latest verdict on each device it completed on: on how many devices it ran, on how many its latest verdict
/// is "passed", and when it last finished. Zero devices: it has not run yet.
/// </summary>
public sealed record TestResults(int Devices, int Passed, DateTimeOffset? LastFinishedAt)
{
    public static readonly TestResults None = new(0, 0, null);
}

/// <summary>One test with its spec (DESIGN.md "The kernel job spec"), as the owner sent it.</summary>
/// <param name="Organization">The owner; null for the consortium's built-in tests.</param>
/// <param name="OwnerUserId">The author; null for built-in tests.</param>
public sealed record TestDto(
    Guid Id,
    string Name,
    string Description,
    TestVisibility Visibility,
    IReadOnlyList<string> Tags,
    string Op,
    string Language,
    OrganizationRef? Organization,
    Guid? OwnerUserId,
    SuiteRef? Suite,
    [property: JsonConverter(typeof(SpecJsonConverter))] KernelSpec Spec,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    uint Version,
    Ops.SavedOpVersionRef? OpVersion = null,
    DateTimeOffset? EmbargoUntil = null);

/// <summary>A suite with how many of its tests the caller can see.</summary>
public sealed record SuiteDto(Guid Id, string Slug, string Name, string Description, bool BuiltIn, int Tests);

/// <summary>
/// Create and update body. Loosely typed on purpose, so that every problem comes back as a field-level
/// message rather than a JSON binding failure.
/// </summary>
public sealed record TestInput
{
    public string? Name { get; init; }
    public string? Description { get; init; }

    /// <summary>private (the owner organisation and consortium admins) or consortium (every signed-in user).</summary>
    public string? Visibility { get; init; }

    /// <summary>
    /// Only for a private test: the date (UTC) its source and results become consortium-visible, and so public. Left out, a
    /// private test stays private; an update that leaves it out lifts the embargo.
    /// </summary>
    public DateTimeOffset? EmbargoUntil { get; init; }
    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>The kernel job spec, a JSON object; its op and language become the test's.</summary>
    public JsonElement? Spec { get; init; }

    /// <summary>
    /// On create: the owner organisation. Optional when the caller belongs to exactly one; consortium admins may
    /// name any. On update it may only repeat the current owner.
    /// </summary>
    public Guid? OrganizationId { get; init; }

    /// <summary>On update: the version that was read; a newer version in the database answers 409.</summary>
    public uint? Version { get; init; }

    /// <summary>
    /// The saved op version the test is written against (GET /api/v1/ops/{id}): the spec is then <c>"op": "custom"</c>
    /// with that version's definition as its <c>opDefinition</c>. On update, leaving it out unlinks the test.
    /// </summary>
    public Guid? OpVersionId { get; init; }
}

/// <summary>Filters of the test list, shared with the compatibility matrix.</summary>
public sealed record TestQuery
{
    public int? Page { get; init; }
    public int? PageSize { get; init; }

    /// <summary>Searches the name and the description.</summary>
    public string? Q { get; init; }

    /// <summary>opencl-c, cuda-c or triton.</summary>
    public string? Language { get; init; }

    /// <summary>An op of the catalog, e.g. vector_add.</summary>
    public string? Op { get; init; }

    /// <summary>A storage dtype: f32, f16, bf16, fp8e4m3, fp8e5m2 (a test's is its spec's <c>dtype</c>, f32 when absent).</summary>
    public string? Dtype { get; init; }

    /// <summary>A suite's slug, e.g. conformance-v1.</summary>
    public string? Suite { get; init; }
    public string? Tag { get; init; }

    /// <summary>The owner organisation's id.</summary>
    public Guid? OrganizationId { get; init; }
}
