namespace Portal.Api.Common;

/// <summary>The list envelope every collection endpoint answers with.</summary>
public sealed record PagedList<T>(IReadOnlyList<T> Items, int Total, int Page, int PageSize);

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
