namespace Portal.Components.Profiles;

/// <summary>Texts of requirement profiles' pages and badges (ProfilePageText.resx, ProfilePageText.ko.resx).</summary>
public sealed class ProfilePageText;
