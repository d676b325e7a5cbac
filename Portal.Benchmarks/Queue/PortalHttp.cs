using System.Net;
using Portal.Contracts.Queue;

namespace Portal.Benchmarks.Queue;

/// <summary>
/// One connection pool for every synthetic agent and the submitting user, as many agents behind one NAT would look to
/// the portal; each caller gets its own <see cref="PortalConnection"/> (the transport of the shared agent-protocol
/// client) with its own bearer token. A refused call throws the portal's problem details, so it is never counted as a fast one.
/// </summary>
public sealed class PortalHttp(Uri baseAddress, int connections) : IDisposable
{
    private readonly HttpClient _client = new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
    })
    {
        BaseAddress = baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/"),
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <summary>Calls made with <paramref name="bearer"/> (a personal API token, a registration token or an agent token).</summary>
    public PortalConnection Connection(string bearer) => new(_client, bearer, TimeProvider.System);

    /// <summary>The agent protocol, with <paramref name="bearer"/> (the registration token to register, else an agent token).</summary>
    public AgentQueueClient Agent(string bearer) => new(Connection(bearer));

    public void Dispose() => _client.Dispose();
}
