namespace Portal.Api.Alliances;

/// <summary>Messages about alliances (AllianceText.resx, AllianceText.ko.resx).</summary>
public sealed class AllianceText;
