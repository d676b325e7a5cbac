namespace Portal.Components.Shared;

/// <summary>Texts of the shared components: audit history, outcomes (SharedPageText.resx, SharedPageText.ko.resx).</summary>
public sealed class SharedPageText;
