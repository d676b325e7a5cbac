namespace Portal.Api.Common;

/// <summary>Text searched for with ILIKE, its wildcards taken literally.</summary>
public static class Like
{
    /// <summary>Npgsql sends ESCAPE '' when no escape character is given, which would make <see cref="Escape"/>'s backslashes literal.</summary>
    public const string EscapeCharacter = "\\";

    public static string Escape(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
