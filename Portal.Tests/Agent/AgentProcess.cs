using System.Diagnostics;
using System.Text.Json;

namespace Portal.Tests.Agent;

/// <summary>Runs the real Portal.Agent program (copied beside the tests) as a person or CI would.</summary>
internal static class AgentProcess
{
    public sealed record Run(int ExitCode, string Output, string Error)
    {
        public JsonElement Json => JsonDocument.Parse(Output).RootElement;
    }

    public static Task<Run> RunAsync(params string[] args) => RunAsync(new Dictionary<string, string>(), args);

    public static async Task<Run> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var agent = Path.Combine(AppContext.BaseDirectory, "Portal.Agent.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(agent);
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(limit.Token);
        return new Run(process.ExitCode, await output, await error);
    }

    /// <summary>A spec file for vector_add in OpenCL C with the given kernel body (inside the index check), after <paramref name="prelude"/>.</summary>
    public static string VectorAddSpec(string body, int timeoutSeconds = 60, string language = "opencl-c", string prelude = "")
    {
        var spec = new
        {
            op = "vector_add",
            language,
            entry = "vector_add",
            source = prelude + "__kernel void vector_add(__global const float* x, __global const float* y, __global float* z, const int n) { int i = get_global_id(0); " + body + " }",
            args = new[] { "x", "y", "z", "n" },
            launch = language == "opencl-c"
                ? (object)new { global = new object[] { "ceil_div(n, 64) * 64" }, local = new[] { 64 } }
                : new { grid = new object[] { "ceil_div(n, 64)" }, block = new[] { 64 } },
            cases = new[] { new { n = 1 }, new { n = 1000 }, new { n = 65537 } },
            timing = new { warmup = 1, iterations = 5 },
            timeoutSeconds,
        };
        // Beside the test binaries, not in /tmp: they go with the build output.
        var folder = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "agent-specs")).FullName;
        var path = Path.Combine(folder, $"{Guid.NewGuid():N}.json");
        File.WriteAllText(path, JsonSerializer.Serialize(spec));
        return path;
    }
}
