using System.Text.Json;
using Portal.Kernels.Buffers;
using Portal.Kernels.Comparison;
using Portal.Kernels.Execution;
using Portal.Kernels.Inputs;
using Portal.Kernels.Ops;
using Portal.Kernels.Spec;
using Portal.Kernels.Suite;

namespace Portal.Tests.Kernels;

/// <summary>
/// One language's part of the conformance suite, as <see cref="ConformanceSuite"/> loads it and as the library
/// embeds it (Suite/&lt;language&gt;/&lt;op&gt;.&lt;ext&gt; with &lt;op&gt;.spec.json; MSBuild turns the folder's '-' into '_'
/// in resource names), and the checks every language's suite must pass.
/// </summary>
internal sealed class SuiteFiles(string language, string extension)
{
    /// <summary>Big enough to time on an H200: well past its 60 MB L2, or ten GFLOP of work.</summary>
    private const double TimedBytes = 256.0 * (1 << 20);
    private const double TimedFlops = 1e10;

    private string Prefix => $"Portal.Kernels.Suite.{language.Replace('-', '_')}.";

    public string Read(string file)
    {
        using var stream = typeof(KernelRunner).Assembly.GetManifestResourceStream(Prefix + file)
            ?? throw new FileNotFoundException($"no embedded resource {Prefix + file}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>The suite's files for the language; the control kernels in its controls/ folder are not part of it.</summary>
    public IReadOnlyList<string> Files() =>
        [.. typeof(KernelRunner).Assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal))
            .Select(n => n[Prefix.Length..]).Where(n => !n.StartsWith("controls.", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

    public string Source(string op) => Spec(op).Source!;

    /// <summary>The spec file with the source file filled in, as the suite runs it.</summary>
    public KernelSpec Spec(string op) =>
        ConformanceSuite.For(KernelLanguages.Parse(language)!.Value).Single(e => e.Op == op).Spec;

    public ValidatedSpec Validated(string op)
    {
        var validation = KernelSpecValidator.Validate(Spec(op));
        Assert.True(validation.IsValid, validation.Message);
        return validation.Spec!;
    }

    public static TheoryData<string> Ops() => [.. OpCatalog.Names];

    public void HasExactlyOneKernelAndSpecPerOp()
    {
        Assert.Equal(OpCatalog.Names.SelectMany(op => new[] { $"{op}.{extension}", $"{op}.spec.json" }).Order(StringComparer.Ordinal), Files());
        Assert.Equal(OpCatalog.Names, ConformanceSuite.For(KernelLanguages.Parse(language)!.Value).Select(e => e.Op));
    }

    public void SpecFileLeavesTheSourceToItsKernelFile(string op)
    {
        using var document = JsonDocument.Parse(Read($"{op}.spec.json"));
        Assert.False(document.RootElement.TryGetProperty("source", out _));
        Assert.Equal(language, document.RootElement.GetProperty("language").GetString());
    }

    /// <summary>
    /// A first case that is the op's smallest (every size at its least; one short row where the op's outputs vanish at one element), a checked case with an odd size above one (so no multiple of any
    /// block), and a last, timed case large enough to measure.
    /// </summary>
    public void CasesCoverTheEdgesAndEndLarge(string op)
    {
        var spec = Validated(op);
        Assert.True(SmallestCases.IsSmallest(spec.Op, spec.Cases[0]), $"the first case ({spec.Cases[0]}) is not the op's smallest");
        Assert.Contains(spec.Cases.SkipLast(1), c => c.Ints.Values.Any(v => v > 1 && v % 2 == 1));
        var timed = spec.Cases[^1];
        Assert.True(spec.Op.BytesMoved(timed) >= TimedBytes || (spec.Op.Flops?.Invoke(timed) ?? 0) >= TimedFlops,
            $"the timed case ({timed}) is too small to measure on an H200");
    }

    /// <summary>The runner refuses cases whose reference a kernel writing zeros could pass; these must not be such cases.</summary>
    public void SmallCasesCanTellAZeroWriterFromAKernel(string op)
    {
        var spec = Validated(op);
        foreach (var parameters in spec.Cases.SkipLast(1))
        {
            var reference = spec.Op.Reference(parameters, InputGenerator.Generate(spec.Op, parameters, spec.Seed));
            Assert.Null(ReferenceCheck.FindProblem(spec.Op, reference, spec.Tolerance));
        }
    }

    /// <summary>The names of a parameter list "const float* __restrict__ x, int n" or "x, n, BLOCK: tl.constexpr": the last word of each.</summary>
    public static IReadOnlyList<string> ParameterNames(string parameterList) =>
        [.. parameterList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split(':')[0].Trim())
            .Select(p => p.Split([' ', '*', '&'], StringSplitOptions.RemoveEmptyEntries)[^1])];

}
