using System.Globalization;
using System.Text.Json;
using Portal.Agent.Queue;
using Portal.Kernels.Devices;
using Portal.Kernels.Isolation;
using Portal.Kernels.References;
using Portal.Kernels.Results;
using Portal.Kernels.Spec;

namespace Portal.Agent.Cli;

/// <summary>
/// The agent's command line. Exit codes: 0 a result was produced (submit: every job passed), 1 it could not be (the
/// portal refused or was unreachable), 2 bad usage, 3 (submit) a job did not pass.
/// </summary>
public static class AgentCommands
{
    public const int Ok = 0;
    public const int NoResult = 1;
    public const int Usage = 2;

    public const string UsageText = """
        usage: Portal.Agent <command>
          devices [--json] [--discovery-timeout SECONDS] list the devices of this host and the languages they accept;
                                                         exit 1 when discovery fails or takes longer than the timeout
                                                         (default 600 s; environment PORTAL_AGENT_DISCOVERY_TIMEOUT)
          exec SPEC.json [--device ID] [--out FILE]      run one kernel job spec and print its result (DESIGN.md contract)
          suite [--device ID] [--language L] [--controls] [--json]
                                                         run the built-in conformance suite (--controls: its known-wrong
                                                         control kernels instead, each of which must fail)
          run --portal URL (--registration-token cpr_… | --token cpa_…) [--state FILE] [--name NAME]
              [--devices ID,ID] [--lease-seconds N] [--drain-seconds N] [--discovery-timeout SECONDS]
                                                         serve the portal's job queue with this host's devices until
                                                         SIGTERM/SIGINT (running jobs get --drain-seconds, default 60,
                                                         to finish; the rest are handed back). Discovery that fails is
                                                         logged and tried again. Registers on first start
                                                         and keeps its token in FILE (default
                                                         $XDG_STATE_HOME/portal-agent/agent.json). Environment:
                                                         PORTAL_URL, PORTAL_REGISTRATION_TOKEN, PORTAL_AGENT_TOKEN,
                                                         PORTAL_AGENT_STATE
          submit (SPEC.json | --test ID) --portal URL --token cpt_… [--name N] [--visibility private|consortium] [--organization ID]
              [--target sku:ID|device:ID …] [--wait] [--json]
                                                         run a kernel on the portal's devices; --wait follows the jobs
                                                         and prints the results (exit 0 all passed, 3 one did not).
                                                         Environment: PORTAL_URL, PORTAL_TOKEN
        Custom ops' references (computed on this host's CPU OpenCL device with fp64) are cached in PORTAL_REFERENCE_CACHE
        (default $XDG_STATE_HOME/portal-agent/references), at most PORTAL_REFERENCE_CACHE_MB (default 1024) MiB;
        PORTAL_REFERENCE_OCL_ICD_VENDORS names the OpenCL ICD folder the reference's device is looked for in.
        Every kernel is compiled and run in a bubblewrap sandbox (no network, no view of this host's files beyond the
        system and the drivers, nothing of the agent's state); without bubblewrap, jobs are refused. With exec, suite or
        run, --unsandboxed-kernels runs them without it: only where every kernel is trusted.
        """;

    internal const string UnsandboxedWarning =
        "WARNING: --unsandboxed-kernels: kernels run WITHOUT a sandbox. A kernel can read every file this user can " +
        "(the agent's token included) and reach the network. Use this only where every kernel is trusted.";

    // Indented, and without escaping '+' or quotes: people read this output.
    internal static readonly JsonSerializerOptions Json = new(KernelResultJson.Options)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken) =>
        RunAsync(args, output, error, Environment.GetEnvironmentVariable, TimeProvider.System, cancellationToken);

    /// <param name="environment">Where PORTAL_URL and the other settings are read (the process's environment, or a test's).</param>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, Func<string, string?> environment, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var unsandboxed = args.Contains(KernelSandbox.OptOutFlag);
        args = [.. args.Where(a => a != KernelSandbox.OptOutFlag)];
        if (unsandboxed && args.Length > 0 && args[0] is "exec" or "suite" or "run")
            await error.WriteLineAsync(UnsandboxedWarning);
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            await output.WriteLineAsync(UsageText);
            return args.Length == 0 ? Usage : Ok;
        }
        try
        {
            // submit talks to the portal only: no device discovery (which may start Python to probe Triton).
            if (args[0] == "submit")
                return await new SubmitCommand(output, error, environment, time).RunAsync(CommandLine.Parse(args[1..]), cancellationToken);
            // run has its devices listed by a child (ChildDiscovery), once it handles the stop signals.
            if (args[0] == "run")
            {
                var self = WithReferenceCache(ThisProcess(unsandboxed), environment);
                return await RunCommand.RunAsync(CommandLine.Parse(args[1..]), (timeout, token) => ChildDiscovery.DiscoverAsync(self, timeout, token), self,
                    output, error, environment, time, cancellationToken);
            }
            // devices says when discovery failed or ran out of time, rather than listing nothing.
            if (args[0] == "devices")
                return await DevicesCommand.RunAsync(CommandLine.Parse(args[1..]), output, error, environment, cancellationToken);
        }
        catch (CommandLineException e)
        {
            return await UsageErrorAsync(error, e.Message);
        }

        var childDevice = args[0] == KernelChild.Verb ? args.SkipWhile(a => a != "--device").Skip(1).FirstOrDefault() : null;
        var catalog = childDevice is null
            ? await HostBackends.DiscoverAsync(cancellationToken)
            : await HostBackends.DiscoverForAsync(childDevice, cancellationToken);
        var command = args[0] == KernelChild.Verb ? ThisProcess(unsandboxed) : WithReferenceCache(ThisProcess(unsandboxed), environment);
        var parsed = CommandLine.Parse(args.Skip(1).ToArray());
        try
        {
            return args[0] switch
            {
                "exec" => await ExecAsync(catalog, command, parsed, output, error, cancellationToken),
                "suite" => await new SuiteCommand(catalog, command, output).RunAsync(parsed, cancellationToken),
                KernelChild.Verb => await KernelChild.RunAsync(args, catalog, KernelLimits.Default, cancellationToken),
                _ => await UsageErrorAsync(error, $"unknown command '{args[0]}'"),
            };
        }
        catch (CommandLineException e)
        {
            return await UsageErrorAsync(error, e.Message);
        }
    }

    private static async Task<int> ExecAsync(DeviceCatalog catalog, ChildCommand command, CommandLine options, TextWriter output, TextWriter error,
        CancellationToken cancellationToken)
    {
        options.AllowOnly("--device", "--out");
        var specFile = options.SinglePositional("SPEC.json");
        string specJson;
        try
        {
            specJson = await File.ReadAllTextAsync(specFile, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"cannot read {specFile}: {e.Message}");
            return NoResult;
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = await ExecuteAsync(catalog, command, specJson, options.Value("--device"), cancellationToken,
            report => error.WriteLine($"{report}; the job took {clock.Elapsed.TotalMilliseconds:0} ms"));
        var text = JsonSerializer.Serialize(result, Json);
        if (options.Value("--out") is { } outFile)
            await File.WriteAllTextAsync(outFile, text, cancellationToken);
        await output.WriteLineAsync(text);
        return Ok;
    }

    /// <summary>
    /// One spec on the named device, or the first that accepts its language; a verdict in every case. The spec is parsed
    /// and validated once here; the isolated child parses the text once in its own process.
    /// </summary>
    /// <param name="log">Told how a custom op's reference was found (cache or computed, and how long it took).</param>
    internal static async Task<KernelResult> ExecuteAsync(DeviceCatalog catalog, ChildCommand command, string specJson, string? deviceId,
        CancellationToken cancellationToken, Action<string>? log = null, IProgress<JobProgress>? progress = null)
    {
        var validation = KernelSpecJson.Parse(specJson);
        if (validation.Spec is not { } spec)
            return new KernelResult(KernelStatus.InvalidSpec, validation.Message);
        var device = deviceId is null ? catalog.FirstAccepting(spec.Language) : catalog.Find(deviceId);
        if (device is null)
        {
            var known = string.Join(", ", catalog.Devices.Select(d => d.Id));
            return new KernelResult(KernelStatus.Unsupported, deviceId is null
                ? $"no device on this host accepts {spec.Language.Name()} kernels (devices: {(known.Length > 0 ? known : "none")})"
                : $"there is no device {deviceId} on this host (devices: {(known.Length > 0 ? known : "none")})");
        }
        if (!device.Accepts(spec.Language))
            return new KernelResult(KernelStatus.Unsupported,
                $"{device.Name} ({device.Id}) accepts {string.Join(", ", device.LanguageNames)}, not {spec.Language.Name()}", Device: device.ToDeviceInfo());
        var runner = new IsolatedKernelRunner(command);
        var result = await runner.RunAsync(specJson, spec, device, cancellationToken, progress);
        if (runner.ReferenceReport is { } report)
            log?.Invoke(report);
        return result;
    }

    private static ChildCommand ThisProcess(bool unsandboxed)
    {
        var command = ChildCommand.ThisProcess(Path.Combine(AppContext.BaseDirectory, "Portal.Agent.dll"));
        return unsandboxed ? command with { Sandbox = null } : command;
    }

    /// <summary>exec, suite and run keep custom-op references between jobs; the child never needs the cache.</summary>
    private static ChildCommand WithReferenceCache(ChildCommand command, Func<string, string?> environment) =>
        command with
        {
            ReferenceCache = ReferenceCache.FromEnvironment(environment),
            ReferenceIcdVendors = environment("PORTAL_REFERENCE_OCL_ICD_VENDORS") is { Length: > 0 } vendors ? vendors : null,
        };

    private static async Task<int> UsageErrorAsync(TextWriter error, string message)
    {
        await error.WriteLineAsync($"error: {message}");
        await error.WriteLineAsync(UsageText);
        return Usage;
    }
}
