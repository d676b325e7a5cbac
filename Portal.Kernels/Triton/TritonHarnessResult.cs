using System.Text.Json;
using Portal.Kernels.Buffers;
using Portal.Kernels.Execution;

namespace Portal.Kernels.Triton;

/// <summary>
/// What the harness wrote to &lt;prefix&gt;.json, and the output buffers it wrote beside it. Only these files count:
/// what the process printed is used for nothing but a crash report.
/// </summary>
internal sealed record TritonHarnessResult(string Status, string? Message = null, string? Log = null, IReadOnlyList<double>? TimesMs = null)
{
    public static string ResultPath(string prefix) => prefix + ".json";

    public static string OutputPath(string prefix, string buffer) => $"{prefix}.{buffer}.bin";

    /// <summary>The harness's verdict as a failure, or null when it ran the kernel (or found it) without one.</summary>
    /// <param name="process">How the process ended, for when it wrote no result at all.</param>
    public static ExecutionFailure? ReadFailure(string prefix, ProcessResult process, out TritonHarnessResult? result)
    {
        result = null;
        var path = ResultPath(prefix);
        if (!File.Exists(path))
            return new ExecutionFailure(FailureKind.Crashed,
                $"the Python process exited with code {process.ExitCode} without writing a result", ProcessLog(process));
        try
        {
            result = JsonSerializer.Deserialize<TritonHarnessResult>(File.ReadAllText(path), TritonJob.JsonOptions);
        }
        catch (JsonException e)
        {
            return new ExecutionFailure(FailureKind.RuntimeError, $"the harness's result could not be read: {e.Message}", ProcessLog(process));
        }
        return result?.Status switch
        {
            "ok" => null,
            "compile_error" => new ExecutionFailure(FailureKind.CompileError, result.Message ?? "the module did not compile", result.Log),
            "unsupported" => new ExecutionFailure(FailureKind.Unsupported, result.Message ?? "Triton is not usable here", result.Log),
            "runtime_error" => new ExecutionFailure(FailureKind.RuntimeError, result.Message ?? "the launch failed", result.Log),
            var other => new ExecutionFailure(FailureKind.RuntimeError, $"the harness answered with status '{other}'", ProcessLog(process)),
        };
    }

    /// <summary>The outcome of a launch job: the outputs read from the harness's files and its device times.</summary>
    public static LaunchOutcome ReadLaunch(string prefix, LaunchRequest request, ProcessResult process)
    {
        if (ReadFailure(prefix, process, out var result) is { } failure)
            return LaunchOutcome.Failed(failure);
        var outputs = new Dictionary<string, HostBuffer>(StringComparer.Ordinal);
        foreach (var output in request.Outputs)
        {
            var buffer = RawBufferFile.Read(output.Name, output.Type, output.Length, OutputPath(prefix, output.Name), out var problem);
            if (buffer is null)
                return LaunchOutcome.Failed(new ExecutionFailure(FailureKind.RuntimeError, $"the harness broke its protocol: {problem}"));
            outputs[output.Name] = buffer;
        }
        return LaunchOutcome.Succeeded(outputs, request.Timing is null ? null : result!.TimesMs ?? []);
    }

    /// <summary>Removes what a job left under <paramref name="prefix"/>, so output files never outlive their launch.</summary>
    public static void Delete(string prefix, LaunchRequest? request)
    {
        File.Delete(ResultPath(prefix));
        File.Delete(ResultPath(prefix) + ".partial");
        foreach (var output in request?.Outputs ?? [])
            File.Delete(OutputPath(prefix, output.Name));
    }

    private static string? ProcessLog(ProcessResult process) => process.Output.Length > 0 ? process.Output : null;
}
