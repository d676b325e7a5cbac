using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// The built portal (Portal.dll, copied beside the tests) run as its own process on a free loopback port, on a database
/// the test chose: several of these on one database are replicas behind a load balancer, and one can be killed outright.
/// </summary>
public sealed partial class PortalProcess : IAsyncDisposable
{
    public const string BootstrapToken = PortalFactory.BootstrapToken;

    /// <summary>A replica starting beside others on a loaded 2-core machine compiles the whole portal first.</summary>
    private static readonly TimeSpan StartLimit = TimeSpan.FromMinutes(3);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private PortalProcess(string name, string connectionString, IEnumerable<KeyValuePair<string, string>> settings)
    {
        Name = name;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Portal.dll"));
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["ConnectionStrings__Portal"] = connectionString;
        // Port 0: the kernel picks a free port, and the portal says which one it got ("Now listening on: ...").
        start.Environment["PORTAL_URLS"] = "http://127.0.0.1:0";
        start.Environment["Portal__BootstrapToken"] = BootstrapToken;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        // Workstation GC: three replicas and the test share two cores.
        start.Environment["DOTNET_gcServer"] = "0";
        foreach (var (key, value) in settings)
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => Heard(e.Data);
        _process.ErrorDataReceived += (_, e) => Heard(e.Data);
        _process.Exited += (_, _) => _listening.TrySetException(new InvalidOperationException($"Portal {Name} exited before it listened:\n{Output}"));
    }

    public string Name { get; }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>What the portal wrote so far, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Starts the portal and answers once it listens and its /health answers (its start-up work is done then).</summary>
    public static async Task<PortalProcess> StartAsync(string name, string connectionString, params KeyValuePair<string, string>[] settings)
    {
        var portal = new PortalProcess(name, connectionString, settings);
        portal._process.Start();
        WatchOver(portal._process.Id);
        portal._process.BeginOutputReadLine();
        portal._process.BeginErrorReadLine();
        try
        {
            var clock = Stopwatch.StartNew();
            try
            {
                portal.BaseAddress = await portal._listening.Task.WaitAsync(StartLimit);
            }
            catch (TimeoutException)
            {
                throw new InvalidOperationException($"Portal {name} did not listen within {StartLimit.TotalSeconds:F0} s:\n{portal.Output}");
            }
            using var client = portal.CreateClient();
            while (true)
            {
                using var health = await client.GetAsync("/health");
                if (health.IsSuccessStatusCode)
                    return portal;
                if (clock.Elapsed > StartLimit || portal.HasExited)
                    throw new InvalidOperationException($"Portal {name} did not become healthy ({health.StatusCode}):\n{portal.Output}");
                await Task.Delay(100); // polling the portal's readiness, not waiting for time to pass
            }
        }
        catch
        {
            await portal.DisposeAsync();
            throw;
        }
    }

    public HttpClient CreateClient(string? token = null, HttpMessageHandler? handler = null)
    {
        var client = handler is null ? new HttpClient() : new HttpClient(handler);
        client.BaseAddress = BaseAddress;
        client.Timeout = TimeSpan.FromSeconds(60);
        if (token is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Kills the process outright (SIGKILL), as a crashed or evicted machine would vanish: no shutdown, no goodbyes.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    /// <summary>
    /// A test host that is killed (or whose fixture failed half-way) must not leave portals running: a small detached
    /// shell waits for this test process or the portal to end, then kills the portal.
    /// </summary>
    private static void WatchOver(int portalPid)
    {
        const string script = """
            exec >/dev/null 2>&1 </dev/null
            while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 0.5; done
            kill -9 "$2" 2>/dev/null
            """;
        var start = new ProcessStartInfo("setsid") { UseShellExecute = false };
        foreach (var arg in new[] { "sh", "-c", script, "portal-process-watch", Environment.ProcessId.ToString(), portalPid.ToString() })
            start.ArgumentList.Add(arg);
        using var watcher = Process.Start(start) ?? throw new InvalidOperationException("Could not start the portal's watcher (setsid sh).");
    }

    private void Heard(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
        if (ListeningLine().Match(line) is { Success: true } match)
            _listening.TrySetResult(new Uri(match.Groups[1].Value));
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();
}
