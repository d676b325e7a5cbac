using Portal.Tests.Kernels;

namespace Portal.Tests.Agent;

/// <summary>
/// Storage dtypes through `Portal.Agent exec` on this host's PoCL device, in the sandboxed child as any job: bf16 and
/// f16 kernels pass, known-wrong ones fail for the right reason, half arithmetic without cl_khr_fp16 is unsupported.
/// </summary>
public sealed class AgentDtypeTests
{
    [Theory]
    [InlineData("vector_add_bf16")]
    [InlineData("softmax_f16")]
    [InlineData("vector_add_bf16_past_end")]
    [InlineData("vector_add_f16_as_float")]
    public async Task Exec_gives_a_dtype_kernel_its_verdict_and_exits_zero(string name)
    {
        var kernel = DtypeKernelFile.Get("opencl-c", name);

        var run = await AgentProcess.RunAsync("exec", kernel.WriteSpecFile());

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(kernel.Status, run.Json.GetProperty("status").GetString());
        Assert.Contains(kernel.MessageText, run.Json.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Half_arithmetic_through_exec_is_unsupported_naming_cl_khr_fp16()
    {
        var kernel = DtypeKernelFile.Get("opencl-c", "vector_add_f16");
        var spec = kernel with
        {
            Name = "half_arithmetic",
            Source = "#pragma OPENCL EXTENSION cl_khr_fp16 : enable\n" +
                "__kernel void vector_add(__global const half* x, __global const half* y, __global half* z, const int n)\n" +
                "{ int i = get_global_id(0); if (i < n) z[i] = x[i] + y[i]; }\n",
        };

        var run = await AgentProcess.RunAsync("exec", spec.WriteSpecFile());

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("unsupported", run.Json.GetProperty("status").GetString());
        Assert.Contains("cl_khr_fp16", run.Json.GetProperty("message").GetString());
    }

    /// <summary>The GPU runbook's own runner (scripts/gpu/dtypes/run.sh), with the real agent on PoCL: every opencl-c kernel "ok".</summary>
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task The_runbooks_dtype_runner_reports_ok_for_every_opencl_kernel_on_PoCL()
    {
        var work = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "agent-specs", $"runbook-{Guid.NewGuid():N}")).FullName;
        var agent = Path.Combine(work, "agent");
        await File.WriteAllTextAsync(agent, $"#!/bin/sh\nexec dotnet '{Path.Combine(AppContext.BaseDirectory, "Portal.Agent.dll")}' \"$@\"\n");
        File.SetUnixFileMode(agent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var start = new System.Diagnostics.ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(DtypeKernelFile.Folder, "run.sh"), agent, "opencl:0:0", work, "opencl-c" })
            start.ArgumentList.Add(arg);

        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        await process.WaitForExitAsync(limit.Token);

        var lines = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(process.ExitCode == 0, await output + await error);
        Assert.Equal(DtypeKernelFile.Of("opencl-c").Count(), lines.Length);
        Assert.All(lines, line => Assert.StartsWith("ok    dtypes-opencl-c-", line));
    }
}
