namespace Portal.Api.Common;

/// <summary>What a service operation came to; endpoints map it to HTTP, pages to messages.</summary>
public abstract record Outcome<T>
{
    public sealed record Success(T Value) : Outcome<T>;

    public sealed record NotFound(string Message) : Outcome<T>;

    public sealed record Forbidden(string Message) : Outcome<T>;

    /// <summary>Field-level problems: camelCase field name → messages.</summary>
    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : Outcome<T>;

    public sealed record Conflict(string Message) : Outcome<T>;

    /// <summary>The caller's budget for this kind of request is spent for now (HTTP 429).</summary>
    public sealed record TooMany(string Message, int RetryAfterSeconds) : Outcome<T>;

    public static implicit operator Outcome<T>(T value) => new Success(value);
}
