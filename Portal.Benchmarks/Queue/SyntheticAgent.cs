using Portal.Contracts.Queue;
using Portal.Kernels.Results;

namespace Portal.Benchmarks.Queue;

/// <summary>
/// An agent that speaks the protocol (through the client Portal.Agent uses) but never runs a kernel: it reports one fake
/// OpenCL device, leases, and at once reports every job passed. What it measures is therefore the queue alone: HTTP,
/// authentication and the SQL.
/// </summary>
public sealed class SyntheticAgent(AgentQueueClient client, RegisteredAgent registered)
{
    public const string DeviceLocalId = "bench:0";

    private static readonly DeviceReport Device = new(DeviceLocalId, "Bench Device", "Portal.Benchmarks", "opencl", "OpenCL 3.0 (synthetic)",
        "0", ["opencl-c"], 1L << 30, 1);

    private static readonly KernelResult Passed = new(KernelStatus.Passed, "bench");
    private static readonly LeaseRequest[] Requests = [.. Enumerable.Range(0, AgentProtocol.MaxWaitSeconds + 1).Select(w => new LeaseRequest([DeviceLocalId], w))];

    public RegisteredAgent Registered { get; } = registered;

    /// <summary>The portal's id of the device, as runs name it: "device:&lt;id&gt;". Known after <see cref="ReportDeviceAsync"/>.</summary>
    public Guid DeviceId { get; private set; }

    /// <summary>Registration is the one agent call made with the registration token rather than an agent token.</summary>
    public static Task<RegisteredAgent> RegisterAsync(AgentQueueClient withRegistrationToken, string name, CancellationToken cancellationToken) =>
        withRegistrationToken.RegisterAsync(new AgentRegistration(name, "bench.invalid", "bench", "bench"), cancellationToken);

    public async Task ReportDeviceAsync(CancellationToken cancellationToken)
    {
        var reported = await client.ReportDevicesAsync(new DevicesReport([Device], "bench.invalid", "bench", "bench"), cancellationToken);
        DeviceId = reported.Single(d => d.Id == DeviceLocalId).DeviceId;
    }

    /// <summary>A job, or null when none came within <paramref name="waitSeconds"/> (204).</summary>
    public Task<JobLease?> LeaseAsync(int waitSeconds, CancellationToken cancellationToken) =>
        client.LeaseAsync(Requests[waitSeconds], cancellationToken);

    /// <summary>Reports the job passed; with <paramref name="askNext"/> the answer also brings the next job, as Portal.Agent asks for it.</summary>
    public async Task<JobLease?> CompleteAsync(JobLease lease, bool askNext, CancellationToken cancellationToken) =>
        (await client.CompleteAsync(lease.JobId, new JobCompletion(lease.LeaseId, Passed, askNext ? Requests[0] : null), cancellationToken)).Next;
}
