namespace Portal.Components.Ops;

/// <summary>Texts of the op definition pages (OpPageText.resx, OpPageText.ko.resx); field rules live in SavedOpText.</summary>
public sealed class OpPageText;
