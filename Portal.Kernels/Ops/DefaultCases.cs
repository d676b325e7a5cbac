namespace Portal.Kernels.Ops;

/// <summary>
/// Default cases shared by several ops. Kept apart from <see cref="OpCatalog"/> because the ops' static
/// initialisers read them while the catalog is still being built.
/// </summary>
internal static class DefaultCases
{
    /// <summary>n = 1, a size that is no multiple of 256, a million and three, then 2^26 for timing (256 MiB per buffer).</summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, double>> Streaming { get; } =
        [Of(("n", 1)), Of(("n", 255)), Of(("n", 1_000_003)), Of(("n", 1 << 26))];

    /// <summary>Row-wise ops: a single element, short and long rows, odd shapes, then 4096×4096 for timing.</summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, double>> Rows { get; } =
    [
        Of(("rows", 1), ("cols", 1)),
        Of(("rows", 3), ("cols", 1000)),
        Of(("rows", 255), ("cols", 257)),
        Of(("rows", 4096), ("cols", 4096)),
    ];

    public static IReadOnlyDictionary<string, double> Of(params (string Name, double Value)[] values) =>
        values.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);
}
