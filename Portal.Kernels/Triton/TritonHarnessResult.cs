using System.Text.Json;
using Portal.Kernels.Buffers;
using Portal.Kernels.Execution;
using Portal.Kernels.Ops;

namespace Portal.Kernels.Triton;

/// <summary>
/// What the harness wrote to &lt;prefix&gt;.json, and the buffers it read back from the device beside it: every output,
/// every input, and the guard zones around every buffer. Only these files count: what the process printed is used for
/// nothing but a crash report.
/// </summary>
internal sealed record TritonHarnessResult(string Status, string? Message = null, string? Log = null, IReadOnlyList<double>? TimesMs = null)
{
    public static string ResultPath(string prefix) => prefix + ".json";

    /// <summary>An output, or an input as the kernel left it.</summary>
    public static string BufferPath(string prefix, string buffer) => $"{prefix}.{buffer}.bin";

    /// <summary>A buffer's zone before (<see cref="GuardZones.MinimumBytes"/>), then its zone after (<see cref="GuardZones.AfterZoneBytes"/>).</summary>
    public static string GuardsPath(string prefix, string buffer) => $"{prefix}.{buffer}.guards.bin";

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

    /// <summary>The outcome of a launch job: the outputs, inputs and guard zones read from the harness's files, and its device times.</summary>
    public static LaunchOutcome ReadLaunch(string prefix, LaunchRequest request, ProcessResult process)
    {
        if (ReadFailure(prefix, process, out var result) is { } failure)
            return LaunchOutcome.Failed(failure);
        var outputs = new Dictionary<string, HostBuffer>(StringComparer.Ordinal);
        var guards = new List<GuardReading>();
        foreach (var output in request.Outputs)
        {
            if (RawBufferFile.Read(output.Name, output.Type, output.Length, BufferPath(prefix, output.Name), out var problem) is not { } buffer)
                return BrokenProtocol(problem);
            outputs[output.Name] = buffer;
        }
        foreach (var buffer in request.Arguments.OfType<BufferArgument>())
        {
            HostBuffer? input = null;
            string? problem;
            if (buffer.Role == BufferRole.Input
                && (input = RawBufferFile.Read(buffer.Name, buffer.Type, buffer.Length, BufferPath(prefix, buffer.Name), out problem, "input")) is null)
                return BrokenProtocol(problem);
            var after = GuardZones.AfterZoneBytes(TritonJob.Bytes(buffer));
            if (ReadZones(GuardsPath(prefix, buffer.Name), buffer.Name, GuardZones.MinimumBytes + after, out problem) is not { } zones)
                return BrokenProtocol(problem);
            guards.Add(new GuardReading(buffer.Name, zones[..GuardZones.MinimumBytes], zones[GuardZones.MinimumBytes..], input));
        }
        return LaunchOutcome.Succeeded(outputs, guards, request.Timing is null ? null : result!.TimesMs ?? []);
    }

    private static LaunchOutcome BrokenProtocol(string? problem) =>
        LaunchOutcome.Failed(new ExecutionFailure(FailureKind.RuntimeError, $"the harness broke its protocol: {problem}"));

    private static byte[]? ReadZones(string path, string buffer, long expected, out string? problem)
    {
        var info = new FileInfo(path);
        problem = !info.Exists ? $"the guard zones of {buffer} were not written"
            : info.Length != expected ? $"the guard zones of {buffer} have {info.Length} bytes, not {expected}"
            : null;
        return problem is null ? File.ReadAllBytes(path) : null;
    }

    /// <summary>Removes what a job left under <paramref name="prefix"/>, so output files never outlive their launch.</summary>
    public static void Delete(string prefix, LaunchRequest? request)
    {
        File.Delete(ResultPath(prefix));
        File.Delete(ResultPath(prefix) + ".partial");
        foreach (var buffer in request?.Arguments.OfType<BufferArgument>() ?? [])
        {
            File.Delete(BufferPath(prefix, buffer.Name));
            File.Delete(GuardsPath(prefix, buffer.Name));
        }
    }

    private static string? ProcessLog(ProcessResult process) => process.Output.Length > 0 ? process.Output : null;
}
