using Portal.Kernels.Devices;
using Portal.Kernels.Execution;
using Portal.Kernels.References;
using Portal.Kernels.Results;
using Portal.Kernels.Spec;

namespace Portal.Kernels.Isolation;

/// <summary>
/// The isolated side of a job: <c>child --spec FILE --device ID --out FILE</c>. Runs the spec with the
/// device's executor and writes the result JSON to the out file (written to a temporary name and renamed,
/// so the parent never reads half a result). The parent treats a missing result file as a crash.
/// </summary>
public static class KernelChild
{
    public const string Verb = "child";

    /// <summary>Kernel mode: also read a custom op's references from this folder (then deleted, before the kernel starts).</summary>
    public const string ReferencesOption = "--references";

    /// <summary>Reference mode: compute a custom op's references into this folder and run no kernel.</summary>
    public const string ComputeReferencesOption = "--compute-references";

    public static IReadOnlyList<string> Arguments(string specFile, string deviceId, string outFile, string? option = null, string? folder = null) =>
        option is null
            ? [Verb, "--spec", specFile, "--device", deviceId, "--out", outFile]
            : [Verb, "--spec", specFile, "--device", deviceId, "--out", outFile, option, folder!];

    /// <returns>The process exit code: 0 when a result was written, 2 for a malformed command line.</returns>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, DeviceCatalog catalog, KernelLimits limits, CancellationToken cancellationToken)
    {
        var spec = Option(args, "--spec");
        var deviceId = Option(args, "--device");
        var output = Option(args, "--out");
        if (spec is null || deviceId is null || output is null)
        {
            await Console.Error.WriteLineAsync("usage: child --spec FILE --device ID --out FILE");
            return 2;
        }

        var specJson = await File.ReadAllTextAsync(spec, cancellationToken);
        var result = Option(args, ComputeReferencesOption) is { } computeInto
            ? await ComputeReferencesAsync(specJson, computeInto, limits, cancellationToken)
            : await RunSpecAsync(specJson, deviceId, catalog, limits, Option(args, ReferencesOption), cancellationToken);
        if (result is null)
            return 0;
        var temporary = output + ".partial";
        await File.WriteAllTextAsync(temporary, KernelResultJson.Serialize(result), cancellationToken);
        File.Move(temporary, output, overwrite: true);
        return 0;
    }

    /// <summary>
    /// Reference mode: every case's reference into <paramref name="folder"/> as <c>KEY.ref</c> (<see cref="ReferenceFile"/>),
    /// and no result (null); or the invalid_spec or unsupported result that stops the job. The time it took goes to stderr.
    /// </summary>
    private static async Task<KernelResult?> ComputeReferencesAsync(string specJson, string folder, KernelLimits limits, CancellationToken cancellationToken)
    {
        var validation = KernelSpecJson.Parse(specJson, limits);
        if (validation.Spec is not { } spec)
            return new KernelResult(KernelStatus.InvalidSpec, validation.Message);
        var references = new CustomReferences();
        var (all, failure) = await references.ComputeAllAsync(spec, cancellationToken);
        if (failure is not null)
            return new KernelResult(failure.Unsupported ? KernelStatus.Unsupported : KernelStatus.InvalidSpec, failure.Message, HostPaths.Redact(failure.Log));
        Directory.CreateDirectory(folder);
        for (var i = 0; i < spec.Cases.Count; i++)
        {
            var path = Path.Combine(folder, CustomReferences.CaseKey(spec, spec.Cases[i]) + ".ref");
            await File.WriteAllBytesAsync(path + ".partial", ReferenceFile.Write(all![i]), cancellationToken);
            File.Move(path + ".partial", path, overwrite: true);
        }
        await Console.Error.WriteLineAsync($"reference: {references.Computed} cases in {references.ComputeTime.TotalMilliseconds:0} ms");
        return null;
    }

    /// <summary>The references the agent handed over, read into memory and their folder deleted before any kernel runs.</summary>
    private static CustomReferences? LoadReferences(ValidatedSpec spec, string? folder)
    {
        if (folder is null || spec.Op.Custom is null)
            return null;
        var loaded = new Dictionary<string, IReadOnlyDictionary<string, double[]>>(StringComparer.Ordinal);
        foreach (var parameters in spec.Cases)
        {
            var key = CustomReferences.CaseKey(spec, parameters);
            var path = Path.Combine(folder, key + ".ref");
            if (File.Exists(path) && ReferenceFile.Read(File.ReadAllBytes(path), spec.Op, parameters) is { } outputs)
                loaded[key] = outputs;
        }
        Directory.Delete(folder, recursive: true);
        return new CustomReferences(loaded);
    }

    private static async Task<KernelResult> RunSpecAsync(string specJson, string deviceId, DeviceCatalog catalog, KernelLimits limits,
        string? referencesFolder, CancellationToken cancellationToken)
    {
        var validation = KernelSpecJson.Parse(specJson, limits);
        var device = catalog.Find(deviceId);
        if (device is null)
            return new KernelResult(KernelStatus.Unsupported, $"there is no device {deviceId} on this host");
        if (validation.Spec is not { } valid)
            return new KernelResult(KernelStatus.InvalidSpec, validation.Message, Device: device.ToDeviceInfo());
        var executor = catalog.ExecutorFor(device, valid.Language);
        if (executor is null)
            return new KernelResult(KernelStatus.Unsupported, $"{device.Name} ({device.Id}) does not accept {valid.Language.Name()} kernels",
                Device: device.ToDeviceInfo());
        var runner = new KernelRunner(new WatchdogExecutor(executor), limits: limits, references: LoadReferences(valid, referencesFolder),
            progress: new StandardOutputProgress());
        return await runner.RunAsync(valid, device.ToDeviceInfo(), cancellationToken);
    }

    private static string? Option(IReadOnlyList<string> args, string name)
    {
        for (var i = 0; i < args.Count - 1; i++)
        {
            if (args[i] == name)
                return args[i + 1];
        }
        return null;
    }

    /// <summary>Each step as a line on standard output, where the parent reads it (<see cref="JobProgress.ParseLine"/>); synchronous, so in order.</summary>
    private sealed class StandardOutputProgress : IProgress<JobProgress>
    {
        public void Report(JobProgress value)
        {
            Console.Out.WriteLine(value.ToLine());
            Console.Out.Flush();
        }
    }
}
