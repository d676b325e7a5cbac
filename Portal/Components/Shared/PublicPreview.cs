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
