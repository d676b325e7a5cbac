namespace Portal.Api.Ops;

/// <summary>Texts of saved op definitions: field names and messages (SavedOpText.resx, SavedOpText.ko.resx).</summary>
public sealed class SavedOpText;
