using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Portal.Components.Account;

/// <summary>How many sign-in attempts an address and an account get (section "Portal:SignIn").</summary>
public sealed class SignInThrottleOptions
{
    public const string Section = "Portal:SignIn";

    /// <summary>Attempts, right or wrong, from one client address per window: slows password spraying across accounts.</summary>
    [Range(1, 1_000_000)]
    public int AttemptsPerAddress { get; set; } = 30;

    [Range(1, 86_400)]
    public int AddressWindowSeconds { get; set; } = 60;

    /// <summary>
    /// Failed attempts per e-mail address, known or not, per window. At most Identity's lockout threshold, so an address
    /// without an account is refused when an account would be locked, and the answers cannot tell the two apart.
    /// </summary>
    [Range(1, 1_000)]
    public int FailuresPerAccount { get; set; } = 10;

    [Range(1, 86_400)]
    public int AccountWindowSeconds { get; set; } = 900;
}

/// <summary>
/// Per-address and per-account budgets for sign-in attempts, kept in this process's memory: with several replicas each
/// keeps its own count, and Identity's lockout (in the database) remains the shared limit per account.
/// The address is the connection's; behind a reverse proxy it is the proxy's unless forwarded headers are applied.
/// </summary>
public sealed class SignInThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<string> _addresses;
    private readonly PartitionedRateLimiter<string> _accounts;

    public SignInThrottle(IOptions<SignInThrottleOptions> options)
    {
        var limits = options.Value;
        _addresses = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetFixedWindowLimiter(address, _ =>
            new FixedWindowRateLimiterOptions
            {
                PermitLimit = limits.AttemptsPerAddress, Window = TimeSpan.FromSeconds(limits.AddressWindowSeconds), QueueLimit = 0,
            }));
        _accounts = PartitionedRateLimiter.Create<string, string>(account => RateLimitPartition.GetFixedWindowLimiter(account, _ =>
            new FixedWindowRateLimiterOptions
            {
                PermitLimit = limits.FailuresPerAccount, Window = TimeSpan.FromSeconds(limits.AccountWindowSeconds), QueueLimit = 0,
            }));
    }

    /// <summary>Takes one attempt from the address's budget; false when it is spent.</summary>
    public bool TryAttemptFrom(IPAddress? address)
    {
        using var lease = _addresses.AttemptAcquire(address?.ToString() ?? "unknown");
        return lease.IsAcquired;
    }

    /// <summary>Whether the account (a normalised e-mail address) may still fail; asking takes nothing.</summary>
    public bool MayTry(string account)
    {
        using var lease = _accounts.AttemptAcquire(account, permitCount: 0);
        return lease.IsAcquired;
    }

    public void RecordFailure(string account)
    {
        using var _ = _accounts.AttemptAcquire(account);
    }

    public void Dispose()
    {
        _addresses.Dispose();
        _accounts.Dispose();
    }
}
