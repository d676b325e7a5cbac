using System.Text.Json;
using Portal.Kernels.Buffers;
using Portal.Kernels.Execution;
using Portal.Kernels.Ops;
using Portal.Kernels.Spec;
using Portal.Kernels.Triton;

namespace Portal.Tests.Kernels.Triton;

/// <summary>The C# side of the harness protocol: the job file it writes and the result files it reads back.</summary>
public sealed class TritonJobFilesTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("portal-triton-files-").FullName;

    private string Prefix => Path.Combine(folder, "r5f1d");

    private static LaunchRequest SaxpyRequest(TimedRepetitions? timing = null) => new(
        new CaseParams(OpCatalog.Get("saxpy"), new Dictionary<string, double> { ["n"] = 3, ["a"] = 0.1 }),
        new LaunchDimensions(null, null, [2], null, null, 8, new Dictionary<string, long> { ["BLOCK"] = 2048 }),
        [
            new BufferArgument("x", ElementType.Float32, 3, BufferRole.Input, HostBuffer.Float32("x", [1, 2, 3])),
            new BufferArgument("y", ElementType.Float32, 3, BufferRole.Input, HostBuffer.Float32("y", [4, 5, 6])),
            new BufferArgument("z", ElementType.Float32, 3, BufferRole.Output, null),
            new IntArgument("n", 3),
            new FloatArgument("a", 0.1f),
        ],
        timing);

    [Fact]
    public void A_launch_job_lists_the_arguments_in_the_specs_order_with_what_the_harness_reads()
    {
        var job = TritonJob.Launch("/w/submitted_kernel.py", "saxpy", 1, SaxpyRequest(new TimedRepetitions(3, 20)), b => $"/w/{b.Name}.bin");
        job.WriteTo(Path.Combine(folder, "job.json"));

        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "job.json")));
        var root = document.RootElement;
        Assert.Equal("launch", root.GetProperty("mode").GetString());
        Assert.Equal("/w/submitted_kernel.py", root.GetProperty("module").GetString());
        Assert.Equal(1, root.GetProperty("device").GetInt32());
        Assert.Equal("[2]", root.GetProperty("grid").GetRawText());
        Assert.Equal(8, root.GetProperty("numWarps").GetInt32());
        Assert.Equal(2048, root.GetProperty("constexprs").GetProperty("BLOCK").GetInt64());
        Assert.Equal((3, 20), (root.GetProperty("timing").GetProperty("warmup").GetInt32(), root.GetProperty("timing").GetProperty("iterations").GetInt32()));
        Assert.Equal(256L << 20, root.GetProperty("flushBytes").GetInt64());
        Assert.Equal((65536L, unchecked((int)0x7FA1C0DE)), (root.GetProperty("guardBytes").GetInt64(), root.GetProperty("canary").GetInt32()));
        var args = root.GetProperty("args").EnumerateArray().ToList();
        Assert.Equal(["x", "y", "z", "n", "a"], args.Select(a => a.GetProperty("name").GetString()));
        Assert.Equal(["buffer", "buffer", "buffer", "int", "float"], args.Select(a => a.GetProperty("kind").GetString()));
        Assert.Equal("/w/x.bin", args[0].GetProperty("file").GetString());
        Assert.Equal(("float32", 3, "output"), (args[2].GetProperty("type").GetString(), args[2].GetProperty("length").GetInt32(), args[2].GetProperty("role").GetString()));
        Assert.False(args[2].TryGetProperty("file", out _));
        Assert.Equal(3, args[3].GetProperty("value").GetInt32());
        // The float param travels as the float32 the kernel gets: Python's float of it rounds back to exactly 0.1f.
        Assert.Equal(0.1f, (float)args[4].GetProperty("value").GetDouble());
    }

    [Fact]
    public void A_correctness_job_has_no_timing()
    {
        var job = TritonJob.Launch("m.py", "saxpy", 0, SaxpyRequest(), b => b.Name);

        Assert.Null(job.Timing);
    }

    /// <summary>What the harness writes beside the outputs: the inputs read back, and every buffer's zones as filled.</summary>
    private void WriteInputsAndZones(float firstX = 1)
    {
        RawBufferFile.Write(HostBuffer.Float32("x", [firstX, 2, 3]), Prefix + ".x.bin");
        RawBufferFile.Write(HostBuffer.Float32("y", [4, 5, 6]), Prefix + ".y.bin");
        foreach (var buffer in new[] { "x", "y", "z" })
            File.WriteAllBytes($"{Prefix}.{buffer}.guards.bin", GuardZones.Filled(2 * GuardZones.MinimumBytes));
    }

    [Fact]
    public void The_outputs_and_device_times_are_read_from_the_harness_files()
    {
        File.WriteAllText(Prefix + ".json", """{"status": "ok", "timesMs": [0.5, 0.25]}""");
        RawBufferFile.Write(HostBuffer.Float32("z", [5, 7.25f, -9]), Prefix + ".z.bin");
        WriteInputsAndZones();

        var outcome = TritonHarnessResult.ReadLaunch(Prefix, SaxpyRequest(new TimedRepetitions(0, 2)), new ProcessResult(0, "", ""));

        Assert.Null(outcome.Failure);
        Assert.Equal([5f, 7.25f, -9f], outcome.Outputs!["z"].AsFloat32().ToArray());
        Assert.Equal([0.5, 0.25], outcome.DeviceTimesMs);
        Assert.Equal(["x", "y", "z"], outcome.Guards!.Select(g => g.Buffer));
        Assert.Empty(GuardZones.FindStrayWrites(SaxpyRequest().Arguments.OfType<BufferArgument>(), outcome.Guards!));
    }

    [Fact]
    public void A_changed_zone_or_input_in_the_harness_files_reaches_the_guard_check()
    {
        File.WriteAllText(Prefix + ".json", """{"status": "ok"}""");
        RawBufferFile.Write(HostBuffer.Float32("z", [5, 7.25f, -9]), Prefix + ".z.bin");
        WriteInputsAndZones(firstX: 0);
        var zones = GuardZones.Filled(2 * GuardZones.MinimumBytes);
        zones[GuardZones.MinimumBytes] = 0; // z[3], the first element after z
        File.WriteAllBytes(Prefix + ".z.guards.bin", zones);

        var outcome = TritonHarnessResult.ReadLaunch(Prefix, SaxpyRequest(), new ProcessResult(0, "", ""));

        Assert.Equal(
        [
            "wrote to input x: 1 of 3 elements changed; first x[0]: was 1, now 0",
            "out of bounds after the end of z: the guard zone changed at z[3] (1 element; z has 3 elements)",
        ], GuardZones.FindStrayWrites(SaxpyRequest().Arguments.OfType<BufferArgument>(), outcome.Guards!));
    }

    [Fact]
    public void Missing_guard_zones_or_inputs_are_a_broken_protocol_not_a_pass()
    {
        File.WriteAllText(Prefix + ".json", """{"status": "ok"}""");
        RawBufferFile.Write(HostBuffer.Float32("z", [5, 7.25f, -9]), Prefix + ".z.bin");

        var noInput = TritonHarnessResult.ReadLaunch(Prefix, SaxpyRequest(), new ProcessResult(0, "", ""));
        WriteInputsAndZones();
        File.Delete(Prefix + ".y.guards.bin");
        var noZones = TritonHarnessResult.ReadLaunch(Prefix, SaxpyRequest(), new ProcessResult(0, "", ""));

        Assert.Equal("the harness broke its protocol: input x was not written", noInput.Failure!.Message);
        Assert.Equal("the harness broke its protocol: the guard zones of y were not written", noZones.Failure!.Message);
    }

    [Fact]
    public void What_the_process_printed_is_never_taken_for_a_result()
    {
        var printed = new ProcessResult(0, """{"status": "ok", "timesMs": [0.001]}""", "");

        var outcome = TritonHarnessResult.ReadLaunch(Prefix, SaxpyRequest(), printed);

        Assert.Equal(FailureKind.Crashed, outcome.Failure!.Kind);
        Assert.Equal("the Python process exited with code 0 without writing a result", outcome.Failure.Message);
    }

    [Fact]
    public void A_process_that_died_without_a_result_is_a_crash_with_its_output_as_log()
    {
        var outcome = TritonHarnessResult.ReadLaunch(Prefix, SaxpyRequest(), new ProcessResult(-11, "", "Segmentation fault"));

        Assert.Equal(FailureKind.Crashed, outcome.Failure!.Kind);
        Assert.Contains("code -11", outcome.Failure.Message);
        Assert.Equal("stderr:\nSegmentation fault", outcome.Failure.Log);
    }

    [Theory]
    [InlineData("compile_error", FailureKind.CompileError)]
    [InlineData("runtime_error", FailureKind.RuntimeError)]
    [InlineData("unsupported", FailureKind.Unsupported)]
    public void The_harness_verdict_becomes_the_failure_kind_with_its_traceback(string status, FailureKind kind)
    {
        File.WriteAllText(Prefix + ".json", $$"""{"status": "{{status}}", "message": "the first launch failed: X", "log": "Traceback ..."}""");

        var outcome = TritonHarnessResult.ReadLaunch(Prefix, SaxpyRequest(), new ProcessResult(0, "", ""));

        Assert.Equal(new ExecutionFailure(kind, "the first launch failed: X", "Traceback ..."), outcome.Failure);
    }

    [Fact]
    public void A_missing_or_short_output_file_is_a_broken_protocol_not_an_answer()
    {
        File.WriteAllText(Prefix + ".json", """{"status": "ok", "timesMs": []}""");

        var missing = TritonHarnessResult.ReadLaunch(Prefix, SaxpyRequest(), new ProcessResult(0, "", ""));
        RawBufferFile.Write(HostBuffer.Float32("z", [5, 7]), Prefix + ".z.bin");
        var shortFile = TritonHarnessResult.ReadLaunch(Prefix, SaxpyRequest(), new ProcessResult(0, "", ""));

        Assert.Equal("the harness broke its protocol: output z was not written", missing.Failure!.Message);
        Assert.Equal("the harness broke its protocol: output z has 8 bytes, not 12 (float32[3])", shortFile.Failure!.Message);
    }

    [Fact]
    public void Int32_buffers_round_trip_through_raw_files_and_are_deleted_with_their_result()
    {
        RawBufferFile.Write(HostBuffer.Int32("h", [0, -1, int.MaxValue]), Prefix + ".h.bin");
        File.WriteAllText(Prefix + ".json", "{}");
        WriteInputsAndZones();

        var read = RawBufferFile.Read("h", ElementType.Int32, 3, Prefix + ".h.bin", out var problem);
        TritonHarnessResult.Delete(Prefix, SaxpyRequest());

        Assert.Null(problem);
        Assert.Equal([0, -1, int.MaxValue], read!.AsInt32().ToArray());
        Assert.False(File.Exists(Prefix + ".json"));
        Assert.Equal([Prefix + ".h.bin"], Directory.GetFiles(folder, "*.bin"));
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
