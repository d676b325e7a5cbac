using Portal.Kernels.Execution;
using Portal.Kernels.Results;
using Portal.Kernels.Spec;
using Portal.Kernels.Triton;

namespace Portal.Tests.Kernels.Triton;

/// <summary>
/// The triton executor on this host: unsupported without Python or torch, and, with test doubles of the import
/// surface, the real harness importing a submitted module and finding (or not finding) its entry.
/// </summary>
public class TritonExecutorTests
{
    private static readonly DeviceInfo Gpu = new("cuda:0", "NVIDIA H200", "NVIDIA", "CUDA 13.0", "580.159.03");

    private static KernelSpec SuiteVectorAdd(string? source = null)
    {
        var spec = new SuiteFiles("triton", "py").Spec("vector_add");
        return source is null ? spec : spec with { Source = source };
    }

    private static ValidatedSpec Validated(KernelSpec spec) => KernelSpecValidator.Validate(spec).Spec!;

    [Fact]
    public async Task Without_torch_the_runner_answers_unsupported_naming_the_import_error()
    {
        using var doubles = PythonImportDoubles.WithoutTorch();
        var executor = new TritonExecutor(new TritonOptions { Environment = doubles.Environment });

        var result = await new KernelRunner(executor).RunAsync(SuiteVectorAdd(), Gpu, CancellationToken.None);

        Assert.Equal(KernelStatus.Unsupported, result.Status);
        Assert.StartsWith("compiling: Triton is not usable here: python3 cannot import torch and triton (ImportError: torch is hidden by this test)", result.Message);
        Assert.Contains("install torch with CUDA and triton", result.Message);
    }

    [Fact]
    public async Task Without_python_the_runner_answers_unsupported()
    {
        var executor = new TritonExecutor(new TritonOptions { Python = "/nonexistent/python3" });

        var result = await new KernelRunner(executor).RunAsync(SuiteVectorAdd(), Gpu, CancellationToken.None);

        Assert.Equal(KernelStatus.Unsupported, result.Status);
        Assert.Contains("/nonexistent/python3 could not be started", result.Message);
    }

    [Fact]
    public async Task The_executor_runs_only_on_cuda_devices()
    {
        var executor = new TritonExecutor();
        var openCl = new DeviceInfo("opencl:0:0", "pthread-cpu", "PoCL", "OpenCL 3.0", "6.0");

        Assert.True(executor.SupportsDevice(Gpu));
        Assert.False(executor.SupportsDevice(openCl));
        Assert.Equal(KernelStatus.Unsupported, (await new KernelRunner(executor).RunAsync(SuiteVectorAdd(), openCl, CancellationToken.None)).Status);
    }

    [Fact]
    public async Task A_module_that_does_not_parse_is_a_compile_error_with_the_traceback()
    {
        var failure = await PrepareFailureAsync("import triton\n\n@triton.jit\ndef vector_add(x, y, z, n, BLOCK:\n    pass\n");

        Assert.Equal(FailureKind.CompileError, failure.Kind);
        Assert.StartsWith("the module does not import: SyntaxError", failure.Message);
        Assert.Contains("Traceback", failure.Log);
    }

    [Fact]
    public async Task A_module_without_the_entry_is_a_compile_error_naming_it()
    {
        var failure = await PrepareFailureAsync("import triton\n\n@triton.jit\ndef other(x, y, z, n, BLOCK):\n    pass\n");

        Assert.Equal(new ExecutionFailure(FailureKind.CompileError, "the module defines no 'vector_add'"), failure);
    }

    [Fact]
    public async Task An_entry_that_is_not_a_jit_function_is_a_compile_error()
    {
        var failure = await PrepareFailureAsync("def vector_add(x, y, z, n, BLOCK):\n    pass\n");

        Assert.Equal(new ExecutionFailure(FailureKind.CompileError, "'vector_add' is a function, not a @triton.jit function"), failure);
    }

    /// <summary>The module raises on import if it can see where results go, so a leak would be a compile error here.</summary>
    [Fact]
    public async Task A_jit_entry_is_found_and_the_module_cannot_see_where_results_go()
    {
        using var doubles = PythonImportDoubles.WithImportSurface();
        var executor = new TritonExecutor(new TritonOptions { UseSandbox = false, Environment = doubles.Environment });
        const string module =
            "import os\nimport triton\n" +
            "if any(name.startswith('PORTAL') for name in os.environ):\n    raise RuntimeError('the result channel leaked')\n" +
            "@triton.jit\ndef vector_add(x, y, z, n, BLOCK):\n    pass\n";

        var preparation = await executor.PrepareAsync(Validated(SuiteVectorAdd(module)), Gpu, CancellationToken.None);

        Assert.Null(preparation.Failure);
        var kernel = Assert.IsType<TritonPreparedKernel>(preparation.Kernel);
        Assert.False(kernel.Sandboxed);
        var folder = Path.GetDirectoryName(kernel.ModulePath)!;
        Assert.Equal(module, await File.ReadAllTextAsync(kernel.ModulePath));
        Assert.DoesNotContain(Directory.GetFiles(folder), f => f.EndsWith(".json", StringComparison.Ordinal) && Path.GetFileName(f).StartsWith('r'));
        await kernel.DisposeAsync();
        Assert.False(Directory.Exists(folder));
    }

    private static async Task<ExecutionFailure> PrepareFailureAsync(string module)
    {
        using var doubles = PythonImportDoubles.WithImportSurface();
        var executor = new TritonExecutor(new TritonOptions { UseSandbox = false, Environment = doubles.Environment });
        var preparation = await executor.PrepareAsync(Validated(SuiteVectorAdd(module)), Gpu, CancellationToken.None);
        Assert.Null(preparation.Kernel);
        return preparation.Failure!;
    }
}
