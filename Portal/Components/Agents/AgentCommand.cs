namespace Portal.Components.Agents;

/// <summary>The command that attaches an agent to this portal, as the agents page shows it.</summary>
public static class AgentCommand
{
    public const string Placeholder = "<registration-token>";

    /// <param name="portalBaseUri">The portal's base address as the browser sees it (NavigationManager.BaseUri).</param>
    public static string Run(string portalBaseUri, string token = Placeholder) =>
        $"Portal.Agent run --portal {portalBaseUri.TrimEnd('/')} --registration-token {token}";

    /// <summary>
    /// The one line that installs and starts the agent on a Linux host with no .NET: download the single-file agent this
    /// portal serves, check it against the portal's SHA-256 (sha256sum -c stops the line on a mismatch), run it.
    /// </summary>
    public static string Install(string portalBaseUri, string token = Placeholder, string rid = "linux-x64")
    {
        var portal = portalBaseUri.TrimEnd('/');
        return $"curl -fsSLo Portal.Agent {portal}/agent/download/{rid} && curl -fsSL {portal}/agent/download/{rid}.sha256 | sha256sum -c - " +
               $"&& chmod +x Portal.Agent && ./Portal.Agent run --portal {portal} --registration-token {token}";
    }

    /// <summary>The systemd alternative: the same download, then a unit that starts the agent at boot.</summary>
    public static string Service(string portalBaseUri, string token = Placeholder) =>
        $"sudo ./Portal.Agent install-service --portal {portalBaseUri.TrimEnd('/')} --registration-token {token} " +
        "&& sudo systemctl daemon-reload && sudo systemctl enable --now portal-agent";

    /// <summary>The container alternative (Portal.Agent/Dockerfile, PoCL included).</summary>
    public static string Container(string portalBaseUri, string token = Placeholder) =>
        "docker build -f Portal.Agent/Dockerfile -t portal-agent . && " +
        $"docker run -d --name portal-agent -e PORTAL_URL={portalBaseUri.TrimEnd('/')} -e PORTAL_REGISTRATION_TOKEN={token} portal-agent";
}
