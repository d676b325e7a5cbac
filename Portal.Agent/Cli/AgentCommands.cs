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
        // The isolated child is this program started again by the agent, never by a person: no grammar, no help.
        if (args.Length > 0 && args[0] == KernelChild.Verb)
        {
            args = [.. args.Where(a => a != KernelSandbox.OptOutFlag)];
            var childDevice = args.SkipWhile(a => a != "--device").Skip(1).FirstOrDefault();
            var childCatalog = childDevice is null
                ? await HostBackends.DiscoverAsync(cancellationToken)
                : await HostBackends.DiscoverForAsync(childDevice, cancellationToken);
            return await KernelChild.RunAsync(args, childCatalog, KernelLimits.Default, cancellationToken);
        }

        var unsandboxed = false;
        ChildCommand Self() => WithReferenceCache(ThisProcess(unsandboxed), environment);
        async Task<DeviceCatalog> Discover(CancellationToken token) => await HostBackends.DiscoverAsync(token);
        var actions = new Dictionary<string, Func<CommandLine, CancellationToken, Task<int>>>
        {
            // submit talks to the portal only: no device discovery (which may start Python to probe Triton).
            ["submit"] = (line, token) => new SubmitCommand(output, error, environment, time).RunAsync(line, token),
            // run has its devices listed by a child (ChildDiscovery), once it handles the stop signals.
            ["run"] = (line, token) =>
            {
                var self = Self();
                return RunCommand.RunAsync(line, (timeout, t) => ChildDiscovery.DiscoverAsync(self, timeout, t), self, output, error, environment, time, token);
            },
            // devices says when discovery failed or ran out of time, rather than listing nothing.
            ["devices"] = (line, token) => DevicesCommand.RunAsync(line, output, error, environment, token),
            ["exec"] = async (line, token) => line.Flag("--offline")
                ? await ExecOfflineAsync(await Discover(token), Self(), line, output, error, environment, time, token)
                : await ExecAsync(await Discover(token), Self(), line, output, error, token),
            ["install-service"] = (line, token) => InstallServiceCommand.RunAsync(line, output, environment, token),
            ["verify"] = (line, token) => VerifyCommand.RunAsync(line, output, error, token),
            ["suite"] = async (line, token) => line.Flag("--offline")
                ? await Offline.OfflineCommands.RunOfflineAsync(
                    await Offline.OfflineCommands.SuiteSpecsAsync(line.Value("--specs"), line.Value("--language"), token), await Discover(token), Self(),
                    line, output, error, environment, time, token)
                : await new SuiteCommand(await Discover(token), Self(), output).RunAsync(line, token),
            ["enroll"] = (line, token) => Offline.OfflineCommands.EnrollAsync(line, output, error, environment, time, token),
            ["fetch-suite"] = (line, token) => Offline.OfflineCommands.FetchSuiteAsync(line, error, environment, token),
        };
        var root = AgentCli.Build(actions);
        var parse = root.Parse(args);
        // No handling of SIGINT/SIGTERM by System.CommandLine: run handles them itself (drain, then hand jobs back).
        var invocation = new System.CommandLine.InvocationConfiguration
        {
            Output = output, Error = error, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null,
        };
        if (args.Length == 0)
        {
            await parse.RootCommandResult.Command.Parse("--help").InvokeAsync(invocation, cancellationToken);
            return Usage;
        }
        if (parse.Errors.Count > 0 && !AgentCli.IsHelp(parse))
            return await UsageErrorAsync(error, parse.Errors[0].Message, parse.CommandResult.Command);
        unsandboxed = parse.GetValue(AgentCli.Unsandboxed);
        if (unsandboxed && parse.CommandResult.Command.Name is "exec" or "suite" or "run")
            await error.WriteLineAsync(UnsandboxedWarning);
        try
        {
            return await parse.InvokeAsync(invocation, cancellationToken);
        }
        catch (CommandLineException e)
        {
            return await UsageErrorAsync(error, e.Message, parse.CommandResult.Command);
        }
    }

    private static async Task<int> ExecAsync(DeviceCatalog catalog, ChildCommand command, CommandLine options, TextWriter output, TextWriter error,
        CancellationToken cancellationToken)
    {
        if (await ReadSpecAsync(options, error, cancellationToken) is not { Json: var specJson })
            return NoResult;

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = await ExecuteAsync(catalog, command, specJson, options.Value("--device"), cancellationToken,
            report => error.WriteLine($"{report}; the job took {clock.Elapsed.TotalMilliseconds:0} ms"));
        var text = JsonSerializer.Serialize(result, Json);
        if (options.Value("--out") is { } outFile)
            await File.WriteAllTextAsync(outFile, text, cancellationToken);
        await output.WriteLineAsync(text);
        return Ok;
    }

    /// <summary>The spec file named on the line and its text; null (and the reason on stderr) when it cannot be read.</summary>
    private static async Task<(string File, string Json)?> ReadSpecAsync(CommandLine options, TextWriter error, CancellationToken cancellationToken)
    {
        var specFile = options.SinglePositional("SPEC.json");
        try
        {
            return (specFile, await File.ReadAllTextAsync(specFile, cancellationToken));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"cannot read {specFile}: {e.Message}");
            return null;
        }
    }

    private static async Task<int> ExecOfflineAsync(DeviceCatalog catalog, ChildCommand command, CommandLine options, TextWriter output,
        TextWriter error, Func<string, string?> environment, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await ReadSpecAsync(options, error, cancellationToken) is not { File: var specFile, Json: var specJson })
            return NoResult;
        var language = System.Text.Json.Nodes.JsonNode.Parse(specJson)?["language"]?.ToString() ?? "";
        return await Offline.OfflineCommands.RunOfflineAsync([(Path.GetFileNameWithoutExtension(specFile), null, language, specJson)], catalog, command,
            options, output, error, environment, time, cancellationToken);
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

    private static async Task<int> UsageErrorAsync(TextWriter error, string message, System.CommandLine.Command command)
    {
        await error.WriteLineAsync($"error: {message}");
        await error.WriteLineAsync(command.Name == AgentCli.ProgramName
            ? "see 'Portal.Agent --help'"
            : $"see 'Portal.Agent {command.Name} --help'");
        return Usage;
    }
}
