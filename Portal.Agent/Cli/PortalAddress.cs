namespace Portal.Agent.Cli;

/// <summary>The portal's address from --portal or PORTAL_URL: an absolute http(s) URL.</summary>
internal static class PortalAddress
{
    public static Uri Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw new CommandLineException("--portal (or PORTAL_URL) is missing: the portal's address, e.g. https://portal.example.org");
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var portal) || (portal.Scheme != Uri.UriSchemeHttp && portal.Scheme != Uri.UriSchemeHttps)
            || !string.IsNullOrEmpty(portal.Query) || !string.IsNullOrEmpty(portal.Fragment))
            throw new CommandLineException($"--portal must be the portal's http(s) address, not '{value}'");
        return portal;
    }
}
