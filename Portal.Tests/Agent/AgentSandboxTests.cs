namespace Portal.Tests.Agent;

/// <summary>
/// A kernel that tries to read the agent's host through its compiler, run as the agent runs every job: in the
/// isolated, sandboxed child (Portal.Agent exec).
/// </summary>
public sealed class AgentSandboxTests
{
    private const string Correct = "if (i < n) z[i] = x[i] + y[i];";

    [Theory]
    [InlineData("#include \"/etc/hostname\"\n")]
    [InlineData("#define HOST_FILE \"/etc/hostname\"\n#include HOST_FILE\n")]
    [InlineData("# inc\\\nlude \"/etc/hostname\"\n")]
    public async Task An_include_of_a_host_file_is_a_compile_error_that_shows_neither_the_file_nor_its_path(string prelude)
    {
        var hostname = File.ReadAllText("/etc/hostname").Trim();

        var run = await AgentProcess.RunAsync("exec", AgentProcess.VectorAddSpec(Correct, prelude: prelude));

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("compile_error", run.Json.GetProperty("status").GetString());
        var message = run.Json.GetProperty("message").GetString()!;
        Assert.Contains("#include is not allowed: kernels are compiled in a sandbox and may only use the toolchain's own headers", message);
        Assert.DoesNotContain(hostname, run.Output);
        Assert.DoesNotContain("/etc/hostname", run.Output);
    }

    [Fact]
    public async Task A_build_log_names_the_kernels_lines_but_no_host_path()
    {
        var run = await AgentProcess.RunAsync("exec", AgentProcess.VectorAddSpec("if (i < n) z[i] = x[i] + undefined_name;"));

        Assert.Equal("compile_error", run.Json.GetProperty("status").GetString());
        var log = run.Json.GetProperty("compileLog").GetString()!;
        Assert.Contains("undefined_name", log);
        Assert.DoesNotMatch(@"(^|[\s'""(])/(tmp|root|home|usr|work)/", log);
    }

    [Fact]
    public async Task Unsandboxed_kernels_run_only_when_asked_and_with_a_loud_warning()
    {
        var run = await AgentProcess.RunAsync("exec", AgentProcess.VectorAddSpec(Correct), "--unsandboxed-kernels");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("passed", run.Json.GetProperty("status").GetString());
        Assert.Contains("WARNING: --unsandboxed-kernels: kernels run WITHOUT a sandbox", run.Error);
    }
}
