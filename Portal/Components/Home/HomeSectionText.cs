namespace Portal.Components.Home;

/// <summary>The texts of the home page's role sections (HomeSectionText.resx, HomeSectionText.ko.resx).</summary>
public sealed class HomeSectionText;
