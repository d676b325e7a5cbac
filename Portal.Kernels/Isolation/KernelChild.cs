using Portal.Kernels.Devices;
using Portal.Kernels.Execution;
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

    public static IReadOnlyList<string> Arguments(string specFile, string deviceId, string outFile) =>
        [Verb, "--spec", specFile, "--device", deviceId, "--out", outFile];

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

        var result = await RunSpecAsync(await File.ReadAllTextAsync(spec, cancellationToken), deviceId, catalog, limits, cancellationToken);
        var temporary = output + ".partial";
        await File.WriteAllTextAsync(temporary, KernelResultJson.Serialize(result), cancellationToken);
        File.Move(temporary, output, overwrite: true);
        return 0;
    }

    private static async Task<KernelResult> RunSpecAsync(string specJson, string deviceId, DeviceCatalog catalog, KernelLimits limits, CancellationToken cancellationToken)
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
        var runner = new KernelRunner(new WatchdogExecutor(executor), limits: limits);
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
}
