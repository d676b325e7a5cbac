namespace Portal.Kernels.Cuda.Native;

/// <summary>A CUresult other than success, with the driver's own name and description of it.</summary>
/// <param name="Function">The driver function that returned it, e.g. cuLaunchKernel.</param>
/// <param name="Code">The CUresult value, e.g. 700.</param>
/// <param name="ErrorName">From cuGetErrorName, e.g. CUDA_ERROR_ILLEGAL_ADDRESS.</param>
/// <param name="Description">From cuGetErrorString, e.g. "an illegal memory access was encountered".</param>
internal sealed class CudaException(string function, int code, string errorName, string description)
    : Exception($"{function} failed: {errorName} ({code}): {description}")
{
    public string Function { get; } = function;

    public int Code { get; } = code;

    public string ErrorName { get; } = errorName;

    public string Description { get; } = description;
}

/// <summary>An nvrtcResult other than success, with NVRTC's own text for it (nvrtcGetErrorString).</summary>
internal sealed class NvrtcException(string function, int code, string errorName)
    : Exception($"{function} failed: {errorName} ({code})")
{
    public string Function { get; } = function;

    public int Code { get; } = code;

    public string ErrorName { get; } = errorName;
}
