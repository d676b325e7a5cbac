using System.ComponentModel;
using System.Security.Cryptography;
using Portal.Kernels.Buffers;
using Portal.Kernels.Execution;

namespace Portal.Kernels.Triton;

/// <summary>
/// A Triton module that imported and has its entry, in its own folder with the harness. Each launch request is
/// one harness process: it loads the inputs (written once per case, as raw files), launches, and writes the
/// outputs and device times under a fresh random prefix that only this object and the harness know.
/// </summary>
internal sealed class TritonPreparedKernel(TritonOptions options, bool sandboxed, string workDirectory, int device, string entry)
    : IPreparedKernel
{
    private readonly Dictionary<HostBuffer, string> inputFiles = new(ReferenceEqualityComparer.Instance);
    private int jobs;
    private int inputCount;

    public string HarnessPath { get; } = Path.Combine(workDirectory, "harness.py");

    public string ModulePath { get; } = Path.Combine(workDirectory, TritonExecutor.ModuleFileName);

    /// <summary>Whether this kernel's processes run under bubblewrap.</summary>
    public bool Sandboxed => sandboxed;

    /// <summary>Triton compiles at the first launch; a failure then is a compile error of that launch, and there is no build log to keep.</summary>
    public string? CompileLog => null;

    /// <summary>Imports the module and finds the entry: the compile step that exists before a launch.</summary>
    public async Task<ExecutionFailure?> CheckAsync(CancellationToken cancellationToken)
    {
        var prefix = NewResultPrefix();
        try
        {
            var process = await RunAsync(TritonJob.Check(ModulePath, entry, device), prefix, cancellationToken);
            return TritonHarnessResult.ReadFailure(prefix, process, out _);
        }
        finally
        {
            TritonHarnessResult.Delete(prefix, null);
        }
    }

    public async Task<LaunchOutcome> LaunchAsync(LaunchRequest request, CancellationToken cancellationToken)
    {
        await Task.Run(() => WriteInputs(request), cancellationToken);
        var job = TritonJob.Launch(ModulePath, entry, device, request, argument => inputFiles[argument.Input!]);
        var prefix = NewResultPrefix();
        try
        {
            var process = await RunAsync(job, prefix, cancellationToken);
            return TritonHarnessResult.ReadLaunch(prefix, request, process);
        }
        catch (Win32Exception e)
        {
            return LaunchOutcome.Failed(new ExecutionFailure(FailureKind.Unsupported, $"{options.Python} could not be started ({e.Message})"));
        }
        finally
        {
            TritonHarnessResult.Delete(prefix, request);
        }
    }

    private async Task<ProcessResult> RunAsync(TritonJob job, string prefix, CancellationToken cancellationToken)
    {
        var jobPath = Path.Combine(workDirectory, $"job-{++jobs}.json");
        job.WriteTo(jobPath);
        var environment = TritonEnvironment.For(workDirectory, options, prefix);
        var command = TritonEnvironment.Command([options.Python, HarnessPath, jobPath], workDirectory, options, sandboxed, environment);
        return await TritonProcess.RunAsync(command, workDirectory, environment, cancellationToken);
    }

    /// <summary>
    /// Inputs are written once per case: the runner's timed requests reuse the case's buffers, which are then on
    /// disk already; a new case's buffers replace the previous case's files.
    /// </summary>
    private void WriteInputs(LaunchRequest request)
    {
        var inputs = request.Arguments.OfType<BufferArgument>().Where(b => b.Input is not null).ToList();
        if (inputs.All(b => inputFiles.ContainsKey(b.Input!)))
            return;
        foreach (var old in inputFiles.Values)
            File.Delete(old);
        inputFiles.Clear();
        foreach (var input in inputs)
        {
            var path = Path.Combine(workDirectory, $"input-{++inputCount}-{input.Name}.bin");
            RawBufferFile.Write(input.Input!, path);
            inputFiles[input.Input!] = path;
        }
    }

    /// <summary>A path in the job's folder with 128 random bits in its name: where this launch's results go.</summary>
    private string NewResultPrefix() => Path.Combine(workDirectory, "r" + RandomNumberGenerator.GetHexString(32, lowercase: true));

    public ValueTask DisposeAsync()
    {
        TritonRuntime.TryDelete(workDirectory);
        return ValueTask.CompletedTask;
    }
}
