using System.Globalization;

namespace Portal.Kernels.Results;

/// <summary>
/// How much of a result the portal stores and serves (README "Limits on what an agent sends"). Text past its cap is cut, with a marker
/// saying how much was left out, by the agent before sending and again by the portal on receipt; lists past theirs are
/// refused (400), since no valid spec yields them; a request body past <see cref="MaxRequestBytes"/> is refused (413).
/// </summary>
public static class ResultLimits
{
    /// <summary>The body of any agent-protocol request.</summary>
    public const int MaxRequestBytes = 1 << 20;

    public const int MaxCompileLogChars = 64 * 1024;
    public const int MaxMessageChars = 4 * 1024;

    /// <summary>Each device field (id, name, vendor, runtime, driver) and a mismatch's buffer name.</summary>
    public const int MaxNameChars = 256;

    /// <summary>Twice the spec's own limit on cases (KernelLimits.MaxCases).</summary>
    public const int MaxCases = 64;

    /// <summary>Params of one case or of the timing.</summary>
    public const int MaxParams = 64;

    /// <summary>
    /// The result with every text field cut to its cap, and control characters other than tab and line breaks (a driver's
    /// colour codes, a NUL a kernel printed) shown as U+FFFD: the portal refuses them in a request (the input rule).
    /// </summary>
    public static KernelResult Bounded(this KernelResult result) => result with
    {
        Message = Cut(result.Message, MaxMessageChars)!,
        CompileLog = Cut(result.CompileLog, MaxCompileLogChars),
        Device = result.Device is { } d
            ? new DeviceInfo(Cut(d.Id, MaxNameChars)!, Cut(d.Name, MaxNameChars)!, Cut(d.Vendor, MaxNameChars)!, Cut(d.Runtime, MaxNameChars)!,
                Cut(d.Driver, MaxNameChars)!)
            : null,
        Cases = result.Cases?.Select(c => c with
        {
            FirstMismatch = c.FirstMismatch is { } m
                ? m with { Buffer = Cut(m.Buffer, MaxNameChars)!, Inputs = CutKeys(m.Inputs), Position = CutKeys(m.Position) }
                : null,
            Distribution = Cut(c.Distribution, MaxNameChars),
            Pattern = c.Pattern is { } p ? new MismatchPattern(Cut(p.Code, MaxNameChars)!, CutKeys(p.Parameters)) : null,
        }).ToList(),
        Timing = result.Timing is { } t ? t with { Dtype = Cut(t.Dtype, MaxNameChars), StoppedBy = Cut(t.StoppedBy, MaxNameChars) } : null,
        BufferDtypes = result.BufferDtypes is { } buffers ? CutNames(buffers) : null,
    };

    private static Dictionary<string, T>? CutKeys<T>(IReadOnlyDictionary<string, T>? values)
    {
        if (values is null)
            return null;
        var cut = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var (name, value) in values)
            cut.TryAdd(Cut(name, MaxNameChars)!, value);
        return cut;
    }

    private static Dictionary<string, string> CutNames(IReadOnlyDictionary<string, string> buffers)
    {
        var cut = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, dtype) in buffers)
            cut.TryAdd(Cut(name, MaxNameChars)!, Cut(dtype, MaxNameChars)!);
        return cut;
    }

    /// <summary>The list field that is over its cap ("cases", "cases[3].params", "timing.params"), or null.</summary>
    public static string? OverlongList(KernelResult result)
    {
        if (result.Cases is { Count: > MaxCases })
            return "cases";
        for (var i = 0; i < (result.Cases?.Count ?? 0); i++)
        {
            if (result.Cases![i].Params?.Count > MaxParams)
                return $"cases[{i}].params";
            if (result.Cases[i].FirstMismatch?.Inputs?.Count > MaxParams || result.Cases[i].FirstMismatch?.Position?.Count > MaxParams)
                return $"cases[{i}].firstMismatch";
            if (result.Cases[i].Pattern?.Parameters?.Count > MaxParams)
                return $"cases[{i}].pattern";
        }
        if (result.BufferDtypes?.Count > MaxParams)
            return "bufferDtypes";
        return result.Timing?.Params?.Count > MaxParams ? "timing.params" : null;
    }

    /// <summary>The first <paramref name="max"/> characters and a marker, or the text unchanged when it fits; control characters replaced.</summary>
    public static string? Cut(string? text, int max)
    {
        if (text is null)
            return null;
        if (text.Any(c => char.IsControl(c) && c is not ('\t' or '\r' or '\n')))
            text = string.Concat(text.Select(c => char.IsControl(c) && c is not ('\t' or '\r' or '\n') ? '\uFFFD' : c));
        if (text.Length <= max)
            return text;
        var marker = string.Format(CultureInfo.InvariantCulture, TruncatedMarker, text.Length - max);
        // Not between the halves of a surrogate pair.
        var keep = char.IsHighSurrogate(text[max - 1]) ? max - 1 : max;
        return string.Concat(text.AsSpan(0, keep), marker);
    }

    public const string TruncatedMarker = "\n[… truncated: {0} more characters]";
}
