using Portal.Contracts.Queue;
using Portal.Kernels;
using Portal.Kernels.Devices;
using Portal.Kernels.Isolation;

namespace Portal.Agent.Queue;

/// <summary>
/// <c>Portal.Agent run</c>: resolve the agent's identity, report the host's devices, heartbeat in the background, and
/// serve each device with its own <see cref="DeviceWorker"/> until a stop signal has drained the running jobs.
/// </summary>
public sealed class AgentLoop(
    AgentRunOptions options,
    HttpClient http,
    DeviceCatalog catalog,
    IReadOnlyList<AcceleratorDevice> devices,
    ChildCommand command,
    AgentShutdown shutdown,
    AgentLog log,
    TimeProvider time)
{
    /// <summary>Serves until stopped. Answers null after a clean stop, else why the agent could not go on.</summary>
    public async Task<string?> RunAsync(AgentState? saved, CancellationToken cancellationToken)
    {
        var identity = new AgentIdentity(http, options, shutdown, log, time);
        var token = await identity.ResolveAsync(saved, cancellationToken);
        if (token is null)
            return shutdown.Failure;
        var signing = options with { SigningKey = identity.SigningKey };
        var client = new AgentQueueClient(new PortalConnection(http, token, time));
        if (!await ReportDevicesAsync(client))
            return shutdown.Failure;

        var workers = devices.Select(d => new DeviceWorker(d, catalog, command, client, signing, shutdown, log, time)).ToList();
        using var heartbeatStop = new CancellationTokenSource();
        var heartbeat = HeartbeatAsync(client, workers, heartbeatStop.Token);
        await Task.WhenAll(workers.Select(w => w.RunAsync()));
        await heartbeatStop.CancelAsync();
        await heartbeat;
        return shutdown.Failure;
    }

    /// <summary>Tells the portal what this host has; retried until it works or the agent is stopped.</summary>
    private async Task<bool> ReportDevicesAsync(AgentQueueClient client)
    {
        var report = new DevicesReport(devices.Select(ToReport).ToList(), Environment.MachineName, AgentIdentity.AgentVersion, KernelEngine.Version);
        var backoff = new Backoff(options.MaxBackoff);
        while (true)
        {
            try
            {
                var reported = await client.ReportDevicesAsync(report, shutdown.Stopping);
                foreach (var device in reported)
                {
                    var found = devices.FirstOrDefault(d => d.Id == device.Id);
                    log.Write($"device {device.Id} ({found?.Name ?? device.Id}): " + (device.SkuName is { } sku ? $"SKU {sku}" : "not mapped to a SKU yet") +
                              (device.QualificationQueued ? "; conformance qualification queued" : "") + CopyBandwidth(found));
                }
                return true;
            }
            catch (OperationCanceledException) when (shutdown.Stopping.IsCancellationRequested)
            {
                return false;
            }
            catch (Exception e) when (PortalConnection.IsTokenRefused(e))
            {
                shutdown.RefuseToken(PortalConnection.Describe(e));
                return false;
            }
            catch (Exception e) when (PortalConnection.IsTransient(e))
            {
                var wait = backoff.Next(PortalConnection.RetryAfter(e));
                log.Write($"could not report devices ({PortalConnection.Describe(e)}); trying again in {wait.TotalSeconds:0} s");
                if (!await Backoff.WaitAsync(wait, time, shutdown.Stopping))
                    return false;
            }
            catch (Exception e) when (PortalConnection.IsPortalFailure(e))
            {
                shutdown.Fail($"the portal refused the device report ({PortalConnection.Describe(e)})");
                return false;
            }
        }
    }

    private async Task HeartbeatAsync(AgentQueueClient client, IReadOnlyList<DeviceWorker> workers, CancellationToken cancellationToken)
    {
        while (await Backoff.WaitAsync(options.HeartbeatEvery, time, cancellationToken))
        {
            try
            {
                var running = workers.Select(w => w.CurrentJob).OfType<Guid>().ToList();
                await client.HeartbeatAsync(new AgentHeartbeat(running), cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (PortalConnection.IsTokenRefused(e))
            {
                shutdown.RefuseToken(PortalConnection.Describe(e));
                return;
            }
            catch (Exception e) when (PortalConnection.IsPortalFailure(e))
            {
                log.Write($"heartbeat failed ({PortalConnection.Describe(e)})");
            }
        }
    }

    internal static DeviceReport ToReport(AcceleratorDevice device) => new(
        device.Id, device.Name, device.Vendor, device.Runtime, device.RuntimeVersion, device.DriverVersion, device.LanguageNames,
        device.GlobalMemoryBytes, device.ComputeUnits, device.CopyBandwidthGbPerSecond);

    // Measured once by the discovery child; a failed probe is said here, and the portal then has no copy figure for the device.
    private static string CopyBandwidth(AcceleratorDevice? device) => device switch
    {
        { CopyBandwidthGbPerSecond: { } copy } => $"; device-to-device copy {copy.ToString("N1", System.Globalization.CultureInfo.InvariantCulture)} GB/s",
        { CopyBandwidthProblem: { } problem } => $"; copy bandwidth not measured ({problem})",
        _ => "",
    };
}
