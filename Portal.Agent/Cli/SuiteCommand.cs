using System.Text.Json;
using Portal.Kernels.Devices;
using Portal.Kernels.Isolation;
using Portal.Kernels.Results;
using Portal.Kernels.Spec;
using Portal.Kernels.Suite;

namespace Portal.Agent.Cli;

/// <summary>
/// <c>suite [--device ID] [--language L] [--controls] [--json]</c>: every built-in conformance kernel on one device (or,
/// per language, the first device that accepts it), each isolated like any job; a table or JSON of the verdicts. With
/// <c>--controls</c> it runs the known-wrong control kernels instead, each of which must fail, and names any that did not.
/// </summary>
internal sealed class SuiteCommand(DeviceCatalog catalog, ChildCommand command, TextWriter output)
{
    /// <param name="Control">The control kernel's bug class (lost_tail, race, …); null for a suite kernel.</param>
    /// <param name="Op">The suite kernel's name: the op, with its dtype for a variant (<c>matmul.bf16</c>).</param>
    /// <param name="Dtype">The spec's dtype (f32 for the plain kernels); null for a control kernel.</param>
    public sealed record SuiteRow(string Op, string Language, string? Device, KernelResult Result, string? Control = null, string? Dtype = null);

    public async Task<int> RunAsync(CommandLine options, CancellationToken cancellationToken)
    {
        var language = options.Value("--language") is { } name ? ParseLanguage(name) : (KernelLanguage?)null;
        var deviceId = options.Value("--device");
        if (deviceId is not null && catalog.Find(deviceId) is null)
            throw new CommandLineException($"there is no device {deviceId} on this host; see 'devices'");

        var json = options.Flag("--json");
        if (options.Flag("--controls"))
            return await RunControlsAsync(language, deviceId, json, cancellationToken);
        if (!json)
            await output.WriteLineAsync($"{"op",-16} {"language",-9} {"device",-14} {"verdict",-14} {"median ms",10} {"GB/s",9} {"TFLOP/s",8}");
        var rows = new List<SuiteRow>();
        foreach (var entry in ConformanceSuite.All.Where(e => language is null || e.Language == language))
        {
            var row = await RunEntryAsync(entry, deviceId, cancellationToken);
            rows.Add(row);
            if (!json)
                await output.WriteLineAsync(FormatRow(row));
        }
        if (json)
            await output.WriteLineAsync(JsonSerializer.Serialize(rows, AgentCommands.Json));
        else
            await output.WriteLineAsync($"{rows.Count(r => r.Result.Status == KernelStatus.Passed)} of {rows.Count} passed");
        return AgentCommands.Ok;
    }

    private async Task<int> RunControlsAsync(KernelLanguage? language, string? deviceId, bool json, CancellationToken cancellationToken)
    {
        if (!json)
            await output.WriteLineAsync($"{"op",-12} {"control",-14} {"language",-9} {"device",-14} {"verdict",-14} message");
        var rows = new List<SuiteRow>();
        foreach (var control in ControlKernels.All.Where(c => language is null || c.Language == language))
        {
            var specJson = KernelSpecJson.Serialize(control.Spec);
            var result = await AgentCommands.ExecuteAsync(catalog, command, specJson, deviceId, cancellationToken);
            var row = new SuiteRow(control.Op, control.Language.Name(), result.Device?.Id, result, control.BugName);
            rows.Add(row);
            if (!json)
                await output.WriteLineAsync($"{row.Op,-12} {row.Control,-14} {row.Language,-9} {row.Device ?? "-",-14} {result.Status.Name(),-14} " +
                    (result.Status == KernelStatus.Passed ? "CONTROL PASSED: the checks missed this bug" : result.Message));
        }
        if (json)
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(rows, AgentCommands.Json));
            return AgentCommands.Ok;
        }
        var passed = rows.Where(r => r.Result.Status == KernelStatus.Passed).Select(r => $"{r.Op}.{r.Control} ({r.Language})").ToList();
        await output.WriteLineAsync($"{rows.Count(r => r.Result.Status == KernelStatus.Failed)} of {rows.Count} controls failed as they must" +
            (passed.Count == 0 ? "" : $"; CONTROLS THAT PASSED: {string.Join(", ", passed)}"));
        return AgentCommands.Ok;
    }

    private async Task<SuiteRow> RunEntryAsync(SuiteEntry entry, string? deviceId, CancellationToken cancellationToken)
    {
        var specJson = KernelSpecJson.Serialize(entry.Spec);
        var result = await AgentCommands.ExecuteAsync(catalog, command, specJson, deviceId, cancellationToken);
        return new SuiteRow(entry.Name, entry.Language.Name(), result.Device?.Id, result, Dtype: entry.Dtype);
    }

    private static string FormatRow(SuiteRow row)
    {
        var timing = row.Result.Timing;
        return $"{row.Op,-16} {row.Language,-9} {row.Device ?? "-",-14} {row.Result.Status.Name(),-14} " +
               $"{(timing is null ? "-" : timing.MedianMs.ToString("0.000")),10} {(timing is null ? "-" : timing.GbPerSecond.ToString("0.0")),9} " +
               $"{(timing?.TflopPerSecond is { } tflops ? tflops.ToString("0.000") : "-"),8}" +
               (row.Result.Status == KernelStatus.Passed ? "" : $"  {row.Result.Message}");
    }

    private static KernelLanguage ParseLanguage(string name) =>
        KernelLanguages.Parse(name) ?? throw new CommandLineException($"unknown language '{name}': {string.Join(", ", KernelLanguages.Names)}");
}
