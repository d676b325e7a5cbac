using System.Text.Json;
using Portal.Kernels.Buffers;
using Portal.Kernels.Execution;
using Portal.Kernels.Ops;
using Portal.Kernels.Spec;
using Portal.Kernels.Triton;

namespace Portal.Tests.Kernels.Triton;

/// <summary>
/// Triton and the storage dtypes, without torch: the job names each buffer's torch dtype and the zone after it (which
/// starts at the buffer's end, so an odd-length bfloat16 or fp8 buffer is guarded from its first element past the
/// end), the agent reads zones of that size back, and the harness's own rule answers unsupported for a dtype torch or
/// the GPU lacks (run by this host's python3 against a stand-in for torch's dtype and capability surface).
/// </summary>
public sealed class TritonDtypeTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("portal-triton-dtypes-").FullName;

    private string Prefix => Path.Combine(folder, "r0dd");

    /// <summary>vector_add with bf16 inputs of odd length (6 bytes each: not whole 32-bit words) and an f16 output.</summary>
    private static LaunchRequest OddBf16Request() => new(
        new CaseParams(OpCatalog.Get("vector_add"), new Dictionary<string, double> { ["n"] = 3 }),
        new LaunchDimensions(null, null, [1], null, null, null, null),
        [
            new BufferArgument("x", ElementType.BFloat16, 3, BufferRole.Input, HostBuffer.FromValues("x", ElementType.BFloat16, 3, i => i + 1)),
            new BufferArgument("y", ElementType.Float8E4M3, 3, BufferRole.Input, HostBuffer.FromValues("y", ElementType.Float8E4M3, 3, i => i)),
            new BufferArgument("z", ElementType.Float16, 3, BufferRole.Output, null),
            new IntArgument("n", 3),
        ],
        null);

    [Fact]
    public void The_job_names_each_buffers_torch_dtype_and_the_zone_after_it()
    {
        var job = TritonJob.Launch("m.py", "vector_add", 0, OddBf16Request(), b => b.Name + ".bin");
        job.WriteTo(Path.Combine(folder, "job.json"));

        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "job.json")));
        var args = document.RootElement.GetProperty("args").EnumerateArray().Take(3).ToList();
        Assert.Equal(["bfloat16", "float8_e4m3fn", "float16"], args.Select(a => a.GetProperty("type").GetString()));
        // 6, 3 and 6 bytes: each zone after makes its allocation whole canary words again (64 KiB + 2, + 1, + 2).
        Assert.Equal([65538L, 65537L, 65538L], args.Select(a => a.GetProperty("afterBytes").GetInt64()));
        Assert.Equal(65536, document.RootElement.GetProperty("guardBytes").GetInt64());
    }

    [Theory]
    [InlineData(ElementType.Float32, "float32")]
    [InlineData(ElementType.Float16, "float16")]
    [InlineData(ElementType.BFloat16, "bfloat16")]
    [InlineData(ElementType.Float8E4M3, "float8_e4m3fn")]
    [InlineData(ElementType.Float8E5M2, "float8_e5m2")]
    [InlineData(ElementType.Int32, "int32")]
    public void Every_buffer_type_travels_as_the_torch_dtype_the_harness_looks_up(ElementType type, string torch)
    {
        LaunchRequest request = new(
            new CaseParams(OpCatalog.Get("vector_add"), new Dictionary<string, double> { ["n"] = 4 }),
            new LaunchDimensions(null, null, [1], null, null, null, null),
            [new BufferArgument("z", type, 4, BufferRole.Output, null)],
            null);

        var job = TritonJob.Launch("m.py", "k", 0, request, b => b.Name);

        Assert.Equal(torch, job.Args![0].Type);
        Assert.Equal(GuardZones.AfterZoneBytes(4L * type.SizeInBytes()), job.Args[0].AfterBytes);
    }

    private void WriteHarnessFiles(Action<Dictionary<string, byte[]>>? tamper = null)
    {
        File.WriteAllText(Prefix + ".json", """{"status": "ok"}""");
        var request = OddBf16Request();
        RawBufferFile.Write(HostBuffer.FromValues("z", ElementType.Float16, 3, i => 2 * i + 1), Prefix + ".z.bin");
        var zones = new Dictionary<string, byte[]>();
        foreach (var buffer in request.Arguments.OfType<BufferArgument>())
        {
            if (buffer.Input is { } input)
                RawBufferFile.Write(input, $"{Prefix}.{buffer.Name}.bin");
            var bytes = TritonJob.Bytes(buffer);
            // As the harness fills them: one canary run over the allocation, so the zone after starts mid-word.
            zones[buffer.Name] = [.. GuardZones.Filled(GuardZones.MinimumBytes), .. GuardZones.Filled(GuardZones.AfterZoneBytes(bytes), GuardZones.Phase(bytes))];
        }
        tamper?.Invoke(zones);
        foreach (var (name, zone) in zones)
            File.WriteAllBytes($"{Prefix}.{name}.guards.bin", zone);
    }

    [Fact]
    public void Untouched_zones_of_odd_length_narrow_buffers_are_read_back_whole_and_find_nothing()
    {
        WriteHarnessFiles();

        var outcome = TritonHarnessResult.ReadLaunch(Prefix, OddBf16Request(), new ProcessResult(0, "", ""));

        Assert.Null(outcome.Failure);
        Assert.Equal([1.0, 3.0, 5.0], outcome.Outputs!["z"].ToDoubles());
        Assert.Null(GuardZones.FindMissingReading(OddBf16Request().Arguments.OfType<BufferArgument>(), outcome.Guards));
        Assert.Empty(GuardZones.FindStrayWrites(OddBf16Request().Arguments.OfType<BufferArgument>(), outcome.Guards!));
    }

    [Fact]
    public void One_element_written_past_the_end_of_an_odd_length_bf16_buffer_is_out_of_bounds_at_its_index()
    {
        // x[3]: the two bytes right after x's 6, which sit in the middle of a canary word.
        WriteHarnessFiles(zones => zones["x"][GuardZones.MinimumBytes] ^= 0xFF);

        var outcome = TritonHarnessResult.ReadLaunch(Prefix, OddBf16Request(), new ProcessResult(0, "", ""));

        Assert.Equal(["out of bounds after the end of x: the guard zone changed at x[3] (1 element; x has 3 elements)"],
            GuardZones.FindStrayWrites(OddBf16Request().Arguments.OfType<BufferArgument>(), outcome.Guards!));
    }

    [Fact]
    public void Zones_in_the_old_whole_word_layout_are_a_broken_protocol()
    {
        WriteHarnessFiles(zones => zones["x"] = GuardZones.Filled(2 * GuardZones.MinimumBytes));

        var outcome = TritonHarnessResult.ReadLaunch(Prefix, OddBf16Request(), new ProcessResult(0, "", ""));

        Assert.Equal("the harness broke its protocol: the guard zones of x have 131072 bytes, not 131074", outcome.Failure!.Message);
    }

    /// <summary>harness.torch_dtype against a stand-in with torch's dtype and capability surface, as python3 here runs it.</summary>
    private async Task<string> HarnessDecisionAsync(string dtype, bool hasFp8, int major, int minor)
    {
        var harness = Path.Combine(folder, "harness.py");
        await using (var resource = typeof(TritonExecutor).Assembly.GetManifestResourceStream(TritonExecutor.HarnessResource)!)
        await using (var file = File.Create(harness))
            await resource.CopyToAsync(file);
        var script = $$"""
            import sys
            sys.path.insert(0, sys.argv[1])
            import harness
            class dtype:
                pass
            class torch:
                __version__ = "2.0.1"
                float32 = float16 = bfloat16 = int32 = dtype()
                class cuda:
                    @staticmethod
                    def get_device_capability(device):
                        return ({{major}}, {{minor}})
            torch.dtype = dtype
            if {{(hasFp8 ? "True" : "False")}}:
                torch.float8_e4m3fn = torch.float8_e5m2 = dtype()
            try:
                harness.torch_dtype(torch, "{{dtype}}", "x", 0)
                print("ok")
            except harness.Failure as failure:
                print(failure.status + ": " + failure.message)
            """;
        var process = await TritonProcess.RunAsync(["python3", "-c", script, folder], folder, new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin" }, CancellationToken.None);
        Assert.True(process.ExitCode == 0, process.Output);
        return process.StandardOutput.Trim();
    }

    [Fact]
    public async Task The_harness_answers_unsupported_for_a_dtype_torch_lacks_or_fp8_below_compute_capability_8_9()
    {
        Assert.Equal("unsupported: torch 2.0.1 has no float8_e4m3fn, the dtype of x", await HarnessDecisionAsync("float8_e4m3fn", hasFp8: false, 9, 0));
        Assert.Equal("unsupported: fp8 buffers (x: float8_e5m2) need compute capability 8.9 or newer; this device has 8.0",
            await HarnessDecisionAsync("float8_e5m2", hasFp8: true, 8, 0));
        Assert.Equal("ok", await HarnessDecisionAsync("float8_e4m3fn", hasFp8: true, 9, 0));
        Assert.Equal("ok", await HarnessDecisionAsync("bfloat16", hasFp8: false, 7, 5));
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
