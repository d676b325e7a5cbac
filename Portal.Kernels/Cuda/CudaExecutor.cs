using Portal.Kernels.Cuda.Native;
using Portal.Kernels.Execution;
using Portal.Kernels.Results;
using Portal.Kernels.Spec;

namespace Portal.Kernels.Cuda;

/// <summary>
/// Runs cuda-c kernels: CUDA C++ compiled by NVRTC for the device's own architecture, loaded and launched
/// through the driver API by the agent's own host code. A host without the driver or NVRTC gets an Unsupported
/// failure that says what to install; nothing here throws for a missing library.
/// </summary>
public sealed class CudaExecutor(CudaLibraryNames? libraries = null) : IKernelExecutor
{
    private readonly CudaLibraryNames names = libraries ?? CudaLibraryNames.Default;

    public KernelLanguage Language => KernelLanguage.CudaC;

    public bool SupportsDevice(DeviceInfo device) => CudaDevice.TryParseId(device.Id, out _);

    public Task<Preparation> PrepareAsync(ValidatedSpec spec, DeviceInfo device, CancellationToken cancellationToken) =>
        // Driver calls block; they run on the pool so the caller's thread is not held.
        Task.Run(() => Prepare(spec, device, cancellationToken), cancellationToken);

    private Preparation Prepare(ValidatedSpec spec, DeviceInfo device, CancellationToken cancellationToken)
    {
        if (!CudaDevice.TryParseId(device.Id, out var ordinal))
            return Unsupported($"{device.Id} is not a CUDA device; cuda-c runs on devices listed as cuda:<ordinal>");
        var loaded = CudaLibraries.Load(names);
        if (loaded.Driver is not { } api)
            return Unsupported(loaded.DriverProblem!);
        if (loaded.Nvrtc is not { } nvrtc)
            return Unsupported(loaded.NvrtcProblem!);

        CudaPrimaryContext? context = null;
        try
        {
            api.Check(api.cuDeviceGetCount(out var count), nameof(api.cuDeviceGetCount));
            if (ordinal >= count)
                return Unsupported($"{device.Id} does not exist here: the CUDA driver sees {count} device(s)");
            context = CudaPrimaryContext.Retain(api, ordinal);
            context.MakeCurrent();
            var capability = new ComputeCapability(
                CudaDeviceDiscovery.Attribute(api, context.Device, CudaDriverApi.AttributeComputeCapabilityMajor),
                CudaDeviceDiscovery.Attribute(api, context.Device, CudaDriverApi.AttributeComputeCapabilityMinor));
            if (CudaDtypes.Problem(capability, spec.Op.Buffers.Select(b => (b.Name, spec.TypeOf(b)))) is { } dtypeProblem)
                return Release(context, Unsupported(dtypeProblem));
            var includes = CudaToolkitHeaders.Find();
            if (NvrtcOptions.For(capability, [.. nvrtc.SupportedArchitectures()], out var problem, includes) is not { } target)
                return Release(context, Unsupported(problem!));
            cancellationToken.ThrowIfCancellationRequested();

            var build = CudaCompilation.Build(nvrtc, context, spec.Source, spec.Entry, target);
            if (build.Failure is { } failure)
                return Release(context, CudaToolkitHeaders.MissingOnHost(failure.Log, includes) is { } missing
                    ? Preparation.Failed(new ExecutionFailure(FailureKind.Unsupported, missing, failure.Log))
                    : Preparation.Failed(failure));
            var l2Bytes = CudaDeviceDiscovery.Attribute(api, context.Device, CudaDriverApi.AttributeL2CacheSize);
            var kernel = new CudaPreparedKernel(context, build.Module!, build.Function, build.Log, l2Bytes);
            context = null;
            return Preparation.Ready(kernel);
        }
        catch (CudaException e)
        {
            return Release(context, Preparation.Failed(new ExecutionFailure(FailureKind.RuntimeError, e.Message)));
        }
        catch (NvrtcException e)
        {
            return Release(context, Preparation.Failed(new ExecutionFailure(FailureKind.CompileError, e.Message)));
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return Release(context, Unsupported($"the CUDA libraries are unusable: {e.Message}"));
        }
        catch (OperationCanceledException)
        {
            context?.Dispose();
            throw;
        }
    }

    private static Preparation Unsupported(string message) =>
        Preparation.Failed(new ExecutionFailure(FailureKind.Unsupported, message));

    private static Preparation Release(CudaPrimaryContext? context, Preparation preparation)
    {
        context?.Dispose();
        return preparation;
    }
}
