using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Portal.Data.Database;

/// <summary>The local PostgreSQL server binaries: on PATH, or Debian's /usr/lib/postgresql/&lt;version&gt;/bin.</summary>
internal sealed record PostgresBinaries(string Directory, string Version)
{
    public static PostgresBinaries Find()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(dir => File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")));
        if (onPath is not null)
            return new PostgresBinaries(onPath, VersionOf(onPath));

        const string debianRoot = "/usr/lib/postgresql";
        var debian = System.IO.Directory.Exists(debianRoot)
            ? System.IO.Directory.GetDirectories(debianRoot)
                .Select(dir => (Dir: Path.Combine(dir, "bin"), Major: int.TryParse(Path.GetFileName(dir), out var major) ? major : 0))
                .Where(c => File.Exists(Path.Combine(c.Dir, "initdb")))
                .OrderByDescending(c => c.Major)
                .Select(c => c.Dir)
                .FirstOrDefault()
            : null;
        if (debian is not null)
            return new PostgresBinaries(debian, VersionOf(debian));

        throw new EmbeddedPostgresException(
            "PostgreSQL server binaries (initdb, pg_ctl) were not found on PATH or under /usr/lib/postgresql/*/bin. " +
            "Install them (sudo apt-get install postgresql) or point the portal at a server with ConnectionStrings__Portal.");
    }

    private static string VersionOf(string directory)
    {
        var path = Path.Combine(directory, "pg_ctl");
        using var process = Process.Start(new ProcessStartInfo(path, "--version") { RedirectStandardOutput = true })!;
        var text = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        var match = System.Text.RegularExpressions.Regex.Match(text, @"\d+(\.\d+)+");
        return match.Success ? match.Value : "unknown";
    }
}

internal sealed record ProcessResult(int ExitCode, string Output);

/// <summary>
/// Runs PostgreSQL's programs. PostgreSQL refuses to run as root, so as root they run as the
/// unprivileged 'postgres' user, allowed to traverse (not write) folders such as /root that the
/// cluster lives under, and the cluster's files are handed to that user.
/// </summary>
internal sealed class PostgresProcessRunner(PostgresBinaries binaries, ILogger logger)
{
    private const string ServiceUser = "postgres";
    private static readonly bool IsRoot = Environment.UserName == "root" || GetEffectiveUserId() == 0;

    public async Task<ProcessResult> RunAsync(IReadOnlyList<string> command, CancellationToken cancellationToken)
    {
        var program = Path.Combine(binaries.Directory, command[0]);
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (IsRoot)
        {
            EnsureServiceUser();
            start.FileName = "setpriv";
            foreach (var arg in new[] { $"--reuid={ServiceUser}", $"--regid={ServiceUser}", "--init-groups",
                         "--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search", "--", program })
                start.ArgumentList.Add(arg);
        }
        else
        {
            start.FileName = program;
        }
        foreach (var arg in command.Skip(1))
            start.ArgumentList.Add(arg);
        start.Environment["LC_ALL"] = "C.UTF-8";

        logger.LogDebug("Running {Command}", string.Join(' ', command));
        using var process = Process.Start(start)
            ?? throw new EmbeddedPostgresException($"Could not start {program}.");
        // pg_ctl start sends the server's own output to its log file (-l), so these pipes close with pg_ctl.
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return new ProcessResult(process.ExitCode, await stdout + await stderr);
    }

    /// <summary>Gives a file or folder (recursively) to the service user when running as root.</summary>
    public void HandOver(string path)
    {
        if (!IsRoot)
            return;
        EnsureServiceUser();
        using var chown = Process.Start("chown", ["-R", $"{ServiceUser}:{ServiceUser}", path])!;
        chown.WaitForExit();
        if (chown.ExitCode != 0)
            throw new EmbeddedPostgresException($"Could not give {path} to the '{ServiceUser}' user (chown exited {chown.ExitCode}).");
    }

    private static void EnsureServiceUser()
    {
        if (File.ReadLines("/etc/passwd").Any(line => line.StartsWith(ServiceUser + ":", StringComparison.Ordinal)))
            return;
        using var useradd = Process.Start("useradd", ["--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", ServiceUser])!;
        useradd.WaitForExit();
        if (useradd.ExitCode != 0)
            throw new EmbeddedPostgresException($"PostgreSQL cannot run as root and the '{ServiceUser}' user could not be created (useradd exited {useradd.ExitCode}).");
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEffectiveUserId();
}
