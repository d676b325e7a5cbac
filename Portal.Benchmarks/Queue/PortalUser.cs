using System.Net;
using System.Text.Json;
using Portal.Kernels.Spec;

namespace Portal.Benchmarks.Queue;

/// <summary>The few answers of the user API the benchmark reads; other fields are ignored.</summary>
public sealed record CreatedEntity(Guid Id);

public sealed record CreatedRegistrationToken(string Token);

public sealed record CreatedRun(Guid Id, IReadOnlyList<CreatedEntity> Jobs);

/// <summary>The consortium admin behind the benchmark: makes the organisation, the registration token, the test and the runs.</summary>
public sealed class PortalUser(HttpClient client)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

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
        (await PortalHttp.SendAsync<object, CreatedEntity>(client, HttpMethod.Post, "/api/v1/organizations",
            new { name, kind = "datacenter_operator", country = "KR", description = "Synthetic agents of the queue benchmark" },
            HttpStatusCode.Created, Json, cancellationToken)).Id;

    public async Task<string> CreateRegistrationTokenAsync(Guid organizationId, CancellationToken cancellationToken) =>
        (await PortalHttp.SendAsync<object, CreatedRegistrationToken>(client, HttpMethod.Post, "/api/v1/agent-registration-tokens",
            new { organizationId, name = "queue benchmark", expiresInDays = 1 }, HttpStatusCode.Created, Json, cancellationToken)).Token;

    public async Task<Guid> CreateTestAsync(Guid organizationId, string name, CancellationToken cancellationToken) =>
        (await PortalHttp.SendAsync<object, CreatedEntity>(client, HttpMethod.Post, "/api/v1/tests",
            new
            {
                name,
                description = "Queued by the queue benchmark; synthetic agents report it passed without running it.",
                visibility = "consortium",
                tags = new[] { "benchmark" },
                spec = VectorAddSpec,
                organizationId,
            },
            HttpStatusCode.Created, Json, cancellationToken)).Id;

    /// <summary>One job per target: "device:&lt;id&gt;" or "sku:&lt;id&gt;".</summary>
    public Task<CreatedRun> SubmitRunAsync(Guid testId, IReadOnlyList<string> targets, CancellationToken cancellationToken) =>
        PortalHttp.SendAsync<object, CreatedRun>(client, HttpMethod.Post, $"/api/v1/tests/{testId}/runs", new { targets },
            HttpStatusCode.Created, Json, cancellationToken);

    /// <summary>Registration is the one agent call made with the registration token rather than an agent token.</summary>
    public static Task<RegisteredAgent> RegisterAgentAsync(HttpClient withRegistrationToken, string name, CancellationToken cancellationToken) =>
        PortalHttp.SendAsync<AgentRegistration, RegisteredAgent>(withRegistrationToken, HttpMethod.Post, "/api/v1/agents/register",
            new AgentRegistration(name, "bench.invalid", "bench", "bench"), HttpStatusCode.Created, AgentProtocol.Json, cancellationToken);

    private static JsonElement ParseValidSpec(string json)
    {
        var validation = KernelSpecJson.Parse(json);
        if (!validation.IsValid)
            throw new InvalidOperationException($"The benchmark's own spec is invalid: {validation.Message}");
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
