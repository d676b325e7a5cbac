using System.Runtime.InteropServices;
using Portal.Contracts.Queue;
using Portal.Agent.Queue;
using Portal.Kernels.Devices;
using Portal.Kernels.Isolation;

namespace Portal.Agent.Cli;

/// <summary>
/// <c>run --portal URL (--registration-token cpr_… | --token cpa_…) [--state FILE] [--name NAME] [--devices ID,ID]
/// [--lease-seconds N] [--drain-seconds N]</c>: serve the portal's job queue until SIGTERM/SIGINT.
/// Exit codes: 0 stopped cleanly, 1 the portal refused the agent (or its state file is unreadable), 2 bad usage.
/// </summary>
internal static class RunCommand
{
    /// <param name="discover">Finds the host's devices within a time limit; called once the stop signals are handled (see below).</param>
    public static async Task<int> RunAsync(CommandLine line, Func<TimeSpan, CancellationToken, Task<DeviceCatalog>> discover, ChildCommand command,
        TextWriter output, TextWriter error, Func<string, string?> environment, TimeProvider time, CancellationToken cancellationToken)
    {
        var options = Parse(line, environment);
        AgentState? saved;
        try
        {
            saved = options.AgentToken is null ? await AgentState.LoadAsync(options.StatePath, cancellationToken) : null;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return AgentCommands.NoResult;
        }
        if (options.AgentToken is null && saved?.IsFor(options.Portal) != true && options.RegistrationToken is null)
            throw new CommandLineException(saved is null
                ? $"this agent has not registered yet (no {options.StatePath}): give --registration-token (or PORTAL_REGISTRATION_TOKEN)"
                : $"{options.StatePath} belongs to the portal at {saved.Portal}: give --registration-token to register with {options.Portal}");

        var log = new AgentLog(output, time);
        using var shutdown = new AgentShutdown(options.DrainGrace, time);
        using var http = PortalConnection.CreateHttpClient(options.Portal);
        using var stopOnCancel = cancellationToken.Register(() => shutdown.RequestStop());
        // Before discovery, so that a stop signal during it is handled too. Discovery runs in a child (ChildDiscovery): a
        // driver loaded into this process could install signal handlers of its own.
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal => OnSignal(signal, shutdown, options, log));
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal => OnSignal(signal, shutdown, options, log));
        var catalog = await DiscoverUntilItWorksAsync(discover, options, shutdown, log, time);
        if (catalog is null)
        {
            log.Write("stopped");
            return AgentCommands.Ok;
        }
        var devices = ChooseDevices(catalog, options.Devices);
        if (devices.Count == 0)
        {
            await error.WriteLineAsync($"error: this host has no device to serve; see 'Portal.Agent devices'. {DevicesCommand.PoclHint}");
            return AgentCommands.NoResult;
        }
        log.Write($"agent {AgentIdentity.AgentVersion} for {options.Portal}: serving {string.Join(", ", devices.Select(d => $"{d.Id} ({d.Name})"))}");
        if (command.Sandbox is null)
            log.Write(AgentCommands.UnsandboxedWarning);
        else if (await command.Sandbox.CheckAsync(cancellationToken) is { Works: false } check)
            log.Write($"WARNING: every job will be refused: {IsolatedKernelRunner.NoSandbox(check)}");
        else
            log.Write("kernels run sandboxed: bubblewrap, no network, no view of this host's files beyond the system and the drivers");

        var failure = await new AgentLoop(options, http, catalog, devices, command, shutdown, log, time).RunAsync(saved, cancellationToken);
        if (failure is null)
        {
            log.Write("stopped");
            return AgentCommands.Ok;
        }
        await error.WriteLineAsync($"error: {failure}");
        if (shutdown.TokenRefused)
            await error.WriteLineAsync(options.AgentToken is null
                ? $"  to register anew: delete {options.StatePath} and start with a new registration token"
                : "  start again with a valid agent token");
        return AgentCommands.NoResult;
    }

    /// <summary>
    /// The host's devices. Discovery that fails or runs out of time (a driver still loading on a busy host) is logged and
    /// tried again, with a growing pause, until it works or the agent is asked to stop (null then): it never passes for a
    /// host without devices.
    /// </summary>
    private static async Task<DeviceCatalog?> DiscoverUntilItWorksAsync(Func<TimeSpan, CancellationToken, Task<DeviceCatalog>> discover,
        AgentRunOptions options, AgentShutdown shutdown, AgentLog log, TimeProvider time)
    {
        var backoff = new Backoff(options.MaxBackoff);
        while (!shutdown.Stopping.IsCancellationRequested)
        {
            try
            {
                return await discover(options.DiscoveryTimeout, shutdown.Stopping);
            }
            catch (DeviceDiscoveryException e)
            {
                var wait = backoff.Next();
                log.Write($"device discovery failed: {e.Message}; trying again in {wait.TotalSeconds:0} s");
                if (!await Backoff.WaitAsync(wait, time, shutdown.Stopping))
                    break;
            }
            catch (OperationCanceledException) when (shutdown.Stopping.IsCancellationRequested)
            {
                break;
            }
        }
        return null;
    }

    public static AgentRunOptions Parse(CommandLine line, Func<string, string?> environment)
    {
        var portal = PortalAddress.Parse(line.Value("--portal") ?? environment("PORTAL_URL"));
        var token = NonEmpty(line.Value("--token") ?? environment("PORTAL_AGENT_TOKEN"));
        var registration = NonEmpty(line.Value("--registration-token") ?? environment("PORTAL_REGISTRATION_TOKEN"));
        if (token is not null && !token.StartsWith(AgentProtocol.AgentTokenPrefix, StringComparison.Ordinal))
            throw new CommandLineException($"--token takes an agent token ({AgentProtocol.AgentTokenPrefix}…)" +
                (token.StartsWith(AgentProtocol.RegistrationTokenPrefix, StringComparison.Ordinal) ? "; that is a registration token: use --registration-token" : ""));
        if (registration is not null && !registration.StartsWith(AgentProtocol.RegistrationTokenPrefix, StringComparison.Ordinal))
            throw new CommandLineException($"--registration-token takes a registration token ({AgentProtocol.RegistrationTokenPrefix}…)" +
                (registration.StartsWith(AgentProtocol.AgentTokenPrefix, StringComparison.Ordinal) ? "; that is an agent token: use --token" : ""));
        var devices = line.Value("--devices")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (devices is { Length: 0 })
            throw new CommandLineException("--devices needs at least one device id");
        var lease = line.Integer("--lease-seconds", 0, 3, 3600);
        return new AgentRunOptions(
            portal,
            registration,
            token,
            NonEmpty(line.Value("--state")) ?? AgentState.DefaultPath(environment),
            NonEmpty(line.Value("--name")) ?? Environment.MachineName,
            devices,
            lease == 0 ? null : TimeSpan.FromSeconds(lease),
            TimeSpan.FromSeconds(line.Integer("--drain-seconds", (int)AgentRunOptions.DefaultDrainGrace.TotalSeconds, 0, 86400)))
        {
            DiscoveryTimeout = DevicesCommand.Timeout(line, environment),
        };
    }

    /// <summary>The devices to serve: the ones named (each must exist here), else all of them.</summary>
    public static IReadOnlyList<AcceleratorDevice> ChooseDevices(DeviceCatalog catalog, IReadOnlyList<string>? ids)
    {
        if (ids is null)
            return catalog.Devices;
        return ids.Select(id => catalog.Find(id) ?? throw new CommandLineException(
                $"there is no device {id} on this host (devices: {string.Join(", ", catalog.Devices.Select(d => d.Id).DefaultIfEmpty("none"))})"))
            .DistinctBy(d => d.Id)
            .ToList();
    }

    private static void OnSignal(PosixSignalContext signal, AgentShutdown shutdown, AgentRunOptions options, AgentLog log)
    {
        // Handled here: the process ends when the loop has drained, not when the signal arrives.
        signal.Cancel = true;
        shutdown.RequestStop(request => log.Write(request == StopRequest.Drain
            ? $"{signal.Signal}: no new jobs; running jobs have {options.DrainGrace.TotalSeconds:0} s to finish, then they are handed back"
            : $"{signal.Signal} again: stopping running jobs now and handing them back"));
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
