using Portal.Contracts.Queue;
using System.Text.Json;
using Portal.Kernels.Spec;

namespace Portal.Benchmarks.Queue;

/// <summary>The few answers of the user API the benchmark reads; other fields are ignored.</summary>
public sealed record CreatedEntity(Guid Id);

public sealed record CreatedRegistrationToken(string Token);

public sealed record CreatedRun(Guid Id, IReadOnlyList<CreatedEntity> Jobs);

/// <summary>The consortium admin behind the benchmark: makes the organisation, the registration token, the test and the runs.</summary>
public sealed class PortalUser(PortalConnection portal)
{
    /// <summary>
    /// A consortium-wide vector_add in OpenCL C. Synthetic agents never run it; it only has to pass the portal's
    /// validation, so it is checked here first, where a mistake in it reads better than a 400 from the portal.
    /// </summary>
    public static readonly JsonElement VectorAddSpec = ParseValidSpec("""
        {
          "op": "vector_add",
          "language": "opencl-c",
          "entry": "vector_add",
          "source": "__kernel void vector_add(__global const float* x, __global const float* y, __global float* z, const int n) { int i = get_global_id(0); if (i < n) z[i] = x[i] + y[i]; }",
          "args": ["x", "y", "z", "n"],
          "launch": { "global": ["ceil_div(n, 256) * 256"], "local": [256] },
          "cases": [ { "n": 1000 } ]
        }
        """);

    public async Task<Guid> CreateOrganizationAsync(string name, CancellationToken cancellationToken) =>
        (await SendAsync<CreatedEntity>("api/v1/organizations",
            new { name, kind = "datacenter_operator", country = "KR", description = "Synthetic agents of the queue benchmark" },
            cancellationToken)).Id;

    public async Task<string> CreateRegistrationTokenAsync(Guid organizationId, CancellationToken cancellationToken) =>
        (await SendAsync<CreatedRegistrationToken>("api/v1/agent-registration-tokens",
            new { organizationId, name = "queue benchmark", expiresInDays = 1 }, cancellationToken)).Token;

    public async Task<Guid> CreateTestAsync(Guid organizationId, string name, CancellationToken cancellationToken) =>
        (await SendAsync<CreatedEntity>("api/v1/tests",
            new
            {
                name,
                description = "Queued by the queue benchmark; synthetic agents report it passed without running it.",
                visibility = "consortium",
                tags = new[] { "benchmark" },
                spec = VectorAddSpec,
                organizationId,
            },
            cancellationToken)).Id;

    /// <summary>One job per target: "device:&lt;id&gt;" or "sku:&lt;id&gt;".</summary>
    public Task<CreatedRun> SubmitRunAsync(Guid testId, IReadOnlyList<string> targets, CancellationToken cancellationToken) =>
        SendAsync<CreatedRun>($"api/v1/tests/{testId}/runs", new { targets }, cancellationToken);

    /// <summary>A created entity's answer; a refusal stops the benchmark with the portal's problem and a hint at the usual cause.</summary>
    private async Task<T> SendAsync<T>(string path, object body, CancellationToken cancellationToken) where T : class
    {
        try
        {
            return await portal.SendAsync<T>(HttpMethod.Post, path, body, PortalConnection.CallTimeout, cancellationToken)
                ?? throw new BenchmarkException($"POST /{path} answered 204 where it creates something");
        }
        catch (PortalProblemException refused)
        {
            var hint = refused.Status switch
            {
                // Without the tests API, the Blazor routes answer these paths: 404, or 405 for a POST.
                404 or 405 when path.StartsWith("api/v1/tests", StringComparison.Ordinal) =>
                    " (this portal has no tests/runs API: POST /api/v1/tests and /api/v1/tests/{id}/runs are needed for the fill)",
                429 => " (the submission rate limit: start the portal with Portal__Submissions__PermitLimit raised, as scripts/bench-queue.sh does)",
                401 => " (is --token a live API token of a consortium admin?)",
                _ => "",
            };
            throw new BenchmarkException($"POST /{path} refused{hint}: {refused.Problem.Describe()}");
        }
    }

    private static JsonElement ParseValidSpec(string json)
    {
        var validation = KernelSpecJson.Parse(json);
        if (!validation.IsValid)
            throw new InvalidOperationException($"The benchmark's own spec is invalid: {validation.Message}");
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
