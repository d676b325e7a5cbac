using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
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
/// Submissions queue work on partners' hardware, so each user gets a fixed budget per window. The partition is the
/// user id, not the token: minting more tokens buys no more submissions. Needs <c>app.UseRateLimiter()</c> after
/// authorisation, which is where the API token's user becomes <see cref="HttpContext.User"/>.
/// </summary>
public static class SubmissionRateLimit
{
    public const string Policy = "submissions";

    public static IServiceCollection AddSubmissionRateLimit(this IServiceCollection services)
    {
        services.AddOptions<SubmissionOptions>().BindConfiguration(SubmissionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddPolicy(Policy, context =>
            {
                var user = context.User.FindFirstValue(ClaimTypes.NameIdentifier);
                // Anonymous requests never reach a submission: authorisation has answered 401 already.
                if (user is null)
                    return RateLimitPartition.GetNoLimiter("");
                var limits = context.RequestServices.GetRequiredService<IOptions<SubmissionOptions>>().Value;
                return RateLimitPartition.GetFixedWindowLimiter(user, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = limits.PermitLimit,
                    Window = TimeSpan.FromSeconds(limits.WindowSeconds),
                    QueueLimit = 0,
                });
            });
            options.OnRejected = RejectAsync;
        });
        return services;
    }

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var limits = context.HttpContext.RequestServices.GetRequiredService<IOptions<SubmissionOptions>>().Value;
        var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(limits.WindowSeconds);
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var problem = TypedResults.Problem(
            statusCode: StatusCodes.Status429TooManyRequests,
            title: Localized<TestText>.Get("RateLimitedTitle"),
            detail: Localized<TestText>.Format("RateLimitedDetail", limits.PermitLimit, limits.WindowSeconds, seconds));
        await problem.ExecuteAsync(context.HttpContext);
    }
}
