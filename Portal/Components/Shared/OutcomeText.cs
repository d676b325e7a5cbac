using Portal.Api.Common;

namespace Portal.Components.Shared;

/// <summary>The one line a person reads when a service said no.</summary>
public static class OutcomeText
{
    public static string Problem<T>(Outcome<T> outcome) => outcome switch
    {
        Outcome<T>.Invalid invalid => string.Join(" ", invalid.Errors.SelectMany(e => e.Value)),
        Outcome<T>.NotFound notFound => notFound.Message,
        Outcome<T>.Forbidden forbidden => forbidden.Message,
        Outcome<T>.Conflict conflict => conflict.Message,
        Outcome<T>.TooMany tooMany => tooMany.Message,
        _ => Localized<SharedPageText>.Get("Done"),
    };
}
