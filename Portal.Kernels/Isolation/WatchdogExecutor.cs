using Portal.Kernels.Execution;
using Portal.Kernels.Results;
using Portal.Kernels.Spec;

namespace Portal.Kernels.Isolation;

/// <summary>
/// Runs every executor call on its own thread and stops waiting when the job's budget runs out, so that a
/// kernel stuck in a native call (an endless loop in clFinish, say) still ends in a <c>timeout</c> verdict.
/// The stuck thread is abandoned: this runs in the isolated child process, which exits right after.
/// </summary>
internal sealed class WatchdogExecutor(IKernelExecutor inner) : IKernelExecutor
{
    public KernelLanguage Language => inner.Language;

    public bool SupportsDevice(DeviceInfo device) => inner.SupportsDevice(device);

    public async Task<Preparation> PrepareAsync(ValidatedSpec spec, DeviceInfo device, CancellationToken cancellationToken)
    {
        var preparation = await Task.Run(() => inner.PrepareAsync(spec, device, cancellationToken), CancellationToken.None)
            .WaitAsync(cancellationToken);
        return preparation.Kernel is { } kernel ? Preparation.Ready(new WatchedKernel(kernel)) : preparation;
    }

    private sealed class WatchedKernel(IPreparedKernel inner) : IPreparedKernel
    {
        private bool _abandoned;

        public string? CompileLog => inner.CompileLog;

        public async Task<LaunchOutcome> LaunchAsync(LaunchRequest request, CancellationToken cancellationToken)
        {
            try
            {
                return await Task.Run(() => inner.LaunchAsync(request, cancellationToken), CancellationToken.None)
                    .WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                _abandoned = true;
                throw;
            }
        }

        // Releasing device resources would wait for the stuck launch; the process exit releases them instead.
        public ValueTask DisposeAsync() => _abandoned ? ValueTask.CompletedTask : inner.DisposeAsync();
    }
}
