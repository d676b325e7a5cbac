using Portal.Api.Runs;
using Portal.Data.Deployments;
using Portal.Data.Skus;

namespace Portal.Api.Skus;

/// <summary>A row of the catalogue (and of its CSV export).</summary>
/// <param name="Measured">Pass rates per language on the public tests; on list pages only (the export leaves it out).</param>
public sealed record SkuListItem(
    Guid Id,
    Guid VendorId,
    string VendorName,
    string VendorCountry,
    string Name,
    SkuCategory Category,
    SkuLifecycle Lifecycle,
    string? ReleaseMonth,
    double? MemoryGb,
    string? MemoryType,
    double? MemoryBandwidthTbs,
    double? Bf16Tflops,
    double? Fp8Tflops,
    double? Int8Tops,
    double? TdpW,
    IReadOnlyList<string> Languages,
    DateTimeOffset UpdatedAt,
    SkuMeasured? Measured = null);

/// <summary>One SKU with everything the detail page shows.</summary>
public sealed record SkuDetail(
    Guid Id,
    Guid VendorId,
    string VendorName,
    string VendorCountry,
    string Name,
    SkuCategory Category,
    SkuLifecycle Lifecycle,
    string? ReleaseMonth,
    double? MemoryGb,
    string? MemoryType,
    double? MemoryBandwidthTbs,
    double? Bf16Tflops,
    double? Fp8Tflops,
    double? Int8Tops,
    double? TdpW,
    string? Process,
    string? FormFactor,
    string? SoftwareStack,
    IReadOnlyList<string> Languages,
    string? DatasheetUrl,
    IReadOnlyList<string> DeviceNamePatterns,
    IReadOnlyList<SkuComponentDto> Components,
    IReadOnlyList<SkuRef> UsedBy,
    IReadOnlyList<SkuDeploymentUse> Deployments,
    SkuDerived Derived,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    uint Version,
    SkuMeasured? Measured = null,
    IReadOnlyList<SkuVerdict>? LatestVerdicts = null)
{
    /// <summary>Who may read it besides its vendor and consortium admins (DESIGN.md "Public by default, private by choice").</summary>
    public Publishing.PublicationDto Publication { get; init; } = Publishing.PublicationDto.Public;
}

public sealed record SkuRef(Guid Id, string Name, string VendorName);

/// <summary>A part this SKU is built from, with the figures that add up into the totals.</summary>
public sealed record SkuComponentDto(
    Guid ComponentSkuId,
    string Name,
    string VendorName,
    SkuCategory Category,
    int Count,
    double? MemoryGb,
    double? MemoryBandwidthTbs,
    double? TdpW);

/// <summary>A deployment whose hardware bill includes this SKU.</summary>
public sealed record SkuDeploymentUse(
    Guid DeploymentId,
    string Name,
    string Country,
    DeploymentStatus Status,
    int PlannedUnits,
    int InstalledUnits);

/// <summary>
/// Figures computed from the specs; each is null when a figure it needs is unknown.
/// Component totals are null when there are no components or any component lacks the figure.
/// </summary>
public sealed record SkuDerived(
    double? Bf16FlopPerByte,
    double? Bf16TflopsPerWatt,
    double? Fp8TflopsPerWatt,
    double? MemoryGbPerBf16Tflop,
    double? ComponentMemoryGb,
    double? ComponentBandwidthTbs,
    int ComponentUnits);

/// <summary>An organisation that may own SKUs, for pickers and filters.</summary>
public sealed record VendorRef(Guid Id, string Name, string Country);

/// <summary>
/// Create and update body. Fields are loosely typed on purpose so that every problem comes back as
/// a field-level message rather than a JSON binding failure.
/// </summary>
public sealed record SkuInput
{
    public Guid? VendorId { get; init; }
    public string? Name { get; init; }

    /// <summary>gpu, npu, asic, cpu, memory or server.</summary>
    public string? Category { get; init; }
    public double? MemoryGb { get; init; }
    public string? MemoryType { get; init; }
    public double? MemoryBandwidthTbs { get; init; }
    public double? Bf16Tflops { get; init; }
    public double? Fp8Tflops { get; init; }
    public double? Int8Tops { get; init; }
    public double? TdpW { get; init; }
    public string? Process { get; init; }
    public string? FormFactor { get; init; }
    public string? SoftwareStack { get; init; }

    /// <summary>opencl-c, cuda-c, triton.</summary>
    public IReadOnlyList<string>? Languages { get; init; }

    /// <summary>announced, sampling, ga or eol.</summary>
    public string? Lifecycle { get; init; }

    /// <summary>YYYY-MM.</summary>
    public string? ReleaseMonth { get; init; }
    public string? DatasheetUrl { get; init; }
    public IReadOnlyList<string>? DeviceNamePatterns { get; init; }
    public IReadOnlyList<SkuComponentInput>? Components { get; init; }

    /// <summary>private, embargoed (with <see cref="EmbargoUntil"/>) or public; left out, it stays as it is (public when new).</summary>
    public string? Publication { get; init; }
    public DateTimeOffset? EmbargoUntil { get; init; }

    /// <summary>On update: the version that was read; a newer version in the database answers 409.</summary>
    public uint? Version { get; init; }
}

public sealed record SkuComponentInput
{
    public Guid? ComponentSkuId { get; init; }
    public int? Count { get; init; }
}

/// <summary>Catalogue filters, shared by the list, the CSV export and the UI.</summary>
public sealed record SkuQuery
{
    public int? Page { get; init; }
    public int? PageSize { get; init; }

    /// <summary>
    /// name, vendor, category, lifecycle, releaseMonth, memoryGb, memoryBandwidthTbs, bf16Tflops, fp8Tflops,
    /// int8Tops, tdpW or updated; prefix with '-' for descending. Unknown figures sort last either way.
    /// </summary>
    public string? Sort { get; init; }

    /// <summary>Searches the name, the vendor's name and the memory type.</summary>
    public string? Q { get; init; }

    /// <summary>The vendor organisation's id.</summary>
    public Guid? Vendor { get; init; }
    public string? Category { get; init; }
    public string? Lifecycle { get; init; }

    /// <summary>The vendor's country (ISO 3166-1 alpha-2).</summary>
    public string? Country { get; init; }

    /// <summary>A claimed kernel language.</summary>
    public string? Language { get; init; }

    /// <summary>
    /// The previous page's nextCursor: the rows after its last one, in the same order (keyset paging; page must be
    /// absent). Deep pages cost as little as the first. Offered when sorting by name or by a numeric figure.
    /// </summary>
    public string? Cursor { get; init; }
}

/// <summary>
/// What the public tests measured on a SKU, per kernel language, next to what it claims. Each language's latest verdict per
/// test is counted twice at most: once among verified results (consortium agents), once among partner-reported ones.
/// </summary>
public sealed record SkuMeasured(IReadOnlyList<LanguageMeasured> Languages)
{
    /// <summary>All verified results across languages; null when there are none.</summary>
    public PassRate? Verified => Sum(Languages.Select(l => l.Verified));

    /// <summary>All partner-reported results across languages; null when there are none.</summary>
    public PassRate? Reported => Sum(Languages.Select(l => l.Reported));

    public LanguageMeasured? For(string language) => Languages.FirstOrDefault(l => l.Language == language);

    private static PassRate? Sum(IEnumerable<PassRate?> rates)
    {
        var known = rates.OfType<PassRate>().ToList();
        return known.Count == 0 ? null : new PassRate(known.Sum(r => r.Tested), known.Sum(r => r.Passed));
    }
}

/// <summary>How a language reads next to the SKU's claim.</summary>
public enum MeasuredState
{
    /// <summary>The SKU does not claim the language and nothing was measured in it.</summary>
    NotClaimed,

    /// <summary>Claimed, but no public test has a result on it yet.</summary>
    NotTested,

    Measured,
}

/// <param name="Claimed">The SKU lists the language among its kernel languages.</param>
/// <param name="Verified">Latest verdicts from consortium agents; null when there are none.</param>
/// <param name="Reported">Latest partner-reported verdicts; null when there are none.</param>
public sealed record LanguageMeasured(string Language, bool Claimed, PassRate? Verified, PassRate? Reported)
{
    public MeasuredState State => Verified is not null || Reported is not null ? MeasuredState.Measured
        : Claimed ? MeasuredState.NotTested : MeasuredState.NotClaimed;
}

/// <summary>Tests with a latest verdict, and how many of those passed.</summary>
public sealed record PassRate(int Tested, int Passed)
{
    /// <summary>Passed ÷ tested, 0–1.</summary>
    public double Rate => Tested == 0 ? 0 : (double)Passed / Tested;
}

/// <summary>A public test's latest verdict on a SKU, verified or partner-reported.</summary>
/// <param name="Rate">GFLOP/s for a compute-bound op, GB/s otherwise, with its share of the datasheet peak; null without timing
/// or when <paramref name="Suspect"/>.</param>
public sealed record SkuVerdict(
    Guid TestId,
    string TestName,
    string Op,
    string Language,
    string Dtype,
    Guid JobId,
    string Verdict,
    DateTimeOffset FinishedAt,
    bool Verified,
    double? MedianMs,
    MeasuredRate? Rate,
    bool Suspect);
