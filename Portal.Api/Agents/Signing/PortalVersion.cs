using System.Reflection;

namespace Portal.Api.Agents.Signing;

/// <summary>This portal's version (its build's informational version, less the commit): the agent it serves is built with it.</summary>
public static class PortalVersion
{
    public static string Current { get; } = typeof(PortalVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?
        .InformationalVersion.Split('+')[0] ?? "unknown";
}
