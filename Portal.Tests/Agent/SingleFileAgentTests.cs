using System.Diagnostics;
using System.Text.Json;
using Xunit.Abstractions;

namespace Portal.Tests.Agent;

/// <summary>
/// The agent the portal serves at /agent/download/{rid} is the Release publish of Portal.Agent: one self-contained, compressed
/// file. Published here once (the csproj's own Release properties, into a folder of its own so that the tests' build is left
/// alone), it runs a kernel on PoCL: <c>exec</c> spawns the single file itself as the sandboxed kernel child, and the verdict
/// comes back from that child. About 35 s to publish and 10 s to run on the 2-core build machine (docs/benchmarks.md).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SingleFileAgentTests(ITestOutputHelper log)
{
    [Fact]
    public async Task The_published_single_file_agent_runs_a_kernel_on_PoCL_through_its_own_sandboxed_child()
    {
        var work = Directory.CreateTempSubdirectory("single-file-agent-");
        try
        {
            var output = Path.Combine(work.FullName, "linux-x64");
            var clock = Stopwatch.StartNew();
            var publish = await RunAsync("dotnet", TimeSpan.FromMinutes(8), "publish", Path.Combine(RepositoryRoot(), "Portal.Agent", "Portal.Agent.csproj"),
                "-c", "Release", "-r", "linux-x64", "-o", output, "--artifacts-path", Path.Combine(work.FullName, "artifacts"), "-nologo");
            Assert.True(publish.Exit == 0, publish.Output + publish.Error);
            log.WriteLine($"published in {clock.Elapsed.TotalSeconds:F1} s");

            // One executable (the referenced projects' symbol files may lie beside it; nothing the agent needs at run time).
            var agent = Path.Combine(output, "Portal.Agent");
            Assert.Equal(["Portal.Agent"], Directory.GetFiles(output).Select(Path.GetFileName).Where(f => !f!.EndsWith(".pdb", StringComparison.Ordinal)));
            Assert.False(File.Exists(Path.Combine(output, "Portal.Agent.dll")));
            log.WriteLine($"Portal.Agent: {new FileInfo(agent).Length / 1e6:F1} MB");

            var help = await RunAsync(agent, TimeSpan.FromMinutes(1), "--help");
            Assert.Contains("Portal.Agent [command] [options]", help.Output);

            var spec = AgentProcess.VectorAddSpec("if (i < n) z[i] = x[i] + y[i];");
            clock.Restart();
            var exec = await RunAsync(agent, TimeSpan.FromMinutes(3), "exec", spec, "--device", "opencl:0:0");
            log.WriteLine($"exec in {clock.Elapsed.TotalSeconds:F1} s");

            Assert.True(exec.Exit == 0, exec.Output + exec.Error);
            using var result = JsonDocument.Parse(exec.Output);
            Assert.True(result.RootElement.GetProperty("status").GetString() == "passed", exec.Output);
            Assert.Equal("opencl:0:0", result.RootElement.GetProperty("device").GetProperty("id").GetString());
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(string program, TimeSpan limit, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        // The test host's MSBuild settings would point a nested build at the test run's own SDK state.
        foreach (var name in new[] { "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly" })
            start.Environment.Remove(name);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} ran past {limit}: {await output}{await error}");
        }
        return (process.ExitCode, await output, await error);
    }

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Portal.slnx")))
            folder = folder.Parent;
        return folder?.FullName ?? throw new InvalidOperationException("Portal.slnx not found above the test binaries");
    }
}
