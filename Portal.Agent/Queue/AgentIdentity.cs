using Portal.Contracts.Queue;
using Portal.Kernels;

namespace Portal.Agent.Queue;

/// <summary>
/// Who the agent is to the portal: the agent token given on the command line, else the one saved in the state file
/// by an earlier start, else a new registration with the registration token (saved at once, so the next start is the
/// same agent). A portal that cannot be reached yet (the agent started first) is waited for.
/// </summary>
public sealed class AgentIdentity(HttpClient http, AgentRunOptions options, AgentShutdown shutdown, AgentLog log, TimeProvider time)
{
    public static string AgentVersion => typeof(AgentIdentity).Assembly
        .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
        .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion.Split('+')[0] ?? "unknown";

    /// <summary>The agent's private signing key (base64) once resolved; null for an agent registered before signing or given --token.</summary>
    public string? SigningKey { get; private set; }

    /// <summary>The agent token to use, or null when the agent was stopped (or failed, see <see cref="AgentShutdown.Failure"/>) first.</summary>
    /// <param name="saved">What <see cref="AgentState.LoadAsync"/> found, read by the caller so a bad file is a start-up error.</param>
    public async Task<string?> ResolveAsync(AgentState? saved, CancellationToken cancellationToken)
    {
        if (options.AgentToken is { } given)
            return given;
        if (saved is not null && saved.IsFor(options.Portal))
        {
            log.Write($"agent {saved.Name} ({saved.AgentId}) of {saved.OrganizationName}, from {options.StatePath}" +
                      (saved.SigningKey is null ? "; registered before signing: its results go unsigned (register anew to sign them)" : ""));
            SigningKey = saved.SigningKey;
            return saved.Token;
        }
        var registrationToken = options.RegistrationToken
            ?? throw new InvalidOperationException("Neither an agent token nor a registration token; the command line checks this.");
        if (!CanSave(out var problem))
        {
            shutdown.Fail(problem);
            return null;
        }
        var client = new AgentQueueClient(new PortalConnection(http, registrationToken, time));
        using var key = Portal.Contracts.Signing.AgentKey.Create();
        var registration = new AgentRegistration(options.Name, Environment.MachineName, AgentVersion, KernelEngine.Version, key.PublicKey);
        var backoff = new Backoff(options.MaxBackoff);
        while (true)
        {
            try
            {
                var agent = await client.RegisterAsync(registration, shutdown.Stopping);
                var state = new AgentState(options.Portal.AbsoluteUri, agent.AgentId, agent.OrganizationId, agent.OrganizationName, options.Name,
                    agent.Token, time.GetUtcNow(), key.PrivateKey);
                try
                {
                    await state.SaveAsync(options.StatePath, cancellationToken);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    shutdown.Fail($"registered as agent {agent.AgentId} but could not save its token in {options.StatePath} ({e.Message}); " +
                                  "fix the path and start again (an admin can revoke the unused agent)");
                    return null;
                }
                log.Write($"registered as agent {options.Name} ({agent.AgentId}) of {agent.OrganizationName}; token and signing key " +
                          $"(public key {Portal.Contracts.Signing.AgentKey.Fingerprint(key.PublicKey)}) saved in {options.StatePath}");
                if (AgentVersions.Outdated(AgentVersion, agent.PortalAgentVersion) is { } outdated)
                    log.Write(outdated);
                SigningKey = key.PrivateKey;
                return agent.Token;
            }
            catch (OperationCanceledException) when (shutdown.Stopping.IsCancellationRequested)
            {
                return null;
            }
            catch (Exception e) when (PortalConnection.IsTransient(e))
            {
                var wait = backoff.Next(PortalConnection.RetryAfter(e));
                log.Write($"could not register ({PortalConnection.Describe(e)}); trying again in {wait.TotalSeconds:0} s");
                if (!await Backoff.WaitAsync(wait, time, shutdown.Stopping))
                    return null;
            }
            catch (Exception e) when (PortalConnection.IsPortalFailure(e))
            {
                shutdown.Fail($"the portal refused to register this agent ({PortalConnection.Describe(e)}); " + (e is PortalProblemException
                    { Status: 401 or 403 }
                    ? "ask your organisation's admin for a new registration token"
                    : $"is {options.Portal} the portal's address?"));
                return null;
            }
        }
    }

    /// <summary>Whether the state file's folder exists or can be made: checked before registering, so a token is not minted to be lost.</summary>
    private bool CanSave(out string problem)
    {
        problem = "";
        try
        {
            AgentState.PrepareFolder(options.StatePath);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"cannot keep the agent's state in {options.StatePath} ({e.Message}); choose another path with --state";
            return false;
        }
    }
}
