using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Api.Common;

namespace Portal.Api.Tests;

/// <summary>How many tests and runs one person may submit per window (section "Portal:Submissions").</summary>
public sealed class SubmissionOptions
{
    public const string Section = "Portal:Submissions";

    [Range(1, 1_000_000)]
    public int PermitLimit { get; set; } = 30;

    [Range(1, 86_400)]
    public int WindowSeconds { get; set; } = 60;
}

/// <summary>
/// Submissions queue work on partners' hardware, so each person gets a fixed budget of new tests and runs per window.
/// The services draw on it, so the pages and the API share one budget (a limit on the HTTP endpoints alone let the
/// pages submit without one); the partition is the user, not the token: minting more tokens buys no more submissions.
/// Only a submission that passed validation is counted: fixing a form costs nothing.
/// </summary>
public sealed class SubmissionLimiter : IDisposable
{
    private readonly SubmissionOptions _limits;
    private readonly PartitionedRateLimiter<Guid> _limiter;

    public SubmissionLimiter(IOptions<SubmissionOptions> options)
    {
        _limits = options.Value;
        _limiter = PartitionedRateLimiter.Create<Guid, Guid>(user => RateLimitPartition.GetFixedWindowLimiter(user, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = _limits.PermitLimit,
            Window = TimeSpan.FromSeconds(_limits.WindowSeconds),
            QueueLimit = 0,
        }));
    }

    /// <summary>Takes one submission from the caller's budget; answers the refusal when it is spent, else null.</summary>
    public Outcome<T>? Refuse<T>(Caller caller)
    {
        using var lease = _limiter.AttemptAcquire(caller.UserId);
        if (lease.IsAcquired)
            return null;
        var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(_limits.WindowSeconds);
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        return new Outcome<T>.TooMany(Localized<TestText>.Format("RateLimitedDetail", _limits.PermitLimit, _limits.WindowSeconds, seconds), seconds);
    }

    public void Dispose() => _limiter.Dispose();
}

public static class SubmissionRateLimit
{
    public static IServiceCollection AddSubmissionRateLimit(this IServiceCollection services)
    {
        services.AddOptions<SubmissionOptions>().BindConfiguration(SubmissionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return services.AddSingleton<SubmissionLimiter>();
    }

    /// <summary>A 429 answer also says in <c>Retry-After</c> how many seconds to wait, for scripts that read headers.</summary>
    public static RouteHandlerBuilder WithRetryAfter(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var result = await next(context);
            var inner = result is INestedHttpResult nested ? nested.Result : result;
            if (inner is ProblemHttpResult { StatusCode: StatusCodes.Status429TooManyRequests } problem
                && problem.ProblemDetails.Extensions.TryGetValue(HttpOutcomes.RetryAfterSeconds, out var seconds) && seconds is int wait)
                context.HttpContext.Response.Headers.RetryAfter = wait.ToString(CultureInfo.InvariantCulture);
            return result;
        });
}
