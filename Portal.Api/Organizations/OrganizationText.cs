namespace Portal.Api.Organizations;

/// <summary>Messages about organisations (validation, permissions, conflicts) (OrganizationText.resx, OrganizationText.ko.resx).</summary>
public sealed class OrganizationText;
