using Portal.Kernels.Triton;

namespace Portal.Tests.Kernels.Triton;

public class TritonEnvironmentTests
{
    private const string Work = "/var/lib/portal/jobs/portal-triton-1";

    private static readonly Dictionary<string, string> Agent = new()
    {
        ["PATH"] = "/usr/bin:/bin",
        ["LD_LIBRARY_PATH"] = "/usr/local/cuda/targets/x86_64-linux/lib",
        ["CUDA_VISIBLE_DEVICES"] = "0",
        ["HOME"] = "/home/agent",
        ["PORTAL_AGENT_TOKEN"] = "secret",
        ["AWS_SECRET_ACCESS_KEY"] = "secret",
    };

    [Fact]
    public void Only_allow_listed_variables_reach_the_python_process()
    {
        var variables = TritonEnvironment.For(Work, TritonOptions.Default, resultPrefix: null, Agent);

        Assert.Equal("/usr/bin:/bin", variables["PATH"]);
        Assert.Equal("/usr/local/cuda/targets/x86_64-linux/lib", variables["LD_LIBRARY_PATH"]);
        Assert.Equal("0", variables["CUDA_VISIBLE_DEVICES"]);
        Assert.DoesNotContain("PORTAL_AGENT_TOKEN", variables.Keys);
        Assert.DoesNotContain("AWS_SECRET_ACCESS_KEY", variables.Keys);
        Assert.DoesNotContain(TritonEnvironment.ResultVariable, variables.Keys);
    }

    [Fact]
    public void Every_cache_goes_to_the_jobs_own_folder_and_user_packages_stay_visible()
    {
        var variables = TritonEnvironment.For(Work, TritonOptions.Default, resultPrefix: null, Agent);

        Assert.Equal(Work, variables["HOME"]);
        Assert.Equal(Work, variables["TRITON_HOME"]);
        Assert.Equal($"{Work}/triton-cache", variables["TRITON_CACHE_DIR"]);
        Assert.Equal($"{Work}/tmp", variables["TMPDIR"]);
        Assert.Equal("/home/agent/.local", variables["PYTHONUSERBASE"]);
    }

    [Fact]
    public void The_result_prefix_and_configured_variables_are_added_last()
    {
        var options = new TritonOptions { Environment = new Dictionary<string, string> { ["PYTHONPATH"] = "/opt/venv/site", ["HOME"] = "/h" } };

        var variables = TritonEnvironment.For(Work, options, $"{Work}/r0123", Agent);

        Assert.Equal($"{Work}/r0123", variables[TritonEnvironment.ResultVariable]);
        Assert.Equal("/opt/venv/site", variables["PYTHONPATH"]);
        Assert.Equal("/h", variables["HOME"]);
    }

    [Fact]
    public void The_sandboxed_command_is_the_kernel_sandbox_with_only_the_job_folder_writable_and_no_host_root()
    {
        string[] python = ["python3", $"{Work}/harness.py", $"{Work}/job-1.json"];
        var environment = TritonEnvironment.For(Work, TritonOptions.Default, resultPrefix: null, Agent);

        var command = TritonEnvironment.Command(python, Work, TritonOptions.Default, sandboxed: true, environment);

        Assert.Equal("bwrap", command[0]);
        Assert.Equal(python, command.TakeLast(3));
        Assert.Equal("--", command[^4]);
        var text = string.Join(' ', command);
        Assert.Contains("--unshare-all", text);
        Assert.DoesNotContain("--share-net", text);
        Assert.Contains("--die-with-parent", text);
        Assert.Contains("--clearenv", text);
        Assert.DoesNotContain("--ro-bind / /", text);
        Assert.DoesNotContain("PORTAL_AGENT_TOKEN", text);
        Assert.Contains("--ro-bind /usr /usr", text);
        Assert.Contains("--dev /dev", text);
        Assert.Contains($"--bind {Work} {Work}", text);
        // The writable job folder is bound after the private /tmp, so it is not covered by it.
        Assert.True(text.IndexOf($"--bind {Work}", StringComparison.Ordinal) > text.IndexOf("--tmpfs /tmp", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_the_sandbox_the_command_is_python_itself()
    {
        string[] python = ["python3", "harness.py", "job-1.json"];

        Assert.Equal(python, TritonEnvironment.Command(python, Work, TritonOptions.Default, sandboxed: false, new Dictionary<string, string>()));
    }
}
