namespace Portal.Contracts;

/// <summary>
/// Element type of a kernel buffer. Int32 buffers (ids, counts) are always int32; float buffers take the spec's
/// storage dtype (DESIGN.md "Spec v2"): float32 by default, or float16, bfloat16, and the two fp8 formats.
/// </summary>
public enum ElementType
{
    Float32,
    Int32,
    Float16,
    BFloat16,
    Float8E4M3,
    Float8E5M2,
}

public static class ElementTypes
{
    /// <summary>The float storage dtypes a spec's <c>dtype</c> and <c>dtypes</c> may name, in the order documentation lists them.</summary>
    public static IReadOnlyList<ElementType> FloatDtypes { get; } =
        [ElementType.Float32, ElementType.Float16, ElementType.BFloat16, ElementType.Float8E4M3, ElementType.Float8E5M2];

    /// <summary>The spec's names for <see cref="FloatDtypes"/>: f32, f16, bf16, fp8e4m3, fp8e5m2.</summary>
    public static IEnumerable<string> DtypeNames => FloatDtypes.Select(Dtype);

    public static int SizeInBytes(this ElementType type) => type switch
    {
        ElementType.Float32 or ElementType.Int32 => 4,
        ElementType.Float16 or ElementType.BFloat16 => 2,
        ElementType.Float8E4M3 or ElementType.Float8E5M2 => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    public static bool IsFloat(this ElementType type) => type != ElementType.Int32;

    /// <summary>The name used in messages and documentation: float32, int32, float16, bfloat16, float8_e4m3, float8_e5m2.</summary>
    public static string Name(this ElementType type) => type switch
    {
        ElementType.Float32 => "float32",
        ElementType.Int32 => "int32",
        ElementType.Float16 => "float16",
        ElementType.BFloat16 => "bfloat16",
        ElementType.Float8E4M3 => "float8_e4m3",
        ElementType.Float8E5M2 => "float8_e5m2",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>The spec's name (<c>"dtype"</c>): f32, f16, bf16, fp8e4m3, fp8e5m2; int32 for int buffers.</summary>
    public static string Dtype(this ElementType type) => type switch
    {
        ElementType.Float32 => "f32",
        ElementType.Int32 => "int32",
        ElementType.Float16 => "f16",
        ElementType.BFloat16 => "bf16",
        ElementType.Float8E4M3 => "fp8e4m3",
        ElementType.Float8E5M2 => "fp8e5m2",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>A float storage dtype by its spec name; null for anything else (int32 included: int buffers have no dtype).</summary>
    public static ElementType? ParseDtype(string? name) => name switch
    {
        "f32" => ElementType.Float32,
        "f16" => ElementType.Float16,
        "bf16" => ElementType.BFloat16,
        "fp8e4m3" => ElementType.Float8E4M3,
        "fp8e5m2" => ElementType.Float8E5M2,
        _ => null,
    };
}
