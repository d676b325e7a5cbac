namespace Portal.Api.Memberships;

/// <summary>Messages about members and join requests (MembershipText.resx, MembershipText.ko.resx).</summary>
public sealed class MembershipText;
