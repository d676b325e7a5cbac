using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.Contracts.Signing;

namespace Portal.Agent.Cli;

/// <summary>
/// <c>verify FILE [--public-key KEY]</c>: checks a signed result (the portal's <c>/api/v1/jobs/{id}/signed-result</c>) or a
/// bundle against the key it names, or against <c>--public-key</c> (the key the agents page shows), offline.
/// Exit 0 the signature holds, 1 it does not (or the file is not a signed document), 2 bad usage.
/// </summary>
internal static class VerifyCommand
{
    public static async Task<int> RunAsync(CommandLine line, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var file = line.SinglePositional("FILE");
        var expected = line.Value("--public-key");
        if (expected is not null && !AgentKey.IsPublicKey(expected))
            throw new CommandLineException($"--public-key takes an Ed25519 public key (base64 of 32 bytes), not '{expected}'");
        JsonObject document;
        try
        {
            document = JsonNode.Parse(await File.ReadAllTextAsync(file, cancellationToken)) as JsonObject
                       ?? throw new JsonException("not a JSON object");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            await error.WriteLineAsync($"error: cannot read {file} as a signed document: {e.Message}");
            return AgentCommands.NoResult;
        }
        var format = document["format"]?.GetValueKind() == JsonValueKind.String ? document["format"]!.GetValue<string>() : null;
        var signer = document[AgentKey.SignerMember] as JsonObject;
        var named = signer?["publicKey"]?.GetValueKind() == JsonValueKind.String ? signer["publicKey"]!.GetValue<string>() : null;
        var key = expected ?? named;
        if (format is not (SignedResult.Format or ResultBundleFormat.Format) || key is null)
        {
            await error.WriteLineAsync($"error: {file} is not a signed result or bundle with a signer's key (format '{format}'); " +
                                       "give the key with --public-key");
            return AgentCommands.NoResult;
        }
        if (expected is not null && named is not null && named != expected)
            await error.WriteLineAsync($"note: the file names key {AgentKey.Fingerprint(named)}; checking against --public-key {AgentKey.Fingerprint(expected)}");
        var who = signer?["name"]?.ToString() is { Length: > 0 } name ? $"agent {name}" : "the agent";
        if (!AgentKey.VerifyInPlace(key, document))
        {
            await output.WriteLineAsync($"INVALID: {file} was not signed by key {AgentKey.Fingerprint(key)} as it is now: it was changed after it was signed");
            return AgentCommands.NoResult;
        }
        await output.WriteLineAsync($"valid: {format} signed by {who}, key {AgentKey.Fingerprint(key)}" +
            (expected is null ? " (the key the file names: compare it with the one the portal's agents page shows, or pass --public-key)" : ""));
        return AgentCommands.Ok;
    }
}
