using System.Net.Http.Headers;
using System.Text.Json;
using Portal.Agent.Cli;
using Portal.Agent.Queue;
using Portal.Contracts.Signing;
using Portal.Kernels;
using Portal.Kernels.Devices;
using Portal.Kernels.Isolation;
using Portal.Kernels.Spec;
using Portal.Kernels.Suite;

namespace Portal.Agent.Offline;

/// <summary>
/// The air-gapped flow: <c>enroll</c> (a key pair and the one-time code an admin enters), <c>fetch-suite</c> (on a connected
/// host: the portal's suite specs to a file), and <c>suite --offline</c> / <c>exec --offline</c> (run with no portal, write a
/// signed bundle to upload later).
/// </summary>
internal static class OfflineCommands
{
    public static async Task<int> EnrollAsync(CommandLine line, TextWriter output, TextWriter error, Func<string, string?> environment,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var path = line.Value("--state") ?? OfflineIdentity.DefaultPath(environment);
        var identity = await OfflineIdentity.LoadAsync(path, cancellationToken);
        if (identity is null)
        {
            using var key = AgentKey.Create();
            identity = new OfflineIdentity(line.Value("--name") ?? Environment.MachineName, key.PrivateKey, key.PublicKey, time.GetUtcNow());
            await identity.SaveAsync(path, cancellationToken);
            await error.WriteLineAsync($"made a signing key for offline agent {identity.Name} in {path} (keep it: it is this agent's identity)");
        }
        else if (line.Value("--name") is { } name && name != identity.Name)
        {
            await error.WriteLineAsync($"error: {path} already holds offline agent {identity.Name}; its code follows (use --state for another)");
        }
        var code = new OfflineEnrolment(identity.Name, identity.PublicKey, Environment.MachineName, AgentIdentity.AgentVersion, KernelEngine.Version).Encode();
        if (line.Value("--key-file") is { } keyFile)
            await File.WriteAllTextAsync(keyFile, code + "\n", cancellationToken);
        await output.WriteLineAsync(code);
        await error.WriteLineAsync($"an admin enters this one-time code on the portal's agents page (key {AgentKey.Fingerprint(identity.PublicKey)})");
        return AgentCommands.Ok;
    }

    public static async Task<int> FetchSuiteAsync(CommandLine line, TextWriter error, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        var portal = PortalAddress.Parse(line.Value("--portal") ?? environment("PORTAL_URL"));
        var token = line.Value("--token") ?? environment("PORTAL_TOKEN")
            ?? throw new CommandLineException("--token (or PORTAL_TOKEN) is missing: a personal API token (cpt_…) from your account page");
        var outFile = line.Value("--out") ?? throw new CommandLineException("--out FILE is missing: where to write the suite");
        var language = line.Value("--language");
        using var http = new HttpClient { BaseAddress = portal, Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        try
        {
            using var response = await http.GetAsync("api/v1/bundles/suite" + (language is null ? "" : $"?language={Uri.EscapeDataString(language)}"),
                cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                await error.WriteLineAsync($"error: the portal answered {(int)response.StatusCode}: {text}");
                return AgentCommands.NoResult;
            }
            await File.WriteAllTextAsync(outFile, text, cancellationToken);
            using var suite = JsonDocument.Parse(text);
            await error.WriteLineAsync($"{suite.RootElement.GetProperty("tests").GetArrayLength()} suite tests written to {outFile}; " +
                                       $"carry it to the offline host and run 'Portal.Agent suite --offline --specs {outFile} --out results.bundle'");
            return AgentCommands.Ok;
        }
        catch (HttpRequestException e)
        {
            await error.WriteLineAsync($"error: cannot reach the portal at {portal}: {e.Message}");
            return AgentCommands.NoResult;
        }
    }

    /// <summary>The specs to run offline: the fetched suite file (with the portal's test ids), else the built-in suite.</summary>
    public static async Task<IReadOnlyList<(string Name, Guid? TestId, string Language, string Spec)>> SuiteSpecsAsync(string? file, string? language,
        CancellationToken cancellationToken)
    {
        if (file is null)
            return ConformanceSuite.All.Where(e => language is null || e.Language.Name() == language)
                .Select(e => (e.Name, (Guid?)null, e.Language.Name(), KernelSpecJson.Serialize(e.Spec))).ToList();
        using var suite = JsonDocument.Parse(await File.ReadAllTextAsync(file, cancellationToken));
        if (!suite.RootElement.TryGetProperty("format", out var format) || format.GetString() != ResultBundleFormat.SuiteFormat)
            throw new CommandLineException($"--specs {file} is not a suite from 'Portal.Agent fetch-suite' (format {ResultBundleFormat.SuiteFormat})");
        return suite.RootElement.GetProperty("tests").EnumerateArray()
            .Select(t => (t.GetProperty("name").GetString()!, (Guid?)t.GetProperty("testId").GetGuid(), t.GetProperty("language").GetString()!,
                t.GetProperty("spec").GetRawText()))
            .Where(t => language is null || t.Item3 == language)
            .ToList();
    }

    /// <summary>Runs the specs with no portal and writes the signed bundle; a verdict per spec, as <c>suite</c> prints them.</summary>
    public static async Task<int> RunOfflineAsync(IReadOnlyList<(string Name, Guid? TestId, string Language, string Spec)> specs, DeviceCatalog catalog,
        ChildCommand command, CommandLine line, TextWriter output, TextWriter error, Func<string, string?> environment, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var outFile = line.Value("--out") ?? throw new CommandLineException("--offline needs --out FILE: where to write the signed bundle");
        var statePath = line.Value("--state") ?? OfflineIdentity.DefaultPath(environment);
        OfflineIdentity? identity;
        try
        {
            identity = await OfflineIdentity.LoadAsync(statePath, cancellationToken);
        }
        catch (InvalidDataException e)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return AgentCommands.NoResult;
        }
        if (identity is null)
            throw new CommandLineException($"this host has no offline agent key ({statePath}): run 'Portal.Agent enroll' first and have an admin enter its code");
        var deviceId = line.Value("--device");
        if (deviceId is not null && catalog.Find(deviceId) is null)
            throw new CommandLineException($"there is no device {deviceId} on this host; see 'devices'");
        var bundle = new BundleWriter(identity, catalog.Devices, time);
        foreach (var (name, testId, _, spec) in specs)
        {
            var started = time.GetUtcNow();
            var result = await AgentCommands.ExecuteAsync(catalog, command, spec, deviceId, cancellationToken);
            bundle.Add(spec, name, testId, result.Device?.Id, started, result);
            await output.WriteLineAsync($"{name,-24} {result.Device?.Id ?? "-",-14} {result.Status.Name(),-14} {(result.Status == KernelStatus.Passed ? "" : result.Message)}");
        }
        var id = await bundle.WriteAsync(outFile, cancellationToken);
        await output.WriteLineAsync($"bundle {id}: {bundle.Count} results signed by {identity.Name} (key {AgentKey.Fingerprint(identity.PublicKey)}) in {outFile}");
        return AgentCommands.Ok;
    }
}
