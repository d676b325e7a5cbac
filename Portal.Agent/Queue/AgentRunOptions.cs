namespace Portal.Agent.Queue;

/// <summary>How <c>Portal.Agent run</c> was asked to serve the queue.</summary>
/// <param name="AgentToken">An agent token given outright (no state file is read or written).</param>
/// <param name="Devices">The host-local ids of the devices to serve; null: every device found.</param>
/// <param name="LeaseLength">
/// The longest lease the agent assumes when it paces its extensions (a third of it at most between two);
/// null: the lease the portal grants. A short one makes a cancelled job stop sooner, at the price of more calls.
/// </param>
/// <param name="DrainGrace">After SIGTERM, how long running jobs may take to finish before they are stopped and handed back.</param>
public sealed record AgentRunOptions(
    Uri Portal,
    string? RegistrationToken,
    string? AgentToken,
    string StatePath,
    string Name,
    IReadOnlyList<string>? Devices,
    TimeSpan? LeaseLength,
    TimeSpan DrainGrace)
{
    public static readonly TimeSpan DefaultDrainGrace = TimeSpan.FromSeconds(60);

    /// <summary>How long listing the host's devices may take before it counts as failed (and is tried again).</summary>
    /// <summary>The private key results are signed with (base64; from the state file), or null to send them unsigned.</summary>
    public string? SigningKey { get; init; }

    public TimeSpan DiscoveryTimeout { get; init; } = Cli.DevicesCommand.DefaultTimeout;

    /// <summary>How often the agent tells the portal it is alive.</summary>
    public TimeSpan HeartbeatEvery { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The longest pause between two failed calls (the pause doubles from one second up to this).</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a finished job's result is offered to a portal that does not answer before the agent gives up on it.</summary>
    public TimeSpan CompletionPatience { get; init; } = TimeSpan.FromMinutes(10);

    // Records print every member; the tokens must never reach a log.
    public override string ToString() => $"agent {Name} for {Portal}";
}
