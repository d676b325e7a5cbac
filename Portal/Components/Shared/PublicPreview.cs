using Microsoft.AspNetCore.Components;

namespace Portal.Components.Shared;

/// <summary>
/// "?preview=public" on a SKU or deployment page: the page cascades it under <see cref="Name"/>, and every part that reads for
/// itself (badges, conformance, regressions, coverage, charts) reads as a visitor who is not signed in, so that the preview
/// shows what the public will see and nothing of the owner's own.
/// </summary>
public static class PublicPreview
{
    public const string Name = "PublicPreview";
}

/// <summary>A part of a SKU or deployment page that reads for itself, and so reads as a visitor in a public preview.</summary>
public abstract class PublicPreviewPart : ComponentBase
{
    /// <summary>True in a public preview: this part reads as a visitor who is not signed in.</summary>
    [CascadingParameter(Name = PublicPreview.Name)]
    public bool Preview { get; set; }
}
