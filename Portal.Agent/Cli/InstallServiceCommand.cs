namespace Portal.Agent.Cli;

/// <summary>
/// <c>install-service --portal URL --registration-token cpr_… [--unit-file FILE] [--env-file FILE] [--user USER]</c>: writes a
/// systemd unit that runs this agent (<c>run</c>) at boot, with the token in an environment file only root reads (a unit file
/// is readable by everyone). SIGTERM drains, as <c>run</c> does; systemd waits the drain grace before it kills.
/// </summary>
internal static class InstallServiceCommand
{
    public const string DefaultUnitFile = "/etc/systemd/system/portal-agent.service";
    public const string DefaultEnvFile = "/etc/portal-agent/agent.env";

    public static string Unit(string execStart, string envFile, string? user) => $"""
        [Unit]
        Description=Consortium Portal agent (kernel compatibility tests on this host's accelerators)
        Wants=network-online.target
        After=network-online.target

        [Service]
        Type=simple
        EnvironmentFile={envFile}
        Environment=PORTAL_AGENT_STATE=/var/lib/portal-agent/agent.json
        StateDirectory=portal-agent
        StateDirectoryMode=0700
        ExecStart={execStart} run
        {(user is null ? "DynamicUser=yes" : $"User={user}")}
        Restart=on-failure
        RestartSec=10
        KillSignal=SIGTERM
        TimeoutStopSec=90

        [Install]
        WantedBy=multi-user.target

        """;

    public static async Task<int> RunAsync(CommandLine line, TextWriter output, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        var portal = PortalAddress.Parse(line.Value("--portal") ?? environment("PORTAL_URL"));
        var token = line.Value("--registration-token") ?? environment("PORTAL_REGISTRATION_TOKEN");
        if (string.IsNullOrWhiteSpace(token) || !token.StartsWith(Portal.Contracts.AgentProtocol.RegistrationTokenPrefix, StringComparison.Ordinal))
            throw new CommandLineException("--registration-token (or PORTAL_REGISTRATION_TOKEN) takes a registration token (cpr_…) from the agents page");
        var unitFile = line.Value("--unit-file") ?? DefaultUnitFile;
        var envFile = line.Value("--env-file") ?? DefaultEnvFile;
        var self = Environment.ProcessPath ?? "Portal.Agent";
        // Run from a build (dotnet Portal.Agent.dll) rather than the single file: start it the same way.
        var execStart = Path.GetFileNameWithoutExtension(self) == "dotnet"
            ? $"{self} {Path.Combine(AppContext.BaseDirectory, "Portal.Agent.dll")}"
            : self;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(envFile))!);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        await using (var env = new StreamWriter(new FileStream(envFile, options)))
            await env.WriteAsync($"PORTAL_URL={portal.AbsoluteUri.TrimEnd('/')}\nPORTAL_REGISTRATION_TOKEN={token.Trim()}\n");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(unitFile))!);
        await File.WriteAllTextAsync(unitFile, Unit(execStart, Path.GetFullPath(envFile), line.Value("--user")), cancellationToken);
        await output.WriteLineAsync($"wrote {unitFile} and {envFile} (mode 600); start it with: systemctl daemon-reload && systemctl enable --now portal-agent");
        return AgentCommands.Ok;
    }
}
