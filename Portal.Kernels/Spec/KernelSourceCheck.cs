using System.Text;

namespace Portal.Kernels.Spec;

/// <summary>
/// The first line of defence against a kernel that reads the agent host's files through its compiler: OpenCL C has
/// no standard headers, so it may include nothing; CUDA C may include only the toolkit headers NVRTC ships, by
/// angle-bracket name. The check runs on what the preprocessor will see (line continuations joined, comments gone,
/// digraph and trigraph spellings of <c>#</c> read as <c>#</c>), so spacing and splicing tricks do not get past it.
/// The sandbox the kernel is compiled in is the second line.
/// </summary>
public static class KernelSourceCheck
{
    /// <summary>What CUDA C may include: the headers NVRTC carries itself, never a file of the host.</summary>
    public static IReadOnlySet<string> CudaHeaders { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "cuda_fp16.h", "cuda_fp16.hpp", "cuda_bf16.h", "cuda_bf16.hpp", "cuda_fp8.h", "cuda_fp8.hpp",
        "cuda_fp6.h", "cuda_fp6.hpp", "cuda_fp4.h", "cuda_fp4.hpp", "cuda_runtime.h", "cuda_runtime_api.h",
        "vector_types.h", "vector_functions.h", "cooperative_groups.h", "cuda_pipeline.h", "cuda_awbarrier.h",
        "mma.h", "stdint.h", "cstdint", "limits.h", "climits", "float.h", "cfloat", "stddef.h", "cstddef",
    };

    private const string Why = "kernels are compiled in a sandbox and may only use the toolchain's own headers";

    /// <returns>Why the source may not be compiled, naming the line; null when it may.</returns>
    /// <param name="what">How the message names the source, e.g. "the kernel" or "the reference".</param>
    public static string? FindProblem(KernelLanguage language, string source, string what = "the kernel") => language switch
    {
        KernelLanguage.OpenClC => FindProblem(source, what, allowed: static _ => false,
            allowedText: "OpenCL C has no standard headers: put everything the kernel needs in its source"),
        KernelLanguage.CudaC => FindProblem(source, what, allowed: static header => CudaHeaders.Contains(header),
            allowedText: $"only #include <name> of a CUDA toolkit header is allowed ({string.Join(", ", CudaHeaders.Order(StringComparer.Ordinal))})"),
        _ => null, // Triton is Python: what it may open is the sandbox's business alone.
    };

    private static string? FindProblem(string source, string what, Func<string, bool> allowed, string allowedText)
    {
        foreach (var (text, line) in LogicalLines(source))
        {
            var body = text.TrimStart();
            // __has_include and __has_embed answer whether a host file exists, anywhere in a line.
            foreach (var probe in (string[])["__has_include", "__has_include_next", "__has_embed"])
            {
                if (ContainsWord(body, probe))
                    return $"{what}: {probe} is not allowed: {Why}; line {line}";
            }
            if (ContainsWord(body, "_Pragma") && body.Contains("dependency", StringComparison.Ordinal))
                return $"{what}: _Pragma(\"... dependency\") is not allowed: {Why}; line {line}";
            if (!body.StartsWith('#'))
                continue;
            var directive = body[1..].TrimStart();
            var name = new string(directive.TakeWhile(c => char.IsAsciiLetterOrDigit(c) || c == '_').ToArray());
            var rest = directive[name.Length..].Trim();
            switch (name)
            {
                // include, include_next, clang's internal __include_macros: anything that includes.
                case var including when including == "import" || including.Contains("include", StringComparison.Ordinal):
                    if (IsAngleHeader(rest, out var header) && allowed(header))
                        continue;
                    return $"{what}: #{name} is not allowed: {Why}; {allowedText}; line {line}";
                case "embed":
                    return $"{what}: #embed is not allowed: {Why}; line {line}";
                case "pragma" when rest.Contains("dependency", StringComparison.Ordinal):
                    return $"{what}: #pragma ... dependency is not allowed: {Why}; line {line}";
            }
        }
        return null;
    }

    /// <summary>&lt;name&gt; with a plain file name: no path, no macro, nothing after it.</summary>
    private static bool IsAngleHeader(string rest, out string header)
    {
        header = "";
        if (rest.Length < 3 || rest[0] != '<' || rest[^1] != '>')
            return false;
        header = rest[1..^1];
        return header.Length > 0 && header.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.') && !header.StartsWith('.');
    }

    private static bool ContainsWord(string text, string word)
    {
        for (var at = text.IndexOf(word, StringComparison.Ordinal); at >= 0; at = text.IndexOf(word, at + 1, StringComparison.Ordinal))
        {
            var before = at == 0 ? ' ' : text[at - 1];
            var end = at + word.Length;
            var after = end >= text.Length ? ' ' : text[end];
            if (!IsIdentifier(before) && !IsIdentifier(after))
                return true;
        }
        return false;
    }

    private static bool IsIdentifier(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    /// <summary>
    /// The source as the preprocessor's directive reader sees it: trigraphs ??= and ??/ and the digraph %: replaced,
    /// backslash-newlines joined, comments (outside string and character literals) turned into a space; each line with
    /// the physical line number it starts on.
    /// </summary>
    internal static IEnumerable<(string Text, int Line)> LogicalLines(string source)
    {
        var text = source.Replace("??=", "#", StringComparison.Ordinal).Replace("??/", "\\", StringComparison.Ordinal)
            .Replace("%:", "#", StringComparison.Ordinal).Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        var line = new StringBuilder();
        var physical = 1;
        var start = 1;
        var inBlockComment = false;
        char? quote = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\' && SplicedNewline(text, i) is var skip and > 0)
            {
                physical++;
                i += skip;
                continue;
            }
            if (c == '\n')
            {
                physical++;
                if (inBlockComment)
                    continue; // a block comment spans lines: the directive it sits in goes on
                yield return (line.ToString(), start);
                line.Clear();
                quote = null;
                start = physical;
                continue;
            }
            if (inBlockComment)
            {
                if (c == '*' && Next(text, i) == '/')
                {
                    inBlockComment = false;
                    line.Append(' ');
                    i++;
                }
                continue;
            }
            if (quote is { } open)
            {
                line.Append(c);
                if (c == '\\' && i + 1 < text.Length && text[i + 1] != '\n')
                    line.Append(text[++i]);
                else if (c == open)
                    quote = null;
                continue;
            }
            if (c == '/' && Next(text, i) == '*')
            {
                inBlockComment = true;
                i++;
                continue;
            }
            if (c == '/' && Next(text, i) == '/')
            {
                // A line comment runs to the end of the logical line, continuations included.
                while (i + 1 < text.Length && text[i + 1] != '\n')
                {
                    i++;
                    if (text[i] == '\\' && SplicedNewline(text, i) is var more and > 0)
                    {
                        physical++;
                        i += more;
                    }
                }
                line.Append(' ');
                continue;
            }
            if (c is '"' or '\'')
                quote = c;
            line.Append(c);
        }
        yield return (line.ToString(), start);
    }

    /// <summary>After a backslash: how many characters up to and including the newline it splices (spaces allowed, as compilers do); 0 when none.</summary>
    private static int SplicedNewline(string text, int backslash)
    {
        var j = backslash + 1;
        while (j < text.Length && text[j] is ' ' or '\t')
            j++;
        return j < text.Length && text[j] == '\n' ? j - backslash : 0;
    }

    private static char Next(string text, int i) => i + 1 < text.Length ? text[i + 1] : '\0';
}
