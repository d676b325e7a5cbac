using System.Text.Json;
using Portal.Contracts.Queue;

namespace Portal.Agent.Submit;

/// <summary>A run as the portal sent it: read for the command line, and the document itself for --json.</summary>
public sealed record RunDocument(RunSnapshot Run, JsonElement Json);

/// <summary>The user API's tests and runs, called with a personal API token (cpt_…), as a developer's script would.</summary>
public sealed class TestRunClient(PortalConnection connection)
{
    /// <summary><c>POST /api/v1/tests</c>: stores the spec as a new compatibility test; answers its id.</summary>
    /// <param name="organizationId">The owner, needed when the token's user belongs to several organisations (or none, as an admin).</param>
    public async Task<Guid> CreateTestAsync(string name, string visibility, Guid? organizationId, JsonElement spec, CancellationToken cancellationToken)
    {
        var body = new { name, description = "", visibility, tags = Array.Empty<string>(), spec, organizationId };
        using var test = await Required(connection.SendAsync<JsonDocument>(HttpMethod.Post, "api/v1/tests", body, PortalConnection.CallTimeout,
            cancellationToken));
        return IdOf(test.RootElement, "test");
    }

    /// <summary><c>POST /api/v1/tests/{id}/runs</c>: one job per target; answers the run's id.</summary>
    public async Task<Guid> StartRunAsync(Guid testId, IReadOnlyList<string> targets, CancellationToken cancellationToken)
    {
        using var run = await Required(connection.SendAsync<JsonDocument>(HttpMethod.Post, $"api/v1/tests/{testId}/runs", new { targets },
            PortalConnection.CallTimeout, cancellationToken));
        return IdOf(run.RootElement, "run");
    }

    public async Task<RunDocument> GetRunAsync(Guid runId, CancellationToken cancellationToken)
    {
        using var document = await Required(connection.SendAsync<JsonDocument>(HttpMethod.Get, $"api/v1/runs/{runId}", null,
            PortalConnection.CallTimeout, cancellationToken));
        var json = document.RootElement.Clone();
        var run = json.Deserialize<RunSnapshot>(AgentProtocol.Json)
                  ?? throw new JsonException($"The portal answered GET /api/v1/runs/{runId} without a run.");
        return new RunDocument(run with { Jobs = run.Jobs ?? [] }, json);
    }

    private static Guid IdOf(JsonElement created, string what) =>
        created.ValueKind == JsonValueKind.Object && created.TryGetProperty("id", out var id) && id.TryGetGuid(out var value)
            ? value
            : throw new JsonException($"The portal's answer names no {what} id.");

    private static async Task<T> Required<T>(Task<T?> call) where T : class =>
        await call ?? throw new JsonException("The portal answered without a body.");
}
