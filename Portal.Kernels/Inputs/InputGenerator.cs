using Portal.Kernels.Buffers;
using Portal.Kernels.Ops;

namespace Portal.Kernels.Inputs;

/// <summary>Makes a case's input buffers from the spec's seed and the case's distribution: the same bytes on every host.</summary>
public static class InputGenerator
{
    public static IReadOnlyDictionary<string, HostBuffer> Generate(OpDefinition op, CaseParams parameters, ulong seed)
    {
        var buffers = new Dictionary<string, HostBuffer>(StringComparer.Ordinal);
        foreach (var definition in op.Inputs)
        {
            var distribution = op.DistributionOf(definition, parameters);
            var length = checked((int)definition.Length(parameters));
            buffers[definition.Name] = Generate(definition.Name, definition.Type, length, distribution, seed);
        }
        return buffers;
    }

    public static HostBuffer Generate(string name, ElementType type, int length, Distribution distribution, ulong seed)
    {
        var start = SplitMix64.StreamStart(seed, name);
        switch (type)
        {
            case ElementType.Float32:
                var floats = new float[length];
                ChunkedParallel.For(length, (from, to) =>
                {
                    for (var i = from; i < to; i++)
                        floats[i] = (float)distribution.Sample(SplitMix64.Value(start, i), i);
                });
                return HostBuffer.Float32(name, floats);
            case ElementType.Int32:
                var ints = new int[length];
                ChunkedParallel.For(length, (from, to) =>
                {
                    for (var i = from; i < to; i++)
                        ints[i] = checked((int)distribution.Sample(SplitMix64.Value(start, i), i));
                });
                return HostBuffer.Int32(name, ints);
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, null);
        }
    }
}
