using System.Globalization;
using System.Text.Json;
using Portal.Kernels.Devices;

namespace Portal.Agent.Cli;

/// <summary>
/// <c>devices [--json] [--discovery-timeout SECONDS]</c>: the host's devices. Discovery that fails or does not finish in
/// time says why on stderr and exits 1 (with --json nothing is printed, so that a script never takes a partial list for
/// the host's); discovery that worked and found nothing prints an empty list, exits 0, and says on stderr how to get a device.
/// </summary>
internal static class DevicesCommand
{
    public const string TimeoutOption = "--discovery-timeout";
    public const string TimeoutVariable = "PORTAL_AGENT_DISCOVERY_TIMEOUT";

    /// <summary>Loading a driver and importing torch on a busy host can take minutes; generous, and settable.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(10);

    public const string PoclHint =
        "To run OpenCL C kernels on this host's CPU, install PoCL: 'apt-get install pocl-opencl-icd' (Debian, Ubuntu) or 'dnf install pocl' (Fedora).";

    /// <summary>--discovery-timeout, else PORTAL_AGENT_DISCOVERY_TIMEOUT, else the default: seconds, fractions allowed.</summary>
    public static TimeSpan Timeout(CommandLine line, Func<string, string?> environment)
    {
        var text = line.Value(TimeoutOption) ?? environment(TimeoutVariable);
        if (string.IsNullOrWhiteSpace(text))
            return DefaultTimeout;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || !(seconds > 0) || seconds > 86400)
            throw new CommandLineException($"{TimeoutOption} (or {TimeoutVariable}) takes a number of seconds above 0 and at most 86400, not '{text}'");
        return TimeSpan.FromSeconds(seconds);
    }

    public static string Describe(TimeSpan timeout) =>
        timeout >= TimeSpan.FromSeconds(1) ? $"{timeout.TotalSeconds:0.#} s" : $"{timeout.TotalMilliseconds:0.###} ms";

    public static async Task<int> RunAsync(CommandLine options, TextWriter output, TextWriter error, Func<string, string?> environment,
        CancellationToken cancellationToken)
    {
        var timeout = Timeout(options, environment);
        IReadOnlyList<BackendDiscovery> discoveries;
        try
        {
            discoveries = await DiscoverAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            await error.WriteLineAsync($"error: listing this host's devices took longer than {Describe(timeout)} (the discovery timeout); " +
                                       $"on a busy host give it longer with {TimeoutOption} SECONDS or {TimeoutVariable}");
            return AgentCommands.NoResult;
        }

        var failed = discoveries.Where(d => d.Failed).ToList();
        var devices = discoveries.SelectMany(d => d.Devices).ToList();
        if (options.Flag("--json"))
        {
            if (failed.Count == 0)
                await output.WriteLineAsync(JsonSerializer.Serialize(devices, AgentCommands.Json));
        }
        else
        {
            await WriteTextAsync(discoveries, output);
        }
        foreach (var discovery in failed)
            await error.WriteLineAsync($"error: listing the {discovery.Runtime} devices failed: {discovery.Problem}");
        if (failed.Count > 0)
            return AgentCommands.NoResult;
        if (devices.Count == 0)
        {
            var why = string.Join("; ", discoveries.Select(d => $"{d.Runtime}: {d.Problem ?? "none found"}"));
            await error.WriteLineAsync($"no devices found ({why}). {PoclHint}");
        }
        return AgentCommands.Ok;
    }

    /// <summary>
    /// Every runtime's discovery, with each device's copy bandwidth measured (or why not), finished within <paramref name="timeout"/>. Native discovery cannot be interrupted: past
    /// the timeout it is left behind, and the command answers (and its process ends) without it.
    /// </summary>
    private static async Task<IReadOnlyList<BackendDiscovery>> DiscoverAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var discovery = Task.Run(async () =>
        {
            var catalog = await HostBackends.DiscoverAsync(cancellationToken, tritonProbeTimeout: timeout);
            // Measured here, in the child that lists the devices when the agent starts: once per device, never per job.
            var measured = catalog.WithCopyBandwidths().ToDictionary(d => d.Id);
            return (IReadOnlyList<BackendDiscovery>)catalog.Discoveries
                .Select(d => d with { Devices = d.Devices.Select(device => measured[device.Id]).ToList() }).ToList();
        }, cancellationToken);
        return await discovery.WaitAsync(timeout, cancellationToken);
    }

    private static async Task WriteTextAsync(IReadOnlyList<BackendDiscovery> discoveries, TextWriter output)
    {
        foreach (var discovery in discoveries)
        {
            if (discovery.Devices.Count == 0)
                await output.WriteLineAsync($"{discovery.Runtime}: no devices ({discovery.Problem ?? "none found"})");
            else if (discovery.Problem is not null)
                await output.WriteLineAsync($"{discovery.Runtime}: {discovery.Problem}");
            foreach (var d in discovery.Devices)
            {
                await output.WriteLineAsync($"{d.Id,-14} {d.Name} — {d.Vendor}");
                await output.WriteLineAsync($"{"",-14} runtime {d.RuntimeVersion}, driver {d.DriverVersion}, {d.GlobalMemoryBytes >> 20} MiB, " +
                    $"{d.ComputeUnits} compute units, languages: {string.Join(", ", d.LanguageNames)}");
                await output.WriteLineAsync($"{"",-14} " + (d.CopyBandwidthGbPerSecond is { } copy
                    ? $"device-to-device copy: {copy.ToString("N1", CultureInfo.InvariantCulture)} GB/s"
                    : $"device-to-device copy not measured: {d.CopyBandwidthProblem}"));
            }
        }
    }
}
