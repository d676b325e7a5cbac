using System.Text.Json;
using Portal.Kernels.Results;

namespace Portal.Agent.Submit;

/// <summary><c>GET /api/v1/runs/{id}</c> as the command line reads it: the run and one job per target.</summary>
public sealed record RunSnapshot(Guid Id, string Status, IReadOnlyList<JobSnapshot> Jobs)
{
    /// <summary>Every job has reached a state nothing changes any more.</summary>
    public bool IsFinished => Jobs.All(j => j.IsFinal);
}

/// <param name="Device">The device that holds or ran the job; null while nobody has leased it.</param>
/// <param name="Status">queued, leased, running, retrying, completed, failed or cancelled.</param>
/// <param name="Verdict">The result's status (passed, failed, compile_error, …) once completed.</param>
/// <param name="FailureReason">Why the job has no verdict (its attempts ran out, it was cancelled).</param>
public sealed record JobSnapshot(Guid Id, RunDevice? Device, string Status, string? Verdict, KernelResult? Result, string? FailureReason)
{
    public static readonly IReadOnlyList<string> FinalStatuses = ["completed", "failed", "cancelled"];

    public bool IsFinal => FinalStatuses.Contains(Status, StringComparer.OrdinalIgnoreCase);

    public bool Passed => string.Equals(Status, "completed", StringComparison.OrdinalIgnoreCase)
                          && string.Equals(Verdict, KernelStatuses.PassedName, StringComparison.OrdinalIgnoreCase);
}

/// <param name="Sku">The SKU the device maps to: a name, or an object with one (whichever the portal sends).</param>
public sealed record RunDevice(string? Id, string? Name, JsonElement? Sku)
{
    public string Describe()
    {
        var sku = Sku switch
        {
            { ValueKind: JsonValueKind.String } s => s.GetString(),
            { ValueKind: JsonValueKind.Object } o when o.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String => n.GetString(),
            _ => null,
        };
        var name = Name ?? Id ?? "?";
        return sku is null || sku == name ? name : $"{name} [{sku}]";
    }
}
