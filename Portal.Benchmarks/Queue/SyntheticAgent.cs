using System.Net;
using System.Net.Http.Json;
using Portal.Kernels.Results;

namespace Portal.Benchmarks.Queue;

/// <summary>
/// An agent that speaks the protocol but never runs a kernel: it reports one fake OpenCL device, leases, and at once
/// reports every job passed. What it measures is therefore the queue alone: HTTP, authentication and the SQL.
/// </summary>
public sealed class SyntheticAgent(HttpClient client, RegisteredAgent registered)
{
    public const string DeviceLocalId = "bench:0";

    private static readonly DeviceReport Device = new(DeviceLocalId, "Bench Device", "Portal.Benchmarks", "opencl", "OpenCL 3.0 (synthetic)",
        "0", ["opencl-c"], 1L << 30, 1);

    private static readonly KernelResult Passed = new(KernelStatus.Passed, "bench");
    private static readonly LeaseRequest[] Requests = [.. Enumerable.Range(0, AgentProtocol.MaxWaitSeconds + 1).Select(w => new LeaseRequest([DeviceLocalId], w))];

    public RegisteredAgent Registered { get; } = registered;

    /// <summary>The portal's id of the device, as runs name it: "device:&lt;id&gt;". Known after <see cref="ReportDeviceAsync"/>.</summary>
    public Guid DeviceId { get; private set; }

    public async Task ReportDeviceAsync(CancellationToken cancellationToken)
    {
        var reported = await PortalHttp.SendAsync<DevicesReport, List<ReportedDevice>>(client, HttpMethod.Put, "/api/v1/agent/devices",
            new DevicesReport([Device], "bench.invalid", "bench", "bench"), HttpStatusCode.OK, AgentProtocol.Json, cancellationToken);
        DeviceId = reported.Single(d => d.Id == DeviceLocalId).DeviceId;
    }

    /// <summary>A job, or null when none came within <paramref name="waitSeconds"/> (204).</summary>
    public async Task<JobLease?> LeaseAsync(int waitSeconds, CancellationToken cancellationToken)
    {
        const string path = "/api/v1/agent/lease";
        using var response = await PortalHttp.SendAsync(client, HttpMethod.Post, path, Requests[waitSeconds], AgentProtocol.Json, cancellationToken);
        return response.StatusCode switch
        {
            HttpStatusCode.NoContent => null,
            HttpStatusCode.OK => await response.Content.ReadFromJsonAsync<JobLease>(AgentProtocol.Json, cancellationToken),
            _ => throw await PortalHttp.RefusedAsync(response, HttpMethod.Post, path, cancellationToken),
        };
    }

    /// <summary>Reports the job passed; with <paramref name="askNext"/> the answer also brings the next job, as Portal.Agent asks for it.</summary>
    public async Task<JobLease?> CompleteAsync(JobLease lease, bool askNext, CancellationToken cancellationToken)
    {
        var path = $"/api/v1/agent/jobs/{lease.JobId}/complete";
        using var response = await PortalHttp.SendAsync(client, HttpMethod.Post, path,
            new JobCompletion(lease.LeaseId, Passed, askNext ? Requests[0] : null), AgentProtocol.Json, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
            throw await PortalHttp.RefusedAsync(response, HttpMethod.Post, path, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<JobCompleted>(AgentProtocol.Json, cancellationToken))?.Next;
    }
}
