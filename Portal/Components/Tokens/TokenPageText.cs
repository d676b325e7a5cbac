namespace Portal.Components.Tokens;

/// <summary>Texts of the API tokens page (TokenPageText.resx, TokenPageText.ko.resx).</summary>
public sealed class TokenPageText;
