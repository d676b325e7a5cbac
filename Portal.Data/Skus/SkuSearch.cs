namespace Portal.Data.Skus;

/// <summary>
/// The catalogue's search column: a SKU's name, memory type and vendor name in one lower-case text, kept by PostgreSQL triggers
/// (migration RegistryFiguresAndSearch; the vendor's name is another table's, so it cannot be a generated column), with
/// one trigram index. One condition on one table lets the planner read a page in name order and filter (a common term)
/// or read the trigram index and sort (a rare one), whichever the matches' share makes cheaper.
/// </summary>
public static class SkuSearch
{
    /// <summary>The shadow property (<c>EF.Property&lt;string&gt;(sku, SkuSearch.Column)</c>), column search_text.</summary>
    public const string Column = "SearchText";

    /// <summary>Between the parts: a control character, which no search term may hold (the API refuses them, and
    /// <see cref="Matchable"/> says so for the pages), so that a term never matches across two parts.</summary>
    public const char Separator = '\u001f';

    /// <summary>PostgreSQL's lower(), for the term: lowered as the column was, by the same function and collation, so that
    /// <c>search_text LIKE lower('%term%')</c> means what ILIKE on each part meant (ILIKE lowers both sides the same way),
    /// at less cost per row than ILIKE. Only in queries.</summary>
    public static string Lower(string text) => throw new NotSupportedException("PostgreSQL's lower(), for queries only: " + text);

    /// <summary>Whether a term can match at all: one holding the separator would match across parts.</summary>
    public static bool Matchable(string term) => !term.Contains(Separator);
}
