using System.Globalization;
using Portal.Benchmarks.Queue;

namespace Portal.Benchmarks;

public sealed class CommandLineException(string message) : Exception(message);

/// <summary>
/// Portal.Benchmarks: load generators that drive a running portal over HTTP and print figures (docs/benchmarks.md).
/// Benchmarks, not tests: they assert nothing, they measure.
/// </summary>
public static class BenchmarkCommands
{
    private const string Usage = """
        usage: Portal.Benchmarks queue --url URL --token TOKEN [options]
          Registers synthetic agents, fills the queue through the runs API, then measures the agents' lease → complete
          throughput and the pick-up latency of single jobs by idle, long-polling agents.
          --url URL            the portal, e.g. http://127.0.0.1:5198
          --token TOKEN        a consortium admin's API token (PORTAL_BOOTSTRAP_TOKEN)
          --agents N           synthetic agents, one device each (default 16)
          --jobs N             jobs queued for the throughput phase (default 20000)
          --samples N          idle pick-up samples (default 50)
          --spacing-ms N       pause between idle pick-up samples (default 200)
          --fill-parallel N    run submissions in flight during the fill (default 4)
          --warmup N           jobs queued and drained before the fill, not timed: the portal's JIT settles (default 2000)
          --ask-next           agents ask for their next job in each completion, as Portal.Agent does, and make a lease
                               call only when none came with it (default: a lease call and a completion call per job)
          --portal-pid PID     the portal's process: its CPU time is reported per phase (Linux)
          --postgres-pid PID   the postmaster: its CPU time and its backends' is reported per phase (Linux)
          --json FILE          also write the report as JSON
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (args is not ["queue", ..] || args.Contains("--help"))
        {
            (args is ["queue", ..] ? output : error).WriteLine(Usage);
            return args.Contains("--help") ? 0 : 2;
        }
        QueueBenchmarkOptions options;
        try
        {
            options = ParseQueue(args[1..]);
        }
        catch (CommandLineException e)
        {
            error.WriteLine($"error: {e.Message}\n\n{Usage}");
            return 2;
        }
        try
        {
            var report = await new QueueBenchmark(options, output).RunAsync(cancellationToken);
            QueueReportText.Write(report, output);
            if (options.JsonFile is { } file)
                await QueueReportText.WriteJsonAsync(report, file, cancellationToken);
            return 0;
        }
        catch (BenchmarkException e)
        {
            error.WriteLine($"error: {e.Message}");
            return 1;
        }
        catch (HttpRequestException e)
        {
            error.WriteLine($"error: the portal at {options.Url} did not answer: {e.Message}");
            return 1;
        }
    }

    private static QueueBenchmarkOptions ParseQueue(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var askNext = false;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--ask-next")
            {
                askNext = true;
                continue;
            }
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
                throw new CommandLineException($"unexpected argument '{args[i]}'");
            if (i + 1 >= args.Length)
                throw new CommandLineException($"{args[i]} needs a value");
            values[args[i]] = args[++i];
        }
        string? Text(string name) => values.Remove(name, out var value) ? value : null;
        int Number(string name, int fallback, int min, int max)
        {
            var text = Text(name);
            if (text is null)
                return fallback;
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
                ? n
                : throw new CommandLineException($"{name} takes a whole number from {min} to {max}, not '{text}'");
        }
        int? Pid(string name) => Text(name) is { } text
            ? int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : throw new CommandLineException($"{name}: '{text}' is not a process id")
            : null;

        var url = Text("--url") ?? throw new CommandLineException("--url is required");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var baseUri) || baseUri.Scheme is not ("http" or "https"))
            throw new CommandLineException($"--url: '{url}' is not an http(s) URL");
        var options = new QueueBenchmarkOptions
        {
            Url = baseUri,
            Token = Text("--token") ?? throw new CommandLineException("--token is required"),
            Agents = Number("--agents", 16, 1, 1000),
            Jobs = Number("--jobs", 20_000, 1, 10_000_000),
            Samples = Number("--samples", 50, 0, 100_000),
            SpacingMs = Number("--spacing-ms", 200, 0, 60_000),
            FillParallel = Number("--fill-parallel", 4, 1, 64),
            Warmup = Number("--warmup", 2_000, 0, 1_000_000),
            SeparateCalls = !askNext,
            PortalPid = Pid("--portal-pid"),
            PostgresPid = Pid("--postgres-pid"),
            JsonFile = Text("--json"),
        };
        if (values.Count > 0)
            throw new CommandLineException($"unknown option {values.Keys.First()}");
        return options;
    }
}
