
namespace Portal.Contracts.Queue;

/// <summary>
/// The agent protocol (DESIGN.md "The job queue"), one method per endpoint. Made with the registration token it can
/// only register; made with the agent token it does everything else.
/// </summary>
public sealed class AgentQueueClient(PortalConnection connection)
{
    public Task<RegisteredAgent> RegisterAsync(AgentRegistration registration, CancellationToken cancellationToken) =>
        Required(connection.SendAsync<RegisteredAgent>(HttpMethod.Post, "api/v1/agents/register", registration, PortalConnection.CallTimeout,
            cancellationToken));

    public async Task<IReadOnlyList<ReportedDevice>> ReportDevicesAsync(DevicesReport report, CancellationToken cancellationToken) =>
        await Required(connection.SendAsync<ReportedDevice[]>(HttpMethod.Put, "api/v1/agent/devices", report, PortalConnection.CallTimeout,
            cancellationToken));

    public Task HeartbeatAsync(AgentHeartbeat heartbeat, CancellationToken cancellationToken) =>
        connection.SendAsync(HttpMethod.Post, "api/v1/agent/heartbeat", heartbeat, cancellationToken);

    /// <summary>Waits up to <see cref="LeaseRequest.WaitSeconds"/> for a job; null when none came.</summary>
    public Task<JobLease?> LeaseAsync(LeaseRequest request, CancellationToken cancellationToken) =>
        // The portal holds the call open for the wait; give the answer time to come back on top of it.
        connection.SendAsync<JobLease>(HttpMethod.Post, "api/v1/agent/lease", request,
            TimeSpan.FromSeconds(request.WaitSeconds ?? 0) + PortalConnection.CallTimeout, cancellationToken);

    public Task<LeaseExtended> ExtendAsync(Guid jobId, LeaseExtension extension, CancellationToken cancellationToken) =>
        Required(connection.SendAsync<LeaseExtended>(HttpMethod.Post, $"api/v1/agent/jobs/{jobId}/extend", extension,
            PortalConnection.CallTimeout, cancellationToken));

    public Task<JobCompleted> CompleteAsync(Guid jobId, JobCompletion completion, CancellationToken cancellationToken) =>
        Required(connection.SendAsync<JobCompleted>(HttpMethod.Post, $"api/v1/agent/jobs/{jobId}/complete", completion,
            PortalConnection.CallTimeout, cancellationToken));

    public Task ReleaseAsync(Guid jobId, LeaseRelease release, CancellationToken cancellationToken) =>
        connection.SendAsync(HttpMethod.Post, $"api/v1/agent/jobs/{jobId}/release", release, cancellationToken);

    private static async Task<T> Required<T>(Task<T?> call) where T : class =>
        await call ?? throw new System.Text.Json.JsonException($"The portal answered without the {typeof(T).Name} this call returns.");
}
