using System.Text.Json.Serialization;

namespace Portal.Api.Common;

/// <summary>The list envelope every collection endpoint answers with.</summary>
public sealed record PagedList<T>(IReadOnlyList<T> Items, int Total, int Page, int PageSize)
{
    /// <summary>
    /// Where a list that pages by cursor (keyset) goes on: pass it as <c>cursor</c> for the rows after this page's last one.
    /// Null on the last page, and on lists and orders that page by number only. A page read by cursor has page 0.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? NextCursor { get; init; }
}

public static class PagedListOutcomes
{
    /// <summary>Only the rows of a page (a search that counted nothing), or the page's problem.</summary>
    public static Outcome<IReadOnlyList<T>> Items<T>(this Outcome<PagedList<T>> outcome) => outcome switch
    {
        Outcome<PagedList<T>>.Success page => new Outcome<IReadOnlyList<T>>.Success(page.Value.Items),
        Outcome<PagedList<T>>.Invalid invalid => new Outcome<IReadOnlyList<T>>.Invalid(invalid.Errors),
        Outcome<PagedList<T>>.NotFound notFound => new Outcome<IReadOnlyList<T>>.NotFound(notFound.Message),
        Outcome<PagedList<T>>.Forbidden forbidden => new Outcome<IReadOnlyList<T>>.Forbidden(forbidden.Message),
        Outcome<PagedList<T>>.Conflict conflict => new Outcome<IReadOnlyList<T>>.Conflict(conflict.Message),
        Outcome<PagedList<T>>.TooMany tooMany => new Outcome<IReadOnlyList<T>>.TooMany(tooMany.Message, tooMany.RetryAfterSeconds),
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, null),
    };
}

public static class Paging
{
    public const int DefaultPageSize = 25;
    public const int MaxPageSize = 200;

    /// <summary>The last page whose offset still fits an int.</summary>
    public static int MaxPage(int pageSize) => int.MaxValue / pageSize;

    public static (int Page, int PageSize) Validate(int? page, int? pageSize, ValidationErrors errors)
    {
        var p = page ?? 1;
        var s = pageSize ?? DefaultPageSize;
        if (p < 1)
            errors.Add("page", Localized<SharedText>.Get("PageStartsAtOne"));
        if (s < 1 || s > MaxPageSize)
            errors.Add("pageSize", Localized<SharedText>.Format("PageSizeRange", MaxPageSize));
        // The rows skipped, (page - 1) · pageSize, must fit the int that EF sends as OFFSET: past it the product wraps
        // to a negative number and PostgreSQL refuses the query.
        else if (p > MaxPage(s))
            errors.Add("page", Localized<SharedText>.Format("PageTooLarge", MaxPage(s), s));
        return (p, s);
    }
}
