using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Portal.Benchmarks.Queue;

/// <summary>
/// One connection pool for every synthetic agent and the submitting user, as many agents behind one NAT would look to
/// the portal; each client carries its own bearer token. Calls that answer anything but the expected status stop the
/// benchmark with the portal's problem details, so that a refused call is never counted as a fast one.
/// </summary>
public sealed class PortalHttp(Uri baseAddress, int connections) : IDisposable
{
    private readonly SocketsHttpHandler _handler = new()
    {
        MaxConnectionsPerServer = connections,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
    };

    /// <summary>A client acting with <paramref name="bearer"/>; long enough a timeout for a 30 s long poll.</summary>
    public HttpClient Client(string? bearer)
    {
        var client = new HttpClient(_handler, disposeHandler: false) { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(2) };
        if (bearer is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return client;
    }

    public static async Task<TResult> SendAsync<TBody, TResult>(HttpClient client, HttpMethod method, string path, TBody body,
        HttpStatusCode expected, JsonSerializerOptions json, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(client, method, path, body, json, cancellationToken);
        if (response.StatusCode != expected)
            throw await RefusedAsync(response, method, path, cancellationToken);
        return await response.Content.ReadFromJsonAsync<TResult>(json, cancellationToken)
            ?? throw new BenchmarkException($"{method} {path} answered {(int)response.StatusCode} with an empty body");
    }

    public static Task<HttpResponseMessage> SendAsync<TBody>(HttpClient client, HttpMethod method, string path, TBody body,
        JsonSerializerOptions json, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body, options: json) };
        return client.SendAsync(request, cancellationToken);
    }

    public static async Task<BenchmarkException> RefusedAsync(HttpResponseMessage response, HttpMethod method, string path,
        CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var hint = (response.StatusCode, path) switch
        {
            // Without the tests API, the Blazor routes answer these paths: 404, or 405 for a POST.
            (HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, _) when path.StartsWith("/api/v1/tests", StringComparison.Ordinal) =>
                " (this portal has no tests/runs API: POST /api/v1/tests and /api/v1/tests/{id}/runs are needed for the fill)",
            (HttpStatusCode.TooManyRequests, _) =>
                " (the submission rate limit: start the portal with Portal__Submissions__PermitLimit raised, as scripts/bench-queue.sh does)",
            (HttpStatusCode.Unauthorized, _) => " (is --token a live API token of a consortium admin?)",
            _ => "",
        };
        return new BenchmarkException($"{method} {path} answered {(int)response.StatusCode}{hint}: {Clip(body, 600)}");
    }

    private static string Clip(string text, int length) => text.Length <= length ? text : text[..length] + "…";

    public void Dispose() => _handler.Dispose();
}
