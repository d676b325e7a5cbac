using System.ComponentModel;
using Portal.Kernels.Cuda;
using Portal.Kernels.Execution;
using Portal.Kernels.Results;
using Portal.Kernels.Spec;

namespace Portal.Kernels.Triton;

/// <summary>
/// Runs triton kernels: the submitted module is written to a real file in a private folder and run by the
/// harness that ships in this library, one Python process per request, sandboxed by bubblewrap where that works
/// (see <see cref="GetRuntimeAsync"/> for whether it does here). Without torch, triton or a GPU for them the answer
/// is Unsupported with what to install.
/// </summary>
public sealed class TritonExecutor : IKernelExecutor
{
    internal const string HarnessResource = "Portal.Kernels.Triton.harness.py";
    internal const string ModuleFileName = "submitted_kernel.py";

    private readonly TritonOptions options;

    public TritonExecutor(TritonOptions? options = null) => this.options = options ?? TritonOptions.Default;

    public KernelLanguage Language => KernelLanguage.Triton;

    public bool SupportsDevice(DeviceInfo device) => CudaDevice.TryParseId(device.Id, out _);

    /// <summary>Whether Triton is usable here, its versions, and whether the sandbox is in force: for the agent to report.</summary>
    public Task<TritonRuntimeStatus> GetRuntimeAsync(CancellationToken cancellationToken) =>
        TritonRuntime.ProbeAsync(options, cancellationToken);

    public async Task<Preparation> PrepareAsync(ValidatedSpec spec, DeviceInfo device, CancellationToken cancellationToken)
    {
        if (!CudaDevice.TryParseId(device.Id, out var ordinal))
            return Unsupported($"{device.Id} is not a CUDA device; triton runs on devices listed as cuda:<ordinal>");
        var status = await GetRuntimeAsync(cancellationToken);
        if (!status.IsUsable)
            return Unsupported($"Triton is not usable here: {status.Reason}");

        // Private to this user (mode 700), under TMPDIR when the agent sets it.
        var work = Directory.CreateTempSubdirectory("portal-triton-").FullName;
        var kernel = new TritonPreparedKernel(options, status.Sandbox.InForce, work, ordinal, spec.Entry);
        try
        {
            TritonEnvironment.CreateFolders(work);
            await using (var harness = typeof(TritonExecutor).Assembly.GetManifestResourceStream(HarnessResource)
                ?? throw new InvalidOperationException($"the library lacks its embedded {HarnessResource}"))
            await using (var file = File.Create(kernel.HarnessPath))
                await harness.CopyToAsync(file, cancellationToken);
            await File.WriteAllTextAsync(kernel.ModulePath, spec.Source, cancellationToken);

            var failure = await kernel.CheckAsync(cancellationToken);
            if (failure is null)
                return Preparation.Ready(kernel);
            await kernel.DisposeAsync();
            return Preparation.Failed(failure);
        }
        catch (Win32Exception e)
        {
            await kernel.DisposeAsync();
            return Unsupported($"{options.Python} could not be started ({e.Message})");
        }
        catch
        {
            await kernel.DisposeAsync();
            throw;
        }
    }

    private static Preparation Unsupported(string message) =>
        Preparation.Failed(new ExecutionFailure(FailureKind.Unsupported, message));
}
