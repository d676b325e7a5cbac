using Portal.Kernels.Buffers;
using Portal.Kernels.Ops;

namespace Portal.Kernels.Inputs;

/// <summary>Makes a case's input buffers from the spec's seed and the case's distribution: the same bytes on every host.</summary>
public static class InputGenerator
{
    /// <param name="types">Each buffer's storage type as the spec resolved it (<c>dtype</c>, <c>dtypes</c>); null or a missing buffer: the op's own.</param>
    public static IReadOnlyDictionary<string, HostBuffer> Generate(OpDefinition op, CaseParams parameters, ulong seed,
        IReadOnlyDictionary<string, ElementType>? types = null)
    {
        var buffers = new Dictionary<string, HostBuffer>(StringComparer.Ordinal);
        foreach (var definition in op.Inputs)
        {
            var distribution = op.DistributionOf(definition, parameters);
            var length = checked((int)definition.Length(parameters));
            var type = types is not null && types.TryGetValue(definition.Name, out var resolved) ? resolved : definition.Type;
            buffers[definition.Name] = Generate(definition.Name, type, length, distribution, seed);
        }
        return buffers;
    }

    /// <summary>
    /// Samples are drawn in double and rounded to the buffer's type (<see cref="FloatFormats.Round"/>): the same
    /// bits on every host, and the reference reads back exactly the values the kernel gets.
    /// </summary>
    public static HostBuffer Generate(string name, ElementType type, int length, Distribution distribution, ulong seed)
    {
        var start = SplitMix64.StreamStart(seed, name);
        if (distribution is SoftmaxRows rows)
        {
            // Whole rows first (an element depends on its row), then the same rounding to the buffer's type.
            var cols = checked((int)rows.Cols);
            var values = new double[length];
            ChunkedParallel.ForEachIndex((length + cols - 1) / cols, r =>
                rows.SampleRow(i => SplitMix64.Value(start, i), (long)r * cols, values.AsSpan(r * cols, Math.Min(cols, length - r * cols))));
            return HostBuffer.FromValues(name, type, length, i => values[i]);
        }
        return HostBuffer.FromValues(name, type, length, i => distribution.Sample(SplitMix64.Value(start, i), i));
    }
}
