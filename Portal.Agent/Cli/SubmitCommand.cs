using System.Text.Json;
using Portal.Contracts.Queue;
using Portal.Agent.Submit;

namespace Portal.Agent.Cli;

/// <summary>
/// <c>submit (SPEC.json | --test ID) --portal URL --token cpt_… [--name N] [--visibility private|consortium]
/// [--target sku:ID|device:ID …] [--wait] [--json]</c>: a developer's kernel as a test, run on the targets; with
/// --wait, progress until every job is final, then the results. Exit codes: 0 all passed (or, without --wait, the
/// run was queued), 3 a job did not pass, 1 the portal refused or could not be reached, 2 bad usage.
/// </summary>
internal sealed class SubmitCommand(TextWriter output, TextWriter error, Func<string, string?> environment, TimeProvider time)
{
    private static readonly TimeSpan PollEvery = TimeSpan.FromSeconds(1);
    private const int PatienceForFailedPolls = 10;

    private static readonly JsonSerializerOptions Indented = new(AgentCommands.Json);

    public sealed record Request(Uri Portal, string Token, string? SpecFile, Guid? TestId, string? Name, string Visibility,
        IReadOnlyList<string> Targets, bool Wait, bool Json, Guid? Organization = null)
    {
        public override string ToString() => $"submit to {Portal}"; // never print the token
    }

    public static Request Parse(CommandLine line, Func<string, string?> environment)
    {
        var portal = PortalAddress.Parse(line.Value("--portal") ?? environment("PORTAL_URL"));
        var token = line.Value("--token") ?? environment("PORTAL_TOKEN");
        if (string.IsNullOrWhiteSpace(token))
            throw new CommandLineException("--token (or PORTAL_TOKEN) is missing: a personal API token (cpt_…) from your account page");
        if (token.StartsWith(AgentProtocol.AgentTokenPrefix, StringComparison.Ordinal) || token.StartsWith(AgentProtocol.RegistrationTokenPrefix, StringComparison.Ordinal))
            throw new CommandLineException("--token takes a personal API token (cpt_…), not an agent's or a registration token");
        Guid? testId = null;
        if (line.Value("--test") is { } test)
            testId = Guid.TryParse(test, out var id) ? id : throw new CommandLineException($"--test takes a test id, not '{test}'");
        var spec = line.OptionalPositional("SPEC.json");
        if ((spec is null) == (testId is null))
            throw new CommandLineException(spec is null ? "SPEC.json (or --test ID) is missing" : "give SPEC.json or --test ID, not both");
        if (testId is not null && (line.Value("--name") is not null || line.Value("--visibility") is not null))
            throw new CommandLineException("--name and --visibility describe a new test; --test runs an existing one");
        var visibility = line.Value("--visibility") ?? "private";
        if (visibility is not ("private" or "consortium"))
            throw new CommandLineException($"--visibility is private or consortium, not '{visibility}'");
        foreach (var target in line.Values("--target"))
        {
            var colon = target.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || colon == target.Length - 1 || target[..colon] is not ("sku" or "device"))
                throw new CommandLineException($"--target is sku:ID or device:ID, not '{target}'");
        }
        Guid? organization = null;
        if (line.Value("--organization") is { } owner)
            organization = Guid.TryParse(owner, out var ownerId) ? ownerId : throw new CommandLineException($"--organization takes an organisation id, not '{owner}'");
        return new Request(portal, token.Trim(), spec, testId, line.Value("--name"), visibility, line.Values("--target"), line.Flag("--wait"),
            line.Flag("--json"), organization);
    }

    public async Task<int> RunAsync(CommandLine line, CancellationToken cancellationToken)
    {
        var request = Parse(line, environment);
        using var http = PortalConnection.CreateHttpClient(request.Portal);
        var client = new TestRunClient(new PortalConnection(http, request.Token, time));
        // With --json, stdout carries only the document; progress goes to stderr.
        var progressOut = request.Json ? error : output;
        try
        {
            var testId = request.TestId;
            if (testId is null)
            {
                if (await ReadSpecAsync(request.SpecFile!, cancellationToken) is not { } spec)
                    return AgentCommands.NoResult;
                var name = request.Name ?? Path.GetFileNameWithoutExtension(request.SpecFile!);
                testId = await client.CreateTestAsync(name, request.Visibility, request.Organization, spec, cancellationToken);
                await progressOut.WriteLineAsync($"test {testId} ({name})");
            }
            var runId = await client.StartRunAsync(testId.Value, request.Targets, cancellationToken);
            if (!request.Wait)
            {
                if (request.Json)
                    await output.WriteLineAsync(JsonSerializer.Serialize((await client.GetRunAsync(runId, cancellationToken)).Json, Indented));
                else
                    await output.WriteLineAsync($"run {runId}");
                return AgentCommands.Ok;
            }
            await progressOut.WriteLineAsync($"run {runId}: waiting for its jobs");
            var finished = await WaitAsync(client, runId, progressOut, cancellationToken);
            await output.WriteLineAsync(request.Json ? JsonSerializer.Serialize(finished.Json, Indented) : RunReport.Table(finished.Run));
            return RunReport.ExitCode(finished.Run);
        }
        catch (Exception e) when (PortalConnection.IsPortalFailure(e))
        {
            await ReportFailureAsync(e);
            return AgentCommands.NoResult;
        }
    }

    /// <summary>Polls every second, printing each change, until every job is final; a portal unreachable for long throws.</summary>
    private async Task<RunDocument> WaitAsync(TestRunClient client, Guid runId, TextWriter progressOut, CancellationToken cancellationToken)
    {
        var progress = new RunProgress();
        var failures = 0;
        while (true)
        {
            try
            {
                var document = await client.GetRunAsync(runId, cancellationToken);
                failures = 0;
                foreach (var change in progress.Update(document.Run))
                    await progressOut.WriteLineAsync(change);
                if (document.Run.IsFinished)
                    return document;
            }
            catch (Exception e) when (PortalConnection.IsTransient(e) && ++failures < PatienceForFailedPolls)
            {
                // A portal restarting while a long run is waited for is not the end of the wait.
                await error.WriteLineAsync($"warning: {PortalConnection.Describe(e)}; asking again");
            }
            await Task.Delay(PollEvery, time, cancellationToken);
        }
    }

    private async Task<JsonElement?> ReadSpecAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(path, cancellationToken));
            if (document.RootElement.ValueKind == JsonValueKind.Object)
                return document.RootElement.Clone();
            await error.WriteLineAsync($"error: {path} holds JSON, but not a spec object");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"error: cannot read {path}: {e.Message}");
        }
        catch (JsonException e)
        {
            await error.WriteLineAsync($"error: {path} is not JSON: {e.Message}");
        }
        return null;
    }

    private async Task ReportFailureAsync(Exception e)
    {
        if (e is not PortalProblemException { Problem: var problem })
        {
            await error.WriteLineAsync($"error: {PortalConnection.Describe(e)}");
            return;
        }
        await error.WriteLineAsync($"error: the portal refused: HTTP {problem.Status} {problem.Title}");
        if (problem.Detail is { Length: > 0 } detail)
            await error.WriteLineAsync($"  {detail}");
        foreach (var (field, messages) in problem.Errors)
            foreach (var message in messages)
                await error.WriteLineAsync($"  {field}: {message}");
        if (problem.RetryAfter is { } wait)
            await error.WriteLineAsync($"  retry after {wait.TotalSeconds:0} s");
    }
}
