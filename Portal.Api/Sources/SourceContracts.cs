namespace Portal.Api.Sources;

/// <summary>Which kind of record a figure belongs to.</summary>
public enum FigureOwner
{
    Sku,
    Deployment,
}

/// <summary>The figures of each kind of record that can carry a source, named as in the CSV exports.</summary>
public static class SourcedFigures
{
    public static readonly IReadOnlyList<string> Sku =
        ["memory_gb", "memory_bandwidth_tbs", "bf16_tflops", "fp8_tflops", "int8_tops", "tdp_w", "process", "release_month"];

    public static readonly IReadOnlyList<string> Deployment =
        ["planned_mw", "installed_mw", "budget", "planned_accelerators", "installed_accelerators", "milestone_dates"];

    public static IReadOnlyList<string> Of(FigureOwner owner) => owner == FigureOwner.Sku ? Sku : Deployment;
}

/// <summary>Where one figure comes from.</summary>
/// <param name="Reference">An http(s) URL or a document's name.</param>
/// <param name="Url">The reference when it is a web address (a link), else null.</param>
/// <param name="Date">When the source published the figure.</param>
public sealed record FigureSourceDto(string Figure, string Reference, string? Url, DateOnly? Date, string? Note, DateTimeOffset UpdatedAt);

/// <summary>A record's sources: every figure that can carry one, the sources it has, and whether the caller may change them.</summary>
/// <param name="Figures">Every figure of this kind of record that can carry a source; those without one read "unsourced".</param>
public sealed record FigureSourcesDto(FigureOwner Owner, Guid Id, IReadOnlyList<string> Figures, IReadOnlyList<FigureSourceDto> Sources, bool CanEdit)
{
    public FigureSourceDto? For(string figure) => Sources.FirstOrDefault(s => s.Figure == figure);
}

/// <summary><c>PUT /api/v1/{skus|deployments}/{id}/sources/{figure}</c>.</summary>
public sealed record FigureSourceInput
{
    /// <summary>An http(s) URL or the name of a document, up to 500 characters.</summary>
    public string? Reference { get; init; }

    /// <summary>When the source published the figure (yyyy-MM-dd).</summary>
    public DateOnly? Date { get; init; }
    public string? Note { get; init; }
}
