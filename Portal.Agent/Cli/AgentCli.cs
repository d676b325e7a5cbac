using System.CommandLine;
using System.CommandLine.Help;
using Portal.Kernels.Isolation;

namespace Portal.Agent.Cli;

/// <summary>
/// The agent's grammar, once: every command and option with its help (System.CommandLine). Each command's action turns
/// the parse into a <see cref="CommandLine"/> and hands it to the command's own class, which checks what the grammar
/// cannot. Grammar errors (an unknown option, an option without its value) are usage errors that name the option.
/// </summary>
internal static class AgentCli
{
    public const string PositionalName = "arguments";

    public const string Notes = """
        Custom ops' references (computed on this host's CPU OpenCL device with fp64) are cached in PORTAL_REFERENCE_CACHE
        (default $XDG_STATE_HOME/portal-agent/references), at most PORTAL_REFERENCE_CACHE_MB (default 1024) MiB;
        PORTAL_REFERENCE_OCL_ICD_VENDORS names the OpenCL ICD folder the reference's device is looked for in.
        Every kernel is compiled and run in a bubblewrap sandbox (no network, no view of this host's files beyond the
        system and the drivers, nothing of the agent's state); without bubblewrap, jobs are refused.
        Exit codes: 0 a result was produced (submit: every job passed), 1 it could not be, 2 bad usage, 3 (submit) a job did not pass.
        """;

    public static Option<bool> Flag(string name, string description) => new(name) { Description = description };

    /// <summary>An option with a value; given twice, the last one counts (<see cref="CommandLine.Value"/>), unless the command reads them all.</summary>
    public static Option<string[]> Valued(string name, string valueName, string description) =>
        new(name) { Description = description, HelpName = valueName, AllowMultipleArgumentsPerToken = false };

    /// <summary>A command's one file argument. A token that looks like an option is never taken for it: an unknown
    /// option is named as one, not read as a file.</summary>
    public static Argument<string?> Positional(string helpName, string description)
    {
        var argument = new Argument<string?>(PositionalName) { Description = description, HelpName = helpName, Arity = ArgumentArity.ZeroOrOne };
        argument.Validators.Add(result =>
        {
            foreach (var token in result.Tokens.Where(t => t.Value.StartsWith('-') && t.Value.Length > 1))
                result.AddError($"Unrecognized command or argument '{token.Value}'.");
        });
        return argument;
    }

    // Options several commands share, each described once.
    private static Option<string[]> PortalUrl() => Valued("--portal", "URL", "the portal's address (environment PORTAL_URL)");

    private static Option<string[]> PersonalToken() =>
        Valued("--token", "cpt_…", "a personal API token from your account page (environment PORTAL_TOKEN)");

    private static Option<string[]> OfflineState() =>
        Valued("--state", "FILE", "with --offline: the offline agent's key (default: offline-agent.json beside the agent's state)");

    private static Option<string[]> DiscoveryTimeout(string what) =>
        Valued(DevicesCommand.TimeoutOption, "SECONDS", $"give {what} this long (default 600 s; environment {DevicesCommand.TimeoutVariable})");

    public static readonly Option<bool> Unsandboxed = new(KernelSandbox.OptOutFlag)
    {
        Description = "with exec, suite or run: run kernels WITHOUT the sandbox; only where every kernel is trusted",
        Recursive = true,
    };

    /// <summary>The program's name in help and errors, whatever the executable file is called.</summary>
    public const string ProgramName = "Portal.Agent";

    /// <param name="actions">What each command does with its parsed line; commands absent here are not offered.</param>
    public static Command Build(IReadOnlyDictionary<string, Func<CommandLine, CancellationToken, Task<int>>> actions)
    {
        // Not a RootCommand: that names itself after the executable file without its extension, which for the single-file
        // agent ("Portal.Agent", no extension) is "Portal". The help and version options it would add are added here.
        var root = new Command(ProgramName,
            "Portal.Agent: runs kernel compatibility tests on this host's accelerators, for the consortium portal or offline.\n" + Notes)
        {
            new HelpOption(),
            new VersionOption(),
        };
        root.Options.Add(Unsandboxed);
        foreach (var command in Commands())
        {
            if (!actions.TryGetValue(command.Name, out var action))
                continue;
            command.SetAction((parse, token) => action(new CommandLine(parse), token));
            root.Subcommands.Add(command);
        }
        return root;
    }

    /// <summary>One command's parsed line, for tests and for the commands that read another's options.</summary>
    public static CommandLine Parse(string command, params string[] args)
    {
        var root = Build(Commands().ToDictionary(c => c.Name, _ => (Func<CommandLine, CancellationToken, Task<int>>)((_, _) => Task.FromResult(0))));
        var parse = root.Parse([command, .. args]);
        if (parse.Errors.Count > 0)
            throw new CommandLineException(parse.Errors[0].Message);
        return new CommandLine(parse);
    }

    public static bool IsHelp(ParseResult parse) => parse.Action is HelpAction;

    private static IEnumerable<Command> Commands()
    {
        yield return new Command("devices", "list the devices of this host and the languages they accept; exit 1 when discovery fails or " +
                                            "takes longer than the timeout")
        {
            Flag("--json", "print the devices as JSON (nothing at all when discovery failed)"),
            DiscoveryTimeout("discovery"),
        };
        yield return new Command("exec", "run one kernel job spec and print its result (DESIGN.md contract); exit 0 whatever the verdict")
        {
            Positional("SPEC.json", "the kernel job spec"),
            Valued("--device", "ID", "the device to run on (default: the first that accepts the spec's language)"),
            Valued("--out", "FILE", "also write the result to FILE (with --offline: the signed bundle)"),
            Flag("--offline", "run with no portal and write a signed bundle to --out, to upload later (needs 'enroll' first)"),
            OfflineState(),
        };
        yield return new Command("suite", "run the built-in conformance suite on this host and print the verdicts")
        {
            Valued("--device", "ID", "run every kernel on this device (default: per language, the first device that accepts it)"),
            Valued("--language", "L", "only the kernels in this language (opencl-c, cuda-c, triton)"),
            Flag("--controls", "run the known-wrong control kernels instead, each of which must fail"),
            Flag("--json", "print the verdicts as JSON"),
            Flag("--offline", "run with no portal and write every result, signed, to the bundle --out (needs 'enroll' first)"),
            Valued("--out", "FILE", "with --offline: where to write the signed bundle (e.g. results.bundle)"),
            Valued("--specs", "FILE", "with --offline: the suite 'fetch-suite' downloaded (default: the suite built into this agent)"),
            OfflineState(),
        };
        yield return new Command("run", "serve the portal's job queue with this host's devices until SIGTERM/SIGINT; registers on first start " +
                                        "and keeps its token in the state file")
        {
            PortalUrl(),
            Valued("--registration-token", "cpr_…", "a registration token from the agents page, for the first start (environment PORTAL_REGISTRATION_TOKEN)"),
            Valued("--token", "cpa_…", "an agent token, instead of the saved state (environment PORTAL_AGENT_TOKEN)"),
            Valued("--state", "FILE", "where the agent keeps its token and key (default $XDG_STATE_HOME/portal-agent/agent.json; environment PORTAL_AGENT_STATE)"),
            Valued("--name", "NAME", "the agent's name at registration (default: the host name)"),
            Valued("--devices", "ID,ID", "serve only these devices (default: all of them)"),
            Valued("--lease-seconds", "N", "ask for leases of N seconds (3 to 3600; default: the portal's)"),
            Valued("--drain-seconds", "N", "on SIGTERM, give running jobs N seconds to finish before handing them back (default 60)"),
            DiscoveryTimeout("each device discovery"),
        };
        yield return new Command("submit", "run a kernel on the portal's devices as a test; --wait follows the jobs and prints the results " +
                                           "(exit 0 all passed, 3 one did not)")
        {
            Positional("SPEC.json", "the kernel job spec (or --test ID)"),
            PortalUrl(),
            PersonalToken(),
            Valued("--test", "ID", "run an existing test instead of a new spec"),
            Valued("--name", "N", "the new test's name (default: the spec file's name)"),
            Valued("--visibility", "private|consortium", "who may see the new test (default private)"),
            Valued("--organization", "ID", "the organisation that owns the new test, for users in several or none"),
            Valued("--target", "sku:ID|device:ID", "where to run (repeatable; default: every device that accepts the language)"),
            Flag("--wait", "follow the jobs until each is final and print the results"),
            Flag("--json", "print the results as JSON (progress goes to stderr)"),
        };
        yield return new Command("enroll", "make this air-gapped host's agent key (no network call) and print the one-time code an " +
                                           "admin enters on the portal's agents page")
        {
            Valued("--name", "NAME", "the agent's name (default: the host name)"),
            Valued("--state", "FILE", "where to keep the key (default: offline-agent.json beside the agent's state)"),
            Valued("--key-file", "FILE", "also write the code to FILE, to carry to the portal on media"),
        };
        yield return new Command("fetch-suite", "on a connected host: download the portal's conformance suite specs to a file, for " +
                                                "'suite --offline --specs FILE' on an air-gapped one")
        {
            PortalUrl(),
            PersonalToken(),
            Valued("--out", "FILE", "where to write the suite"),
            Valued("--language", "L", "only the tests in this language"),
        };
        yield return new Command("install-service", "write a systemd unit that runs this agent at boot (token in a root-only environment file)")
        {
            PortalUrl(),
            Valued("--registration-token", "cpr_…", "a registration token from the agents page (environment PORTAL_REGISTRATION_TOKEN)"),
            Valued("--unit-file", "FILE", $"where to write the unit (default {InstallServiceCommand.DefaultUnitFile})"),
            Valued("--env-file", "FILE", $"where to write the portal and token (default {InstallServiceCommand.DefaultEnvFile})"),
            Valued("--user", "USER", "run as this user (default: a dynamic user systemd makes)"),
        };
        yield return new Command("verify", "check the signature of a signed result (the portal's /api/v1/jobs/{id}/signed-result) or of " +
                                           "an offline bundle; exit 0 it holds, 1 it does not")
        {
            Positional("FILE", "the signed result or bundle"),
            Valued("--public-key", "KEY", "the agent's public key as the portal's agents page shows it (default: the key the file names)"),
        };
    }
}
