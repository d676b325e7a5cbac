namespace Portal.Agent.Queue;

/// <summary>Whether this agent is older than the one its portal serves (compared as versions, the build suffix ignored).</summary>
public static class AgentVersions
{
    /// <summary>A line telling the operator to upgrade, or null when the agent is current (or either version is unknown).</summary>
    public static string? Outdated(string mine, string? portals)
    {
        if (portals is null || !Version.TryParse(Core(mine), out var own) || !Version.TryParse(Core(portals), out var served) || own >= served)
            return null;
        return $"this agent is version {mine}, older than the {portals} the portal serves: download the new one from the portal's " +
               "agents page (/agent/download/linux-x64) and restart";
    }

    private static string Core(string version) => version.Split('+', '-')[0];
}
