namespace Portal.Api.Common;

/// <summary>The list envelope every collection endpoint answers with.</summary>
public sealed record PagedList<T>(IReadOnlyList<T> Items, int Total, int Page, int PageSize);

public static class Paging
{
    public const int DefaultPageSize = 25;
    public const int MaxPageSize = 200;

    public static (int Page, int PageSize) Validate(int? page, int? pageSize, ValidationErrors errors)
    {
        var p = page ?? 1;
        var s = pageSize ?? DefaultPageSize;
        if (p < 1)
            errors.Add("page", Localized<SharedText>.Get("PageStartsAtOne"));
        if (s < 1 || s > MaxPageSize)
            errors.Add("pageSize", Localized<SharedText>.Format("PageSizeRange", MaxPageSize));
        return (p, s);
    }
}
