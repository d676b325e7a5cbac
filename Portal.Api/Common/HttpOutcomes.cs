using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Portal.Api.Common;

/// <summary>
/// Maps a service <see cref="Outcome{T}"/> to typed results, problems as RFC 9457 problem details
/// whose titles, like the services' messages, follow the request's culture (Accept-Language).
/// </summary>
public static class HttpOutcomes
{
    /// <summary>The problem extension of a 429 that says how many seconds to wait (also sent as Retry-After).</summary>
    public const string RetryAfterSeconds = "retryAfterSeconds";

    public static Results<TResult, ValidationProblem, ProblemHttpResult> To<T, TResult>(this Outcome<T> outcome, Func<T, TResult> success)
        where TResult : IResult => outcome switch
        {
            Outcome<T>.Success s => success(s.Value),
            Outcome<T>.Invalid invalid => TypedResults.ValidationProblem(
                invalid.Errors.ToDictionary(e => e.Key, e => e.Value),
                title: Localized<SharedText>.Get("InvalidFieldsTitle"),
                detail: string.Join(" ", invalid.Errors.SelectMany(e => e.Value))),
            Outcome<T>.NotFound notFound => Problem(StatusCodes.Status404NotFound, Localized<SharedText>.Get("NotFoundTitle"), notFound.Message),
            Outcome<T>.Forbidden forbidden => Problem(StatusCodes.Status403Forbidden, Localized<SharedText>.Get("ForbiddenTitle"), forbidden.Message),
            Outcome<T>.Conflict conflict => Problem(StatusCodes.Status409Conflict, Localized<SharedText>.Get("ConflictTitle"), conflict.Message),
            Outcome<T>.TooMany tooMany => TypedResults.Problem(detail: tooMany.Message, statusCode: StatusCodes.Status429TooManyRequests,
                title: Localized<SharedText>.Get("RateLimitedTitle"),
                extensions: new Dictionary<string, object?> { [RetryAfterSeconds] = tooMany.RetryAfterSeconds }),
            _ => throw new InvalidOperationException($"Unknown outcome {outcome.GetType().Name}."),
        };

    public static Results<Ok<T>, ValidationProblem, ProblemHttpResult> ToOk<T>(this Outcome<T> outcome) =>
        outcome.To(TypedResults.Ok);

    public static Results<Created<T>, ValidationProblem, ProblemHttpResult> ToCreated<T>(this Outcome<T> outcome, Func<T, string> location) =>
        outcome.To(value => TypedResults.Created(location(value), value));

    public static Results<NoContent, ValidationProblem, ProblemHttpResult> ToNoContent<T>(this Outcome<T> outcome) =>
        outcome.To(_ => TypedResults.NoContent());

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);

    /// <summary>Documents the problems an endpoint can answer with, for the OpenAPI document.</summary>
    public static RouteHandlerBuilder ProducesProblems(this RouteHandlerBuilder builder, params int[] statusCodes)
    {
        foreach (var status in statusCodes)
            builder.ProducesProblem(status);
        return builder;
    }
}
