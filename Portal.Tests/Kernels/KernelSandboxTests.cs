using System.Collections;
using System.Diagnostics;
using Portal.Kernels.Devices;
using Portal.Kernels.Isolation;
using Portal.Kernels.Results;
using Portal.Kernels.Spec;
using Portal.Kernels.Triton;

namespace Portal.Tests.Kernels;

/// <summary>
/// What a kernel can see of the agent's host, checked with real bubblewrap and the same command line the agent's
/// child and Triton's harness run under: with the source check out of the way (a plain command instead of a kernel),
/// the agent's state, the files beside its program and the host's own files are not there, nor the network, nor the
/// agent's PORTAL_* variables.
/// </summary>
public sealed class KernelSandboxTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("portal-sandbox-test-").FullName;

    // Where run.sh and the agent keep their tokens: the agent's state folder under HOME, and a folder beside the
    // program's (as .data/agent sits beside the build output in a checkout).
    private readonly string _stateFolder = Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state", $"portal-agent-test-{Guid.NewGuid():N}");

    private readonly string _besideProgram = Path.Combine(
        Path.GetDirectoryName(AppContext.BaseDirectory.TrimEnd('/'))!, $"data-test-{Guid.NewGuid():N}");

    public void Dispose()
    {
        foreach (var folder in (string[])[_work, _stateFolder, _besideProgram])
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task The_agents_state_the_files_beside_its_program_and_the_hosts_files_are_not_visible_inside()
    {
        var token = WriteSecret(_stateFolder, "registration-token");
        var beside = WriteSecret(_besideProgram, "registration-token");
        // The same file is readable outside: only the sandbox hides it.
        Assert.Equal(0, (await RunAsync(["cat", token, beside, "/etc/hostname"], sandboxed: false)).ExitCode);

        var inside = await RunAsync(["cat", token, beside, "/etc/hostname", "/etc/passwd"]);

        Assert.NotEqual(0, inside.ExitCode);
        Assert.DoesNotContain("cpr_secret", inside.Output);
        Assert.DoesNotContain(File.ReadAllText("/etc/hostname").Trim(), inside.Output);
        Assert.Equal(4, inside.Error.Split('\n').Count(l => l.Contains("No such file or directory", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_program_folder_is_readable_and_the_jobs_folder_is_the_only_writable_one()
    {
        var program = Path.Combine(AppContext.BaseDirectory, "Portal.Agent.dll");

        var run = await RunAsync(["sh", "-c", $"test -r '{program}' && echo ok > '{_work}/inside.txt' && touch /usr/x '{AppContext.BaseDirectory}x'"]);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Equal("ok", File.ReadAllText(Path.Combine(_work, "inside.txt")).Trim());
        Assert.Contains("Read-only file system", run.Error);
    }

    [Fact]
    public async Task There_is_no_network_but_loopback_and_no_PORTAL_variable()
    {
        var inherited = new Hashtable(Environment.GetEnvironmentVariables())
        {
            ["PORTAL_AGENT_TOKEN"] = "cpa_secret_agent_token",
            ["PORTAL_LOCAL_AGENT_TOKEN"] = "cpr_secret_registration",
            ["AWS_SECRET_ACCESS_KEY"] = "secret",
        };

        var network = await RunAsync(["cat", "/proc/net/dev"], inherited: inherited);
        var environment = await RunAsync(["env"], inherited: inherited);

        var interfaces = network.Output.Split('\n').Skip(2).Where(l => l.Contains(':')).Select(l => l.Split(':')[0].Trim()).ToList();
        Assert.Equal(["lo"], interfaces);
        Assert.Equal(0, environment.ExitCode);
        Assert.DoesNotContain("PORTAL_", environment.Output);
        Assert.DoesNotContain("secret", environment.Output);
        Assert.Contains($"HOME={_work}/home", environment.Output);
        Assert.Contains($"{KernelSandbox.InsideVariable}=bubblewrap", environment.Output);
    }

    [Fact]
    public async Task Tritons_harness_command_cannot_open_a_host_file()
    {
        var token = WriteSecret(_stateFolder, "agent.json");
        var options = TritonOptions.Default;
        var environment = TritonEnvironment.For(_work, options, resultPrefix: null);
        foreach (var file in (string[])["/etc/hostname", token])
        {
            var command = TritonEnvironment.Command(["python3", "-c", $"print(open('{file}').read())"], _work, options, sandboxed: true, environment);

            var run = await StartAsync(command, environment);

            Assert.NotEqual(0, run.ExitCode);
            Assert.Contains("FileNotFoundError", run.Error);
            Assert.DoesNotContain("cpr_secret", run.Output);
        }
    }

    [Fact]
    public async Task Without_a_working_sandbox_every_job_is_refused_with_what_to_install()
    {
        var agent = new ChildCommand("dotnet", [Path.Combine(AppContext.BaseDirectory, "Portal.Agent.dll")])
        {
            Sandbox = new KernelSandbox("/nonexistent/bwrap"),
        };
        var device = new AcceleratorDevice("opencl:0:0", "opencl", "cpu", "PoCL", "6.0", "OpenCL 3.0", 1 << 30, 2, [KernelLanguage.OpenClC]);
        var spec = File.ReadAllText(Portal.Tests.Agent.AgentProcess.VectorAddSpec("if (i < n) z[i] = x[i] + y[i];"));

        var result = await new IsolatedKernelRunner(agent).RunAsync(spec, device, CancellationToken.None);

        Assert.Equal(KernelStatus.Unsupported, result.Status);
        Assert.StartsWith("no sandbox: install bubblewrap (apt-get install bubblewrap)", result.Message);
        Assert.Contains(KernelSandbox.OptOutFlag, result.Message);
    }

    [Fact]
    public async Task A_result_left_as_a_link_to_a_host_file_is_not_read()
    {
        // Another job's result, say, in a folder the sandbox does not show: a child that links to it must not pass it off as its own.
        var other = Path.Combine(_stateFolder, "result.json");
        Directory.CreateDirectory(_stateFolder);
        File.WriteAllText(other, """{"status":"passed","message":"another organisation's private result"}""");
        // A stand-in for a subverted child: child --spec F --device ID --out FILE, and it links FILE to the host's file.
        var linking = new ChildCommand("sh", ["-c", $"ln -s '{other}' \"$7\"", "sh"]);
        var device = new AcceleratorDevice("opencl:0:0", "opencl", "cpu", "PoCL", "6.0", "OpenCL 3.0", 1 << 30, 2, [KernelLanguage.OpenClC]);
        var spec = File.ReadAllText(Portal.Tests.Agent.AgentProcess.VectorAddSpec("if (i < n) z[i] = x[i] + y[i];"));

        var result = await new IsolatedKernelRunner(linking).RunAsync(spec, device, CancellationToken.None);

        Assert.True(result.Status == KernelStatus.Crashed, $"{result.Status.Name()}: {result.Message}");
        Assert.DoesNotContain("another organisation", result.Message);
    }

    /// <summary>
    /// Issue 11: the agent's cache of custom-op references holds private tests' expected outputs. Even inside a folder the
    /// environment makes the sandbox show (PYTHONPATH, where Triton's harness imports from), it is not there, neither for the
    /// job's child nor for Triton's Python; a folder beside it on the same path still is.
    /// </summary>
    [Fact]
    public async Task The_reference_cache_is_not_visible_inside_even_on_a_path_the_sandbox_shows()
    {
        var shown = Path.Combine(_besideProgram, "shown");
        var holder = Path.Combine(_besideProgram, "site-packages");
        var cache = new Portal.Kernels.References.ReferenceCache(Path.Combine(holder, "references"));
        cache.Store(new string('a', 64), System.Text.Encoding.UTF8.GetBytes("cpr_secret_reference"));
        var visible = WriteSecret(shown, "module.py");
        var inherited = new Hashtable(Environment.GetEnvironmentVariables()) { ["PYTHONPATH"] = $"{shown}:{holder}:{cache.Folder}" };
        var file = Path.Combine(cache.Folder, new string('a', 64) + ".ref");

        var child = await RunAsync(["cat", visible, file], inherited: inherited);
        var environment = TritonEnvironment.For(_work, TritonOptions.Default, resultPrefix: null, inherited);
        var triton = await StartAsync(TritonEnvironment.Command(["python3", "-c", $"print(open('{file}').read())"], _work, TritonOptions.Default,
            sandboxed: true, environment), environment);

        Assert.Contains("cpr_secret_", child.Output);
        Assert.DoesNotContain("cpr_secret_reference", child.Output);
        Assert.Contains("No such file or directory", child.Error);
        Assert.NotEqual(0, triton.ExitCode);
        Assert.DoesNotContain("cpr_secret_reference", triton.Output);
    }

    private static string WriteSecret(string folder, string name)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, "cpr_secret_" + Guid.NewGuid().ToString("N"));
        return path;
    }

    /// <summary>The command in the sandbox exactly as the agent's runner builds it for a job's child.</summary>
    private Task<ProcessRun> RunAsync(IReadOnlyList<string> command, bool sandboxed = true, IDictionary? inherited = null)
    {
        var agent = ChildCommand.ThisProcess(Path.Combine(AppContext.BaseDirectory, "Portal.Agent.dll"));
        KernelSandbox.CreateFolders(_work);
        var environment = KernelSandbox.ChildEnvironment(_work, inherited);
        return StartAsync(sandboxed ? agent.Sandbox!.Command(command, _work, environment, agent.ProgramFolders) : command, environment);
    }

    private sealed record ProcessRun(int ExitCode, string Output, string Error);

    private static async Task<ProcessRun> StartAsync(IReadOnlyList<string> command, IReadOnlyDictionary<string, string> environment)
    {
        var start = OwnThreadProcess.StartInfo(command, environment);
        // As the agent does: --die-with-parent follows the forking thread, so it must outlive the process.
        var finished = new TaskCompletionSource();
        try
        {
            using var process = await OwnThreadProcess.StartAsync(start, finished.Task, "sandbox-test");
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await process.WaitForExitAsync(limit.Token);
            return new ProcessRun(process.ExitCode, await output, await error);
        }
        finally
        {
            finished.SetResult();
        }
    }
}
