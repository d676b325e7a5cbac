namespace Portal.Contracts;

public enum KernelLanguage
{
    /// <summary>OpenCL C 1.2, compiled by the device's driver.</summary>
    OpenClC,

    /// <summary>CUDA C++ through NVRTC; the entry is <c>extern "C" __global__</c>.</summary>
    CudaC,

    /// <summary>A Python module; the entry names the <c>@triton.jit</c> function.</summary>
    Triton,
}

public static class KernelLanguages
{
    /// <summary>The spec's names, in the order pages list them: what the SKU registry, the queue's SQL and the engine all use.</summary>
    public static IReadOnlyList<string> Names { get; } = ["opencl-c", "cuda-c", "triton"];

    /// <summary>The spec's name for a language: opencl-c, cuda-c, triton.</summary>
    public static string Name(this KernelLanguage language) => language switch
    {
        KernelLanguage.OpenClC => "opencl-c",
        KernelLanguage.CudaC => "cuda-c",
        KernelLanguage.Triton => "triton",
        _ => throw new ArgumentOutOfRangeException(nameof(language), language, null),
    };

    public static KernelLanguage? Parse(string? name) => name switch
    {
        "opencl-c" => KernelLanguage.OpenClC,
        "cuda-c" => KernelLanguage.CudaC,
        "triton" => KernelLanguage.Triton,
        _ => null,
    };
}
