namespace Portal.Components.Organizations;

/// <summary>Texts of the organisation pages and their parts (OrganizationPageText.resx, OrganizationPageText.ko.resx).</summary>
public sealed class OrganizationPageText;
