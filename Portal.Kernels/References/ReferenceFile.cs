using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Portal.Kernels.Ops;

namespace Portal.Kernels.References;

/// <summary>
/// One case's reference outputs on disk: "PREF1", the number of outputs, then per output its UTF-8 name (length first),
/// its element count and its doubles, all little-endian, and last the SHA-256 of everything before it. A file whose
/// hash, names or lengths do not match what the case expects is not a reference (a torn write, a disk error, a planted file).
/// </summary>
public static class ReferenceFile
{
    private static readonly byte[] Magic = "PREF1"u8.ToArray();

    public static byte[] Write(IReadOnlyDictionary<string, double[]> outputs)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(outputs.Count);
            foreach (var (name, values) in outputs.OrderBy(o => o.Key, StringComparer.Ordinal))
            {
                writer.Write(name);
                writer.Write(values.Length);
                foreach (var value in values)
                    writer.Write(value);
            }
        }
        var body = stream.ToArray();
        return [.. body, .. SHA256.HashData(body)];
    }

    /// <summary>The outputs, when the bytes are intact and hold exactly <paramref name="op"/>'s outputs for the case; else null.</summary>
    public static IReadOnlyDictionary<string, double[]>? Read(byte[] bytes, OpDefinition op, CaseParams parameters)
    {
        if (bytes.Length < Magic.Length + 4 + SHA256.HashSizeInBytes)
            return null;
        var body = bytes.AsSpan(0, bytes.Length - SHA256.HashSizeInBytes);
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(bytes.AsSpan(body.Length)) || !body.StartsWith(Magic))
            return null;
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes, 0, body.Length), Encoding.UTF8);
            reader.ReadBytes(Magic.Length);
            var count = reader.ReadInt32();
            var expected = op.Outputs.ToDictionary(b => b.Name, b => b.Length(parameters), StringComparer.Ordinal);
            if (count != expected.Count)
                return null;
            var outputs = new Dictionary<string, double[]>(StringComparer.Ordinal);
            for (var i = 0; i < count; i++)
            {
                var name = reader.ReadString();
                var length = reader.ReadInt32();
                if (!expected.TryGetValue(name, out var wanted) || wanted != length || outputs.ContainsKey(name))
                    return null;
                var values = new double[length];
                var raw = reader.ReadBytes(length * sizeof(double));
                if (raw.Length != length * sizeof(double))
                    return null;
                for (var j = 0; j < length; j++)
                    values[j] = BinaryPrimitives.ReadDoubleLittleEndian(raw.AsSpan(j * sizeof(double)));
                outputs[name] = values;
            }
            return reader.BaseStream.Position == body.Length ? outputs : null;
        }
        catch (EndOfStreamException)
        {
            return null;
        }
    }
}
