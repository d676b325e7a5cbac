using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Portal.Contracts.Queue;

/// <summary>
/// JSON calls to the portal's API with one bearer token (agent, registration or personal). A refusal becomes a
/// <see cref="PortalProblemException"/>, a call past its time a <see cref="TimeoutException"/>; network failures stay
/// <see cref="HttpRequestException"/>s. Every call has its own time limit, so a long-poll can wait longer than a
/// completion, and the client's own timeout is off.
/// </summary>
public sealed class PortalConnection(HttpClient http, string token, TimeProvider time)
{
    /// <summary>How long an ordinary call may take before the caller treats the portal as unreachable.</summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);


    /// <summary>One client per process, pointed at the portal's root (a portal behind a path prefix works too).</summary>
    public static HttpClient CreateHttpClient(Uri portal) => new(new SocketsHttpHandler
    {
        // Agents live for months: pick up a portal's new address after a fail-over.
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(15),
    })
    {
        BaseAddress = portal.AbsoluteUri.EndsWith('/') ? portal : new Uri(portal.AbsoluteUri + "/"),
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <summary>Sends the call and reads the answer's JSON; null when the portal answered 204 No Content.</summary>
    public async Task<T?> SendAsync<T>(HttpMethod method, string path, object? body, TimeSpan timeout, CancellationToken cancellationToken)
        where T : class
    {
        using var limit = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
        try
        {
            using var request = new HttpRequestMessage(method, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            if (body is not null)
            {
                // Sent with a Content-Length rather than chunked: some proxies in front of a portal refuse chunked requests.
                request.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), AgentProtocol.Json));
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            }
            using var response = await http.SendAsync(request, linked.Token);
            if (!response.IsSuccessStatusCode)
                throw new PortalProblemException(await PortalProblem.ReadAsync(response, time, linked.Token));
            if (response.StatusCode == HttpStatusCode.NoContent || typeof(T) == typeof(NoAnswer))
                return null;
            return await response.Content.ReadFromJsonAsync<T>(AgentProtocol.Json, linked.Token)
                ?? throw new JsonException($"The portal answered {method} {path} with an empty body.");
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"the portal did not answer {method} /{path} within {timeout.TotalSeconds:0} s");
        }
    }

    /// <summary>A call whose answer has no body worth reading (204, or an acknowledgement).</summary>
    public Task SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken) =>
        SendAsync<NoAnswer>(method, path, body, CallTimeout, cancellationToken);

    /// <summary>Worth trying again: the network failed, the portal did not answer in time, or it said it is overloaded or failing.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        HttpRequestException or TimeoutException => true,
        PortalProblemException refused => refused.Problem.IsTransient,
        _ => false,
    };

    /// <summary>Every way a call to the portal can fail (as opposed to a bug in the agent).</summary>
    public static bool IsPortalFailure(Exception exception) =>
        exception is HttpRequestException or TimeoutException or PortalProblemException or JsonException;

    /// <summary>The portal no longer accepts the token: revoked, expired, or never valid.</summary>
    public static bool IsTokenRefused(Exception exception) =>
        exception is PortalProblemException { Status: (int)HttpStatusCode.Unauthorized };

    /// <summary>One line about a failure, for the log.</summary>
    public static string Describe(Exception exception) => exception switch
    {
        PortalProblemException refused => refused.Problem.Describe(),
        HttpRequestException network => "cannot reach the portal: " +
            (network.InnerException is { } inner && !network.Message.Contains(inner.Message, StringComparison.Ordinal)
                ? $"{network.Message} ({inner.Message})"
                : network.Message),
        JsonException json => $"the portal's answer is not what this agent expects: {json.Message}",
        _ => exception.Message,
    };

    /// <summary>How long a failed call asks the caller to wait, when the portal said so (429, 503 with Retry-After).</summary>
    public static TimeSpan? RetryAfter(Exception exception) => (exception as PortalProblemException)?.Problem.RetryAfter;

    private sealed class NoAnswer;
}
