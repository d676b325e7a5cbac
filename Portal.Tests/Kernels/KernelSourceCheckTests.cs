using Portal.Kernels.Execution;
using Portal.Kernels.Spec;

namespace Portal.Tests.Kernels;

/// <summary>An #include of a host file is refused before any compiler sees the source, however it is spelled.</summary>
public class KernelSourceCheckTests
{
    private const string Kernel = "__kernel void k(__global float* x) { x[0] = 1.0f; }\n";

    [Theory]
    [InlineData("#include \"/etc/hostname\"\n")]
    [InlineData("  #   include \"/etc/hostname\"\n")]
    [InlineData("#define HOST_FILE \"/etc/hostname\"\n#include HOST_FILE\n")]
    [InlineData("#inc\\\nlude \"/etc/hostname\"\n")]
    [InlineData("#\\\n include \"/etc/hostname\"\n")]
    [InlineData("# /* a comment */ include </etc/hostname>\n")]
    [InlineData("/* a comment\n spanning lines */ #include \"/etc/hostname\"\n")]
    [InlineData("%:include \"/etc/hostname\"\n")]
    [InlineData("??=include \"/etc/hostname\"\n")]
    [InlineData("#include_next <hostname>\n")]
    [InlineData("#import \"/etc/hostname\"\n")]
    [InlineData("#__include_macros \"/etc/hostname\"\n")]
    [InlineData("#embed \"/etc/hostname\"\n")]
    [InlineData("#if __has_include(\"/root/.local/state/portal-agent/agent.json\")\n#endif\n")]
    [InlineData("#pragma GCC dependency \"/etc/hostname\"\n")]
    [InlineData("_Pragma(\"GCC dependency \\\"/etc/hostname\\\"\")\n")]
    public void OpenCL_C_may_include_nothing_in_any_spelling(string prelude)
    {
        var problem = KernelSourceCheck.FindProblem(KernelLanguage.OpenClC, prelude + Kernel);

        Assert.NotNull(problem);
        Assert.Contains("not allowed: kernels are compiled in a sandbox and may only use the toolchain's own headers", problem);
        Assert.DoesNotContain("/etc/hostname", problem);
    }

    [Fact]
    public void The_message_names_the_line_the_directive_starts_on()
    {
        var problem = KernelSourceCheck.FindProblem(KernelLanguage.OpenClC, "// first\n/* second\n third */\n#include \\\n\"/etc/hostname\"\n" + Kernel);

        Assert.EndsWith("line 4", problem);
    }

    [Theory]
    [InlineData("// #include \"/etc/hostname\"\n")]
    [InlineData("/* #include \"/etc/hostname\" */\n")]
    [InlineData("#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n")]
    [InlineData("#define INCLUDE_ME 1\n")]
    public void Comments_pragmas_and_macros_that_read_no_file_are_fine(string prelude)
    {
        Assert.Null(KernelSourceCheck.FindProblem(KernelLanguage.OpenClC, prelude + Kernel));
    }

    [Theory]
    [InlineData("#include <cuda_fp16.h>\n")]
    [InlineData("#include <cuda_bf16.h>\n#include <cuda_fp8.h>\n")]
    [InlineData("#  include   <cuda_runtime.h>\n")]
    public void CUDA_C_may_include_the_toolkits_own_headers_by_name(string prelude)
    {
        Assert.Null(KernelSourceCheck.FindProblem(KernelLanguage.CudaC, prelude + "extern \"C\" __global__ void k() {}\n"));
    }

    [Theory]
    [InlineData("#include \"/etc/hostname\"\n")]
    [InlineData("#include \"cuda_fp16.h\"\n")]
    [InlineData("#include </etc/hostname>\n")]
    [InlineData("#include <../../../etc/hostname>\n")]
    [InlineData("#include <hostname>\n")]
    [InlineData("#define H <cuda_fp16.h>\n#include H\n")]
    [InlineData("#embed \"/etc/hostname\"\n")]
    public void CUDA_C_may_not_include_a_quoted_path_or_anything_outside_the_toolkit(string prelude)
    {
        var problem = KernelSourceCheck.FindProblem(KernelLanguage.CudaC, prelude + "extern \"C\" __global__ void k() {}\n");

        Assert.NotNull(problem);
        Assert.Contains("not allowed", problem);
    }

    [Theory]
    [InlineData("opencl-c", "cl")]
    [InlineData("cuda-c", "cu")]
    public void Every_built_in_suite_kernel_passes_the_check(string language, string extension)
    {
        var files = new SuiteFiles(language, extension);
        foreach (var spec in files.Files().Where(f => f.EndsWith(".spec.json", StringComparison.Ordinal)))
        {
            var op = spec[..^".spec.json".Length];
            Assert.Null(KernelSourceCheck.FindProblem(KernelLanguages.Parse(language)!.Value, files.Source(op)));
        }
    }
}

public class HostPathsTests
{
    [Theory]
    [InlineData("/tmp/pocl_x/kernel.cl:3:1: error: use of undeclared identifier", "kernel.cl:3:1: error: use of undeclared identifier")]
    [InlineData("fatal error: '/etc/hostname' file not found", "fatal error: 'hostname' file not found")]
    [InlineData("  File \"/tmp/portal-triton-1/submitted_kernel.py\", line 3, in <module>", "  File \"kernel.py\", line 3, in <module>")]
    [InlineData("/root/.cache/pocl/kcache/tempfile_Ab3x9Q.cl:3:29: error: use of undeclared identifier 'q'",
        "kernel.cl:3:29: error: use of undeclared identifier 'q'")]
    [InlineData("tempfile_Ab3x9Q.cl:12:1: warning: x", "kernel.cl:12:1: warning: x")]
    [InlineData("/tmp/tmpxft_00001a2b_00000000-6_saxpy.cudafe1.cpp(4): error", "kernel.cu(4): error")]
    [InlineData("median 0.1 ms, 12.5 GB/s; n/2 and a / b stay", "median 0.1 ms, 12.5 GB/s; n/2 and a / b stay")]
    public void Absolute_paths_keep_only_their_file_name(string log, string redacted)
    {
        Assert.Equal(redacted, HostPaths.Redact(log));
    }
}
