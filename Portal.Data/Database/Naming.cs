using System.Text;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Portal.Data;

/// <summary>snake_case for enum values, matching the JSON contracts and the database columns.</summary>
public static class Naming
{
    public static string ToSnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0)
                    builder.Append('_');
                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }
        return builder.ToString();
    }

    public static string ToSnakeCase<TEnum>(TEnum value) where TEnum : struct, Enum =>
        SnakeCaseNames<TEnum>.Names.TryGetValue(value, out var name) ? name : ToSnakeCase(value.ToString());

    public static bool TryParseSnakeCase<TEnum>(string? text, out TEnum value) where TEnum : struct, Enum
    {
        if (text is not null && SnakeCaseNames<TEnum>.Values.TryGetValue(text, out value))
            return true;
        value = default;
        return false;
    }

    /// <summary>
    /// Each enum's names, worked out once: every row read converts its enum columns, and doing it by listing the values and
    /// spelling each out was a list request's largest allocation after the page itself.
    /// </summary>
    private static class SnakeCaseNames<TEnum> where TEnum : struct, Enum
    {
        public static readonly Dictionary<TEnum, string> Names = Enum.GetValues<TEnum>().Distinct().ToDictionary(v => v, v => ToSnakeCase(v.ToString()));
        public static readonly Dictionary<string, TEnum> Values = Names.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);
    }
}

/// <summary>Stores an enum as its snake_case name.</summary>
public sealed class SnakeCaseEnumConverter<TEnum>() : ValueConverter<TEnum, string>(
    v => Naming.ToSnakeCase(v),
    v => Parse(v))
    where TEnum : struct, Enum
{
    private static TEnum Parse(string text) =>
        Naming.TryParseSnakeCase<TEnum>(text, out var value)
            ? value
            : throw new InvalidOperationException($"'{text}' is not a {typeof(TEnum).Name}.");
}
