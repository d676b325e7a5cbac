using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Portal.Agent.Cli;
using System.Text.Json;
using Portal.Kernels.Spec;
using Portal.Kernels.Devices;
using Portal.Kernels.Execution;
using Portal.Kernels.Isolation;

namespace Portal.Agent.Queue;

/// <summary>
/// Finds the host's devices in a child process (<c>devices --json</c>), so that the long-running agent never loads a
/// device driver itself. An OpenCL driver built on LLVM (PoCL) installs its own SIGINT/SIGTERM handlers when it loads;
/// in an agent started with SIGINT ignored (a background job of a script, as run.sh starts it), a SIGINT made them put
/// back what was there before, and the SIGTERM that followed aborted the agent now and then (exit 134) instead of
/// draining it. Kernels already run in children; the agent itself keeps only the devices' descriptions.
/// </summary>
public static class ChildDiscovery
{
    /// <summary>Beyond the child's own discovery timeout, how long it may take to start and answer before it is killed.</summary>
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(60);

    /// <param name="timeout">The child's discovery timeout (it says itself when discovery runs past it).</param>
    public static async Task<DeviceCatalog> DiscoverAsync(ChildCommand command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(command.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in command.PrefixArguments)
            start.ArgumentList.Add(argument);
        start.ArgumentList.Add("devices");
        start.ArgumentList.Add("--json");
        start.ArgumentList.Add(DevicesCommand.TimeoutOption);
        start.ArgumentList.Add(timeout.TotalSeconds.ToString("R", CultureInfo.InvariantCulture));

        using var process = StartOrExplain(start);
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var patience = timeout + Startup;
        limit.CancelAfter(patience);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            cancellationToken.ThrowIfCancellationRequested();
            throw new DeviceDiscoveryException($"listing this host's devices took longer than {DevicesCommand.Describe(patience)}; " +
                                               $"see '{command.FileName} devices' for what hangs");
        }
        if (process.ExitCode != 0)
            throw new DeviceDiscoveryException($"listing this host's devices failed (exit {process.ExitCode}): {(await error).Trim()}");
        return new DeviceCatalog([new DescribedDevices(Parse(await output))]);
    }

    /// <summary>The devices as <c>devices --json</c> prints them.</summary>
    public static IReadOnlyList<AcceleratorDevice> Parse(string json)
    {
        try
        {
            var listed = JsonSerializer.Deserialize<List<ListedDevice>>(json, JsonSerializerOptions.Web)
                         ?? throw new DeviceDiscoveryException("the device list was empty JSON (null)");
            return listed.Select(d => new AcceleratorDevice(d.Id, d.Runtime, d.Name, d.Vendor, d.DriverVersion, d.RuntimeVersion, d.GlobalMemoryBytes,
                    d.ComputeUnits, [.. d.Languages.Select(KernelLanguages.Parse).OfType<KernelLanguage>()])
                    { CopyBandwidthGbPerSecond = d.CopyBandwidthGbPerSecond, CopyBandwidthProblem = d.CopyBandwidthProblem })
                .ToList();
        }
        catch (JsonException e)
        {
            throw new DeviceDiscoveryException($"the device list is not the expected JSON ({e.Message})");
        }
    }

    private static Process StartOrExplain(ProcessStartInfo start)
    {
        try
        {
            return Process.Start(start) ?? throw new DeviceDiscoveryException($"could not start {start.FileName} to list this host's devices");
        }
        catch (Win32Exception e)
        {
            throw new DeviceDiscoveryException($"could not start {start.FileName} to list this host's devices: {e.Message}");
        }
    }

    private sealed record ListedDevice(string Id, string Runtime, string Name, string Vendor, string DriverVersion, string RuntimeVersion,
        long GlobalMemoryBytes, int ComputeUnits, IReadOnlyList<string> Languages, double? CopyBandwidthGbPerSecond = null,
        string? CopyBandwidthProblem = null);

    /// <summary>Devices found by another process: the agent describes and reports them; only children execute on them.</summary>
    private sealed class DescribedDevices(IReadOnlyList<AcceleratorDevice> devices) : IDeviceBackend
    {
        public string Runtime => "described";

        public BackendDiscovery Discover() => new(Runtime, devices, null);

        public IKernelExecutor? ExecutorFor(AcceleratorDevice device, KernelLanguage language) => null;
    }
}

public sealed class DeviceDiscoveryException(string message) : Exception(message);
