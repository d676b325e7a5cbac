namespace Portal.Components.Agents;

/// <summary>The command that attaches an agent to this portal, as the agents page shows it.</summary>
public static class AgentCommand
{
    public const string Placeholder = "<registration-token>";

    /// <param name="portalBaseUri">The portal's base address as the browser sees it (NavigationManager.BaseUri).</param>
    public static string Run(string portalBaseUri, string token = Placeholder) =>
        $"Portal.Agent run --portal {portalBaseUri.TrimEnd('/')} --registration-token {token}";
}
