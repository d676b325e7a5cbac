namespace Portal.Api.Subscriptions;

/// <summary>Webhooks and change detection (configuration section <c>Portal:Subscriptions</c>).</summary>
public sealed class SubscriptionOptions
{
    public const string Section = "Portal:Subscriptions";

    /// <summary>How often the detector looks for new changes (real clock; the pass reads the portal's TimeProvider).</summary>
    public int DetectIntervalSeconds { get; set; } = 15;

    /// <summary>How often the sender looks for due deliveries.</summary>
    public int SendIntervalSeconds { get; set; } = 5;

    /// <summary>Attempts per delivery before it is marked failed.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The wait after the first failed attempt; it doubles after each further one, up to <see cref="MaxBackoffSeconds"/>.</summary>
    public int BackoffSeconds { get; set; } = 30;

    public int MaxBackoffSeconds { get; set; } = 6 * 3600;

    /// <summary>How long one POST may take.</summary>
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// Whether webhooks may target plain http on localhost and private or loopback networks (SSRF, docs/webhooks.md).
    /// Null: only in Development and in the tests' Testing environment.
    /// </summary>
    public bool? AllowLocalTargets { get; set; }

    /// <summary>Rows re-read behind the watermark, so that a change committed late (its time stamped before an earlier commit) is still seen.</summary>
    public int OverlapSeconds { get; set; } = 300;

    public TimeSpan BackoffAfter(int attempts)
    {
        var seconds = BackoffSeconds * Math.Pow(2, Math.Max(0, attempts - 1));
        return TimeSpan.FromSeconds(Math.Min(seconds, MaxBackoffSeconds));
    }
}
