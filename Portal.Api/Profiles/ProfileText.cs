namespace Portal.Api.Profiles;

/// <summary>Messages of requirement profiles (ProfileText.resx, ProfileText.ko.resx).</summary>
public sealed class ProfileText;
