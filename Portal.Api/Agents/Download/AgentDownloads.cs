using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;

using Portal.Api.Common;

namespace Portal.Api.Agents.Download;

/// <summary>
/// The agent the portal serves: self-contained single-file builds per runtime (published by the Release build into the
/// portal's <c>agent-downloads/</c> folder, see Portal.csproj), at <c>/agent/download/{rid}</c> with their SHA-256 at
/// <c>/agent/download/{rid}.sha256</c> in the form <c>sha256sum -c</c> reads. The sum is computed from the file served (once
/// per file version), so the two can never disagree. Not secret: a host fetches it with curl, no token.
/// </summary>
public sealed class AgentDownloads(IConfiguration configuration)
{
    public static readonly IReadOnlyList<string> RuntimeIds = ["linux-x64", "linux-arm64"];

    /// <summary>The name the file is saved as by the one-line install (and the name its sum line gives).</summary>
    public const string FileName = "Portal.Agent";

    private static readonly ConcurrentDictionary<(string Path, DateTime Written, long Length), string> Sums = new();

    /// <summary>Portal:AgentDownloads:Folder, else agent-downloads/ beside the portal's binaries.</summary>
    public string Folder => configuration["Portal:AgentDownloads:Folder"] is { Length: > 0 } folder
        ? folder
        : Path.Combine(AppContext.BaseDirectory, "agent-downloads");

    /// <summary>The published agent for a runtime, or null when there is none (an unknown runtime, or a Debug build).</summary>
    public FileInfo? File(string rid)
    {
        if (!RuntimeIds.Contains(rid))
            return null;
        var file = new FileInfo(Path.Combine(Folder, rid, FileName));
        return file.Exists ? file : null;
    }

    public async Task<string> Sha256Async(FileInfo file, CancellationToken cancellationToken)
    {
        var key = (file.FullName, file.LastWriteTimeUtc, file.Length);
        if (Sums.TryGetValue(key, out var known))
            return known;
        await using var stream = file.OpenRead();
        var sum = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
        Sums[key] = sum;
        return sum;
    }
}

/// <summary><c>GET /agent/download/{rid}</c> and its sum, outside /api/v1: the address the one-line install names.</summary>
public static class AgentDownloadEndpoints
{
    public static IEndpointRouteBuilder MapAgentDownloads(this IEndpointRouteBuilder app)
    {
        app.MapGet("/agent/download/{rid}", DownloadAgent).WithName(nameof(DownloadAgent)).WithTags("Agents").AllowAnonymous().ProducesProblems(404);
        return app;
    }

    /// <summary><c>/agent/download/linux-x64</c>: the file; <c>/agent/download/linux-x64.sha256</c>: its sum line.</summary>
    public static async Task<Results<FileStreamHttpResult, ContentHttpResult, ProblemHttpResult>> DownloadAgent(string rid, AgentDownloads downloads,
        CancellationToken cancellationToken)
    {
        var sumWanted = rid.EndsWith(".sha256", StringComparison.Ordinal);
        var runtime = sumWanted ? rid[..^".sha256".Length] : rid;
        if (downloads.File(runtime) is not { } file)
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: Localized<SharedText>.Get("NotFoundTitle"),
                detail: Localized<AgentText>.Format("AgentDownloadMissing", runtime, string.Join(", ", AgentDownloads.RuntimeIds)));
        if (sumWanted)
            return TypedResults.Text($"{await downloads.Sha256Async(file, cancellationToken)}  {AgentDownloads.FileName}\n", "text/plain");
        return TypedResults.File(file.OpenRead(), "application/octet-stream", AgentDownloads.FileName, file.LastWriteTimeUtc);
    }
}
