namespace Portal.Kernels.Ops;

/// <summary>
/// How each language sees a buffer of each storage type (DESIGN.md "Spec v2: dtypes"): the parameter type a kernel
/// declares. OpenCL C reads float16 with <c>vload_half</c>/<c>vstore_half</c> from <c>half*</c> (no extension needed),
/// bfloat16 as <c>ushort</c> and fp8 as <c>uchar</c> bits that the kernel converts; CUDA C uses the types of
/// cuda_fp16.h, cuda_bf16.h and cuda_fp8.h; Triton gets torch tensors of the matching dtype.
/// </summary>
public static class KernelTypes
{
    /// <summary>The element type as the language spells it: float, half, ushort, __nv_bfloat16, bfloat16 (torch), …</summary>
    public static string Element(ElementType type, KernelLanguage language) => (language, type) switch
    {
        (_, ElementType.Int32) => language == KernelLanguage.Triton ? "int32" : "int",
        (KernelLanguage.Triton, _) => TorchDtype(type),
        (_, ElementType.Float32) => "float",
        (KernelLanguage.OpenClC, ElementType.Float16) => "half",
        (KernelLanguage.OpenClC, ElementType.BFloat16) => "ushort",
        (KernelLanguage.OpenClC, _) => "uchar",
        (KernelLanguage.CudaC, ElementType.Float16) => "__half",
        (KernelLanguage.CudaC, ElementType.BFloat16) => "__nv_bfloat16",
        (KernelLanguage.CudaC, ElementType.Float8E4M3) => "__nv_fp8_e4m3",
        (KernelLanguage.CudaC, ElementType.Float8E5M2) => "__nv_fp8_e5m2",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>The kernel parameter's declaration for a buffer, e.g. <c>__global const ushort*</c> or <c>const __half*</c>; for Triton, a tensor's dtype.</summary>
    public static string BufferParameter(ElementType type, KernelLanguage language, BufferRole role)
    {
        var element = Element(type, language);
        var constant = role == BufferRole.Input ? "const " : "";
        return language switch
        {
            KernelLanguage.OpenClC => $"__global {constant}{element}*",
            KernelLanguage.CudaC => $"{constant}{element}*",
            _ => $"torch.{element} tensor",
        };
    }

    /// <summary>The torch dtype of a Triton kernel's tensor: float32, float16, bfloat16, float8_e4m3fn, float8_e5m2, int32.</summary>
    public static string TorchDtype(ElementType type) => type switch
    {
        ElementType.Float32 => "float32",
        ElementType.Int32 => "int32",
        ElementType.Float16 => "float16",
        ElementType.BFloat16 => "bfloat16",
        ElementType.Float8E4M3 => "float8_e4m3fn",
        ElementType.Float8E5M2 => "float8_e5m2",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}
