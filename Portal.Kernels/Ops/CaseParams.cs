namespace Portal.Kernels.Ops;

/// <summary>
/// A case's param values after defaults were applied. Int params are sizes (1 ≤ value ≤ int.MaxValue);
/// float params are held as the float32 a kernel receives, so the reference uses the same value.
/// </summary>
public sealed class CaseParams
{
    private readonly Dictionary<string, long> ints = new(StringComparer.Ordinal);
    private readonly Dictionary<string, float> floats = new(StringComparer.Ordinal);

    /// <param name="values">Every param of the op, in the op's order.</param>
    /// <param name="distribution">How the inputs are drawn: one of the op's <see cref="OpDefinition.DistributionNames"/>; null for its default.</param>
    public CaseParams(OpDefinition op, IReadOnlyDictionary<string, double> values, string? distribution = null)
    {
        Distribution = distribution ?? OpDefinition.DefaultDistribution;
        var ordered = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var param in op.Params)
        {
            var value = values[param.Name];
            if (param.Kind == ParamKind.Int)
                ints[param.Name] = (long)value;
            else
                floats[param.Name] = (float)value;
            ordered[param.Name] = param.Kind == ParamKind.Int ? (long)value : value;
        }
        Values = ordered;
    }

    /// <summary>All values in the op's param order, as the spec gave them, for results and messages.</summary>
    public IReadOnlyDictionary<string, double> Values { get; }

    /// <summary>The name of the input distribution: <see cref="OpDefinition.DefaultDistribution"/> or one of the op's adversarial ones.</summary>
    public string Distribution { get; }

    /// <summary>The int params, for launch expressions.</summary>
    public IReadOnlyDictionary<string, long> Ints => ints;

    public long Int(string name) => ints[name];

    public int Int32(string name) => checked((int)ints[name]);

    public float Float(string name) => floats[name];

    /// <summary>"n=1000003" or "rows=3, cols=1000, distribution=large": how messages name a case.</summary>
    public override string ToString() =>
        string.Join(", ", Values.Select(kv => $"{kv.Key}={kv.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}")) +
        (Distribution == OpDefinition.DefaultDistribution ? "" : $", distribution={Distribution}");
}
