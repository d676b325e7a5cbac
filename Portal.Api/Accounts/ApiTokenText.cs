namespace Portal.Api.Accounts;

/// <summary>Messages about API tokens and token authentication (ApiTokenText.resx, ApiTokenText.ko.resx).</summary>
public sealed class ApiTokenText;
