using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using Portal.Api.Common;
using Portal.Data.Skus;

namespace Portal.Api.Skus;

/// <summary>
/// Keyset pagination of the catalogue: a cursor names the last row of a page by its sort key, and the next page is the
/// rows after it in the same order, read with one row comparison that an index can seek to. An offset page costs as
/// much as every row before it (page 2,000 of 50 reads 100,000 rows); a cursor page costs one page, and it does not
/// shift when rows are added or removed before it.
/// Orders with a cursor are those whose keys all run one way: by name (either way) and by each numeric figure (either
/// way, as <c>(x IS NULL), COALESCE(±x, 0), name, id</c>, ascending).
/// </summary>
internal static class SkuKeyset
{
    /// <summary>A numeric figure: how SQL reads it from the entity, and how the cursor reads it from a listed row.</summary>
    public sealed record Figure(Expression<Func<HardwareSku, double?>> Column, Func<SkuCatalogue.Row, double?> Value);

    /// <summary>The position after a row: its sort key (rank is the ordered figure, 0 when unknown) and its name and id.</summary>
    private sealed record Position(string Sort, bool? Unknown, double? Rank, string Name, Guid Id);

    public static bool Supports(SkuCatalogue.Order order) => order.Key == "name" || SkuCatalogue.Figures.ContainsKey(order.Key);

    /// <param name="searching">
    /// Whether a search (q) filters the rows. Then the order is <c>name || ''</c>, the same order that no index holds, so
    /// that PostgreSQL reads the matches from the trigram index and sorts them: read in name order, a page of a common
    /// term's matches costs every row before them, which the planner cannot foresee when they cluster (the 10,100 SKUs
    /// matching 'nova' begin 39,914 rows into the name index: 250 ms against 100 ms for the matches sorted, EXPLAIN in
    /// docs/benchmarks.md).
    /// </param>
    internal static IOrderedQueryable<HardwareSku> ByName(IQueryable<HardwareSku> skus, bool descending, bool searching = false)
    {
        if (searching)
            return descending ? skus.OrderByDescending(s => s.Name + "").ThenByDescending(s => s.Id) : skus.OrderBy(s => s.Name + "").ThenBy(s => s.Id);
        return descending ? skus.OrderByDescending(s => s.Name).ThenByDescending(s => s.Id) : skus.OrderBy(s => s.Name).ThenBy(s => s.Id);
    }

    internal static IOrderedQueryable<HardwareSku> ByFigure(IQueryable<HardwareSku> skus, Figure figure, bool descending) =>
        skus.OrderBy(Unknown(figure)).ThenBy(Rank(figure, descending)).ThenBy(s => s.Name).ThenBy(s => s.Id);

    /// <summary>The rows after <paramref name="cursor"/> in <paramref name="order"/>, or a field error on "cursor".</summary>
    public static IQueryable<HardwareSku>? After(IQueryable<HardwareSku> skus, SkuCatalogue.Order order, string cursor, ValidationErrors errors)
    {
        if (!Supports(order))
        {
            errors.Add("cursor", Localized<SkuText>.Format("CursorSortUnsupported", order));
            return null;
        }
        var position = Decode(cursor);
        if (position is null || position.Sort != order.ToString() || (order.Key != "name") != position.Unknown.HasValue)
        {
            errors.Add("cursor", Localized<SkuText>.Get("CursorInvalid"));
            return null;
        }
        var (name, id) = (position.Name, position.Id);
        if (order.Key == "name")
        {
            return order.Descending
                ? skus.Where(s => EF.Functions.LessThan(new ValueTuple<string, Guid>(s.Name, s.Id), new ValueTuple<string, Guid>(name, id)))
                : skus.Where(s => EF.Functions.GreaterThan(new ValueTuple<string, Guid>(s.Name, s.Id), new ValueTuple<string, Guid>(name, id)));
        }
        var figure = SkuCatalogue.Figures[order.Key];
        var (unknown, rank) = (position.Unknown!.Value, position.Rank ?? 0);
        Expression<Func<bool, double, HardwareSku, bool>> after = (u, r, s) =>
            EF.Functions.GreaterThan(new ValueTuple<bool, double, string, Guid>(u, r, s.Name, s.Id), new ValueTuple<bool, double, string, Guid>(unknown, rank, name, id));
        var row = after.Parameters[2];
        var body = ReplacingExpressionVisitor.Replace(after.Parameters[0], Body(Unknown(figure), row),
            ReplacingExpressionVisitor.Replace(after.Parameters[1], Body(Rank(figure, order.Descending), row), after.Body));
        return skus.Where(Expression.Lambda<Func<HardwareSku, bool>>(body, row));
    }

    /// <summary>The cursor of the position after <paramref name="last"/>, the last row of a full page.</summary>
    public static string? Next(SkuCatalogue.Order order, SkuCatalogue.Row last)
    {
        if (!Supports(order))
            return null;
        Position position;
        if (order.Key == "name")
            position = new Position(order.ToString(), null, null, last.Name, last.Id);
        else
        {
            var value = SkuCatalogue.Figures[order.Key].Value(last);
            position = new Position(order.ToString(), value is null, value is { } v ? (order.Descending ? -v : v) : 0, last.Name, last.Id);
        }
        return KeysetCursor.Encode(position);
    }

    private static Position? Decode(string cursor) =>
        KeysetCursor.Decode<Position>(cursor) is { Sort: not null, Name: not null } position ? position : null;

    private static Expression<Func<HardwareSku, bool>> Unknown(Figure figure) => Map(figure.Column, x => x == null);

    // Unknown figures are 0 here, but they sort after every known one by Unknown, so the value never decides between them.
    private static Expression<Func<HardwareSku, double>> Rank(Figure figure, bool descending) =>
        descending ? Map(figure.Column, x => -x ?? 0.0) : Map(figure.Column, x => x ?? 0.0);

    private static Expression<Func<HardwareSku, TOut>> Map<TOut>(Expression<Func<HardwareSku, double?>> column, Expression<Func<double?, TOut>> map) =>
        Expression.Lambda<Func<HardwareSku, TOut>>(ReplacingExpressionVisitor.Replace(map.Parameters[0], column.Body, map.Body), column.Parameters);

    private static Expression Body<T>(Expression<Func<HardwareSku, T>> lambda, ParameterExpression row) =>
        ReplacingExpressionVisitor.Replace(lambda.Parameters[0], row, lambda.Body);
}
