using System.Net;
using Portal.Data.Skus;
using Portal.Kernels.Results;

namespace Portal.Tests.Infrastructure;

/// <summary>Devices of SKUs of their own, and agents that work off their queue with chosen verdicts, for conformance tests.</summary>
public static class ConformanceFixtures
{
    /// <summary>More than a device's qualification (the whole suite, every language) ever holds.</summary>
    private const int MaxJobs = 200;

    /// <summary>
    /// A SKU whose one device-name pattern is a fresh unique name, and a report of a device with that name: no other
    /// test's device maps to the SKU, so its profile holds only what the test ran.
    /// </summary>
    public static async Task<(Guid SkuId, string SkuName, DeviceReport Device)> AddSkuWithDeviceAsync(this PortalFactory portal, Guid vendorId,
        string localId = "gpu:0", string driver = "1.0", SkuCategory category = SkuCategory.Gpu, params string[] languages)
    {
        var name = $"Accel {Guid.NewGuid():N}"[..18];
        var sku = await portal.AddSkuAsync(vendorId, name, category, s => s.DeviceNamePatterns = [name]);
        return (sku, name, Device(localId, name, driver, languages.Length == 0 ? ["opencl-c"] : languages));
    }

    public static DeviceReport Device(string localId, string name, string driver, IReadOnlyList<string> languages) =>
        new(localId, name, "Test Vendor", "opencl", "OpenCL 3.0", driver, languages, 16L << 30, 8);

    public static KernelResult Verdict(KernelStatus status, double? medianMs = null, double? gbPerSecond = null) =>
        new(status, status.ToString(), Timing: medianMs is { } ms
            ? new TimingResult(new Dictionary<string, double> { ["n"] = 16777216 }, 20, ms, ms, ms, ms, 0, ms, gbPerSecond ?? 0, null)
            : null);

    /// <summary>
    /// Leases and completes every job the queue offers the device, each with the result <paramref name="result"/> gives for
    /// its (kernel, language), over the agent protocol; answers how many it completed. The kernel is the op for an f32 spec
    /// and op.dtype for a dtype variant (<c>softmax.bf16</c>), as the suite names them.
    /// </summary>
    public static async Task<int> CompleteQueuedAsync(this HttpClient agent, string device, Func<string, string, KernelResult> result)
    {
        // Bounded, so that a queue that kept offering work could not keep a test running forever.
        for (var completed = 0; completed <= MaxJobs; completed++)
        {
            var response = await agent.PostJsonAsync("/api/v1/agent/lease", new LeaseRequest([device], 0));
            if (response.StatusCode == HttpStatusCode.NoContent)
                return completed;
            var lease = await Task.FromResult(response).ExpectAsync<JobLease>(HttpStatusCode.OK);
            var op = lease.Spec.GetProperty("op").GetString()!;
            if (lease.Spec.TryGetProperty("dtype", out var dtype) && dtype.GetString() is { } variant and not "f32")
                op += "." + variant;
            var language = lease.Spec.GetProperty("language").GetString()!;
            await agent.PostJsonAsync($"/api/v1/agent/jobs/{lease.JobId}/complete", new JobCompletion(lease.LeaseId, result(op, language)))
                .ExpectAsync(HttpStatusCode.OK);
        }
        throw new InvalidOperationException($"The queue still offered {device} work after {MaxJobs} jobs.");
    }
}
