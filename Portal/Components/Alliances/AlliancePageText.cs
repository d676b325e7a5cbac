namespace Portal.Components.Alliances;

/// <summary>Texts of the alliances page (AlliancePageText.resx, AlliancePageText.ko.resx).</summary>
public sealed class AlliancePageText;
