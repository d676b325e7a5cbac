using Portal.Kernels.Results;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.Agent.Queue;
using Portal.Contracts.Signing;
using Portal.Kernels;
using Portal.Kernels.Devices;

namespace Portal.Agent.Offline;

/// <summary>
/// Collects an offline run (each spec, the device it ran on, when, and its result) and writes it as one signed bundle
/// (<see cref="ResultBundleFormat"/>): the specs and their hashes, the engine version, the devices' facts, every result.
/// </summary>
internal sealed class BundleWriter(OfflineIdentity identity, IReadOnlyList<AcceleratorDevice> devices, TimeProvider time)
{
    private readonly DateTimeOffset _createdAt = time.GetUtcNow();
    private readonly JsonObject _specs = [];
    private readonly JsonArray _results = [];

    public int Count => _results.Count;

    /// <param name="spec">The spec's JSON as it ran (the text its hash is of).</param>
    public void Add(string specJson, string? name, Guid? testId, string? device, DateTimeOffset startedAt, KernelResult result)
    {
        var spec = JsonNode.Parse(specJson)!;
        var hash = CanonicalJson.Sha256(specJson);
        if (!_specs.ContainsKey(hash))
            _specs[hash] = new JsonObject { ["sha256"] = hash, ["name"] = name, ["testId"] = testId?.ToString(), ["spec"] = spec };
        _results.Add(new JsonObject
        {
            ["specSha256"] = hash, ["device"] = device ?? result.Device?.Id ?? ResultBundleFormat.NoDevice, ["startedAt"] = startedAt, ["finishedAt"] = time.GetUtcNow(),
            ["result"] = JsonSerializer.SerializeToNode(result.Bounded(), KernelResultJson.Options),
        });
    }

    public async Task<Guid> WriteAsync(string path, CancellationToken cancellationToken)
    {
        var bundleId = Guid.CreateVersion7();
        var document = new JsonObject
        {
            ["format"] = ResultBundleFormat.Format,
            ["bundleId"] = bundleId.ToString(),
            ["createdAt"] = _createdAt,
            ["agentVersion"] = AgentIdentity.AgentVersion,
            ["engineVersion"] = KernelEngine.Version,
            ["devices"] = JsonSerializer.SerializeToNode(devices.Select(AgentLoop.ToReport).ToList(), Portal.Contracts.AgentProtocol.Json),
            ["specs"] = new JsonArray([.. _specs.Select(s => s.Value!.DeepClone())]),
            ["results"] = _results.DeepClone(),
            [AgentKey.SignerMember] = new JsonObject { ["publicKey"] = identity.PublicKey, ["name"] = identity.Name },
        };
        using var key = AgentKey.Import(identity.PrivateKey);
        key.SignInPlace(document);
        await File.WriteAllTextAsync(path, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), cancellationToken);
        return bundleId;
    }
}
