using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Portal.Api.Subscriptions;

/// <summary>
/// Where the portal may send webhooks (SSRF, docs/webhooks.md). An address is https; plain http only to localhost where
/// local targets are allowed (Development and the tests). Outside those, no loopback, private, link-local (cloud metadata),
/// carrier-grade NAT, multicast or unspecified address is ever connected to: the check runs on the addresses a name
/// resolves to at connection time, so a name that later resolves inward (DNS rebinding) is refused too.
/// </summary>
public sealed class WebhookTargets(IOptions<SubscriptionOptions> options, IHostEnvironment environment)
{
    public bool AllowLocal => options.Value.AllowLocalTargets ?? (environment.IsDevelopment() || environment.IsEnvironment("Testing"));

    /// <summary>Null when the address may be registered; otherwise the resource key of the reason.</summary>
    public string? Refusal(string? url)
    {
        if (string.IsNullOrWhiteSpace(url) || url.Length > 2000 || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
            return "Url.Invalid";
        if (!string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Fragment))
            return "Url.Invalid";
        var local = uri.IsLoopback || string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase);
        if (uri.Scheme == Uri.UriSchemeHttp && !(local && AllowLocal))
            return "Url.Https";
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            return "Url.Https";
        if (!AllowLocal && (local || (IPAddress.TryParse(uri.IdnHost.Trim('[', ']'), out var address) && IsInternal(address))))
            return "Url.Private";
        return null;
    }

    /// <summary>Loopback, private (RFC 1918, unique local), link-local, CGNAT, multicast, unspecified or reserved.</summary>
    public static bool IsInternal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
            return true;
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast;
        var b = address.GetAddressBytes();
        return b[0] switch
        {
            0 or 10 or 127 => true,
            100 => b[1] >= 64 && b[1] < 128,
            169 => b[1] == 254,
            172 => b[1] >= 16 && b[1] < 32,
            192 => b[1] == 168 || (b[1] == 0 && (b[2] == 0 || b[2] == 2)),
            198 => b[1] == 18 || b[1] == 19,
            >= 224 => true,
            _ => false,
        };
    }

    /// <summary>The sender's connection: resolves the name, refuses internal addresses unless allowed, connects to an allowed one.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var allowed = AllowLocal ? addresses : [.. addresses.Where(a => !IsInternal(a))];
        if (allowed.Length == 0)
            throw new HttpRequestException($"{host} resolves only to internal network addresses, which webhooks may not reach.");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
