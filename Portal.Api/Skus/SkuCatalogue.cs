using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Portal.Api.Common;
using Portal.Data;
using Portal.Data.Skus;

namespace Portal.Api.Skus;

/// <summary>The catalogue's query: filters, sort orders and the row projection, used by the list and the export.</summary>
internal static class SkuCatalogue
{
    public static readonly string[] SortKeys =
        ["name", "vendor", "category", "lifecycle", "releaseMonth", "memoryGb", "memoryBandwidthTbs", "bf16Tflops", "fp8Tflops", "int8Tops", "tdpW", "updated"];

    /// <summary>A row as read from the database; the month becomes text afterwards.</summary>
    public sealed record Row(
        Guid Id, Guid VendorId, string VendorName, string VendorCountry, string Name, SkuCategory Category, SkuLifecycle Lifecycle,
        DateOnly? ReleaseMonth, double? MemoryGb, string? MemoryType, double? MemoryBandwidthTbs, double? Bf16Tflops, double? Fp8Tflops,
        double? Int8Tops, double? TdpW, List<string> Languages, DateTimeOffset UpdatedAt);

    public static IQueryable<HardwareSku>? Filter(IQueryable<HardwareSku> skus, SkuQuery query, ValidationErrors errors)
    {
        if (!string.IsNullOrWhiteSpace(query.Q))
        {
            // One column (name, memory type and vendor name) with one trigram index: see SkuSearch.
            var term = query.Q.Trim();
            var pattern = "%" + Like.Escape(term) + "%";
            skus = SkuSearch.Matchable(term)
                ? skus.Where(s => EF.Functions.Like(EF.Property<string>(s, SkuSearch.Column), SkuSearch.Lower(pattern), Like.EscapeCharacter))
                : skus.Where(s => false);
        }
        if (query.Vendor is { } vendorId)
            skus = skus.Where(s => s.VendorId == vendorId);
        if (!string.IsNullOrWhiteSpace(query.Category))
        {
            if (Naming.TryParseSnakeCase<SkuCategory>(query.Category.Trim(), out var category))
                skus = skus.Where(s => s.Category == category);
            else
                errors.Add("category", Localized<SkuText>.Format("ChoiceInvalid", SkuValidator.Label("Category"), Choices<SkuCategory>()));
        }
        if (!string.IsNullOrWhiteSpace(query.Lifecycle))
        {
            if (Naming.TryParseSnakeCase<SkuLifecycle>(query.Lifecycle.Trim(), out var lifecycle))
                skus = skus.Where(s => s.Lifecycle == lifecycle);
            else
                errors.Add("lifecycle", Localized<SkuText>.Format("ChoiceInvalid", SkuValidator.Label("Lifecycle"), Choices<SkuLifecycle>()));
        }
        if (!string.IsNullOrWhiteSpace(query.Country))
        {
            var country = query.Country.Trim().ToUpperInvariant();
            if (Countries.IsValid(country))
                skus = skus.Where(s => s.Vendor.Country == country);
            else
                errors.Add("country", Localized<SkuText>.Format("CountryInvalid", query.Country.Trim()));
        }
        if (!string.IsNullOrWhiteSpace(query.Language))
        {
            var language = query.Language.Trim().ToLowerInvariant();
            if (KernelLanguages.Names.Contains(language))
                skus = skus.Where(s => s.Languages.Contains(language));
            else
                errors.Add("language", Localized<SkuText>.Format("LanguageUnknown", query.Language.Trim(), string.Join(", ", KernelLanguages.Names)));
        }
        return errors.Any ? null : skus;
    }

    public static IQueryable<HardwareSku>? Sort(IQueryable<HardwareSku> skus, string? sort, ValidationErrors errors) =>
        ParseSort(sort, errors) is { } order ? Sort(skus, order) : null;

    /// <summary>A valid sort key and its direction.</summary>
    public sealed record Order(string Key, bool Descending)
    {
        public override string ToString() => (Descending ? "-" : "") + Key;
    }

    public static Order? ParseSort(string? sort, ValidationErrors errors)
    {
        var key = string.IsNullOrWhiteSpace(sort) ? "name" : sort.Trim();
        var descending = key.StartsWith('-');
        if (descending)
            key = key[1..];
        if (SortKeys.Contains(key))
            return new Order(key, descending);
        errors.Add("sort", Localized<SkuText>.Format("SortInvalid", string.Join(", ", SortKeys)));
        return null;
    }

    /// <param name="searching">A search (q) filters the rows: by name, the page is then sorted from the matches rather than
    /// read in name order (see <see cref="SkuKeyset.ByName"/>).</param>
    public static IQueryable<HardwareSku> Sort(IQueryable<HardwareSku> skus, Order order, bool searching = false)
    {
        var descending = order.Descending;
        if (Figures.TryGetValue(order.Key, out var figure))
            return SkuKeyset.ByFigure(skus, figure, descending);
        if (order.Key == "name")
            return SkuKeyset.ByName(skus, descending, searching);
        var ordered = order.Key switch
        {
            "vendor" => By(skus, s => s.Vendor.Name, descending),
            "category" => By(skus, s => s.Category, descending),
            // Lifecycle in its natural order, not alphabetically.
            "lifecycle" => By(skus, s => s.Lifecycle == SkuLifecycle.Announced ? 0 : s.Lifecycle == SkuLifecycle.Sampling ? 1 : s.Lifecycle == SkuLifecycle.Ga ? 2 : 3, descending),
            "releaseMonth" => NullsLast(skus, s => s.ReleaseMonth, descending),
            "updated" => By(skus, s => s.UpdatedAt, descending),
            _ => throw new ArgumentOutOfRangeException(nameof(order), order, null),
        };
        // A unique tie-breaker keeps pages stable.
        return ordered.ThenBy(s => s.Name).ThenBy(s => s.Id);
    }

    /// <summary>
    /// The sortable figures that are numbers: ordered as <c>(x IS NULL), COALESCE(±x, 0), name, id</c>, all ascending,
    /// which is "unknown last either way" and matches the expression indexes of the RegistryAtScale migration, so that a
    /// page is read in index order and a cursor (<see cref="SkuKeyset"/>) seeks straight to its place.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, SkuKeyset.Figure> Figures = new Dictionary<string, SkuKeyset.Figure>
    {
        ["memoryGb"] = new(s => s.MemoryGb, r => r.MemoryGb),
        ["memoryBandwidthTbs"] = new(s => s.MemoryBandwidthTbs, r => r.MemoryBandwidthTbs),
        ["bf16Tflops"] = new(s => s.Bf16Tflops, r => r.Bf16Tflops),
        ["fp8Tflops"] = new(s => s.Fp8Tflops, r => r.Fp8Tflops),
        ["int8Tops"] = new(s => s.Int8Tops, r => r.Int8Tops),
        ["tdpW"] = new(s => s.TdpW, r => r.TdpW),
    };

    public static IQueryable<Row> Project(IQueryable<HardwareSku> skus) =>
        skus.Select(s => new Row(
            s.Id, s.VendorId, s.Vendor.Name, s.Vendor.Country, s.Name, s.Category, s.Lifecycle, s.ReleaseMonth, s.MemoryGb, s.MemoryType,
            s.MemoryBandwidthTbs, s.Bf16Tflops, s.Fp8Tflops, s.Int8Tops, s.TdpW, s.Languages, s.UpdatedAt));

    public static SkuListItem ToListItem(Row r) => new(
        r.Id, r.VendorId, r.VendorName, r.VendorCountry, r.Name, r.Category, r.Lifecycle, SkuValidator.FormatMonth(r.ReleaseMonth), r.MemoryGb,
        r.MemoryType, r.MemoryBandwidthTbs, r.Bf16Tflops, r.Fp8Tflops, r.Int8Tops, r.TdpW, r.Languages, r.UpdatedAt);

    public static async IAsyncEnumerable<SkuListItem> Stream(IAsyncEnumerable<Row> rows, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var row in rows.WithCancellation(cancellationToken))
            yield return ToListItem(row);
    }

    private static string Choices<TEnum>() where TEnum : struct, Enum =>
        string.Join(", ", Enum.GetValues<TEnum>().Select(Naming.ToSnakeCase));

    private static IOrderedQueryable<HardwareSku> By<TKey>(IQueryable<HardwareSku> skus, Expression<Func<HardwareSku, TKey>> key, bool descending) =>
        descending ? skus.OrderByDescending(key) : skus.OrderBy(key);

    // PostgreSQL puts NULL first when descending; an unknown figure is never the "best" one, so it goes last both ways.
    private static IOrderedQueryable<HardwareSku> NullsLast<TKey>(IQueryable<HardwareSku> skus, Expression<Func<HardwareSku, TKey?>> key, bool descending)
        where TKey : struct
    {
        var isNull = Expression.Lambda<Func<HardwareSku, bool>>(
            Expression.Equal(key.Body, Expression.Constant(null, typeof(TKey?))), key.Parameters);
        var first = skus.OrderBy(isNull);
        return descending ? first.ThenByDescending(key) : first.ThenBy(key);
    }
}
