namespace Portal.Contracts;

/// <summary>Element type of a kernel buffer. v1 has two; fp16/bf16 are meant to be new members here.</summary>
public enum ElementType
{
    Float32,
    Int32,
}

public static class ElementTypes
{
    public static int SizeInBytes(this ElementType type) => type switch
    {
        ElementType.Float32 => sizeof(float),
        ElementType.Int32 => sizeof(int),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>The name used in specs and documentation: float32, int32.</summary>
    public static string Name(this ElementType type) => type switch
    {
        ElementType.Float32 => "float32",
        ElementType.Int32 => "int32",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}
