using System.Reflection;

namespace Portal.Kernels;

/// <summary>The engine's identity, recorded with every result so that only results of one engine version are compared.</summary>
public static class KernelEngine
{
    public static string Version { get; } =
        typeof(KernelEngine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(KernelEngine).Assembly.GetName().Version?.ToString() ?? "unknown";
}
