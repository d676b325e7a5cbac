using System.Text.Json;
using System.Text.Json.Nodes;
using NSec.Cryptography;

namespace Portal.Contracts.Signing;

/// <summary>
/// An agent's Ed25519 key pair (NSec), and the one rule for what a signature covers: a signed document is a JSON object
/// with a <c>format</c> member; its signature is over the <see cref="CanonicalJson"/> bytes of the document without its
/// <c>signature</c> and <c>signer</c> members (the signer names who signed, for people; the key proves it). The format
/// inside the signed bytes keeps a signed result from passing for a bundle and the other way round.
/// </summary>
public sealed class AgentKey : IDisposable
{
    public const string SignatureMember = "signature";
    public const string SignerMember = "signer";

    private static readonly SignatureAlgorithm Ed25519 = SignatureAlgorithm.Ed25519;
    private readonly Key _key;

    private AgentKey(Key key) => _key = key;

    public static AgentKey Create() =>
        new(Key.Create(Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport }));

    /// <summary>The key from its base64 private form (as the agent's state file keeps it).</summary>
    public static AgentKey Import(string privateKey) =>
        new(Key.Import(Ed25519, Convert.FromBase64String(privateKey), KeyBlobFormat.RawPrivateKey,
            new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport }));

    public string PrivateKey => Convert.ToBase64String(_key.Export(KeyBlobFormat.RawPrivateKey));

    /// <summary>The public key, base64 of its 32 raw bytes: what the portal registers and the agents page shows.</summary>
    public string PublicKey => Convert.ToBase64String(_key.PublicKey.Export(KeyBlobFormat.RawPublicKey));

    /// <summary>The bytes a signature covers.</summary>
    public static byte[] SignedBytes(JsonObject document)
    {
        var copy = document.DeepClone().AsObject();
        copy.Remove(SignatureMember);
        copy.Remove(SignerMember);
        return CanonicalJson.Bytes(JsonSerializer.SerializeToElement(copy));
    }

    /// <summary>The base64 signature of <paramref name="document"/>.</summary>
    public string Sign(JsonObject document) => Convert.ToBase64String(Ed25519.Sign(_key, SignedBytes(document)));

    /// <summary>Sets the document's signature member, and answers the document.</summary>
    public JsonObject SignInPlace(JsonObject document)
    {
        document[SignatureMember] = Sign(document);
        return document;
    }

    /// <summary>Whether <paramref name="signature"/> is <paramref name="publicKey"/>'s over the document; false for a malformed key or signature.</summary>
    public static bool Verify(string publicKey, JsonObject document, string? signature)
    {
        if (signature is null || !TryDecode(publicKey, 32, out var keyBytes) || !TryDecode(signature, Ed25519.SignatureSize, out var signatureBytes))
            return false;
        if (!NSec.Cryptography.PublicKey.TryImport(Ed25519, keyBytes, KeyBlobFormat.RawPublicKey, out var key) || key is null)
            return false;
        return Ed25519.Verify(key, SignedBytes(document), signatureBytes);
    }

    /// <summary>Whether the document carries a valid signature of <paramref name="publicKey"/> in its signature member.</summary>
    public static bool VerifyInPlace(string publicKey, JsonObject document) =>
        Verify(publicKey, document, document[SignatureMember]?.GetValueKind() == JsonValueKind.String ? document[SignatureMember]!.GetValue<string>() : null);

    /// <summary>Whether the text is a base64 Ed25519 public key.</summary>
    public static bool IsPublicKey(string? text) =>
        text is not null && TryDecode(text, 32, out var bytes) && NSec.Cryptography.PublicKey.TryImport(Ed25519, bytes, KeyBlobFormat.RawPublicKey, out _);

    /// <summary>A short name for a key that people can compare by eye: the first 16 hex digits of its SHA-256.</summary>
    public static string Fingerprint(string publicKey) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Convert.FromBase64String(publicKey)))[..16];

    private static bool TryDecode(string text, int length, out byte[] bytes)
    {
        bytes = new byte[length];
        return Convert.TryFromBase64String(text, bytes, out var written) && written == length;
    }

    public void Dispose() => _key.Dispose();
}
