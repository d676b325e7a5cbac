using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Portal.Data;

/// <summary>
/// A <c>jsonb</c> column read and written as a contract type (Portal.Contracts) with that contract's own JSON, so the
/// document never travels as untyped text between the database and a page. Two values are equal when their JSON is:
/// the contract records hold lists, which record equality compares by reference.
/// </summary>
internal static class TypedJsonb
{
    /// <summary>For a nullable column, name the property with <c>!</c> (<c>j =&gt; j.Result!</c>): EF passes no null to a converter.</summary>
    public static PropertyBuilder<T> IsJsonb<T>(this PropertyBuilder<T> property, Func<T, string> write, Func<string, T?> read)
        where T : class =>
        property.HasColumnType("jsonb").HasConversion(
            new ValueConverter<T, string>(value => write(value), json => read(json)!),
            new ValueComparer<T>(
                (a, b) => ReferenceEquals(a, b) || (a != null && b != null && write(a) == write(b)),
                value => write(value).GetHashCode(StringComparison.Ordinal),
                // The contract records are immutable: the value itself is its snapshot.
                value => value));
}
