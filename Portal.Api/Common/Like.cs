namespace Portal.Api.Common;

/// <summary>Text searched for with ILIKE, its wildcards taken literally.</summary>
public static class Like
{
    /// <summary>Npgsql sends ESCAPE '' when no escape character is given, which would make <see cref="Escape"/>'s backslashes literal.</summary>
    public const string EscapeCharacter = "\\";

    /// <remarks>Control characters are dropped: stored text holds none (the input rule), and PostgreSQL refuses NUL in a parameter.</remarks>
    public static string Escape(string text) =>
        ControlCharacters.Strip(text).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
