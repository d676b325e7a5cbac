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

    public string Source(string kernel) => Spec(kernel).Source!;

    /// <summary>The spec file with the source file filled in, as the suite runs it.</summary>
    /// <param name="kernel">An op (its f32 kernel) or a variant, <c>matmul.bf16</c>.</param>
    public KernelSpec Spec(string kernel) => Entry(kernel).Spec;

    public SuiteEntry Entry(string kernel) =>
        ConformanceSuite.For(KernelLanguages.Parse(language)!.Value).Single(e => e.Name == kernel);

    public ValidatedSpec Validated(string kernel)
    {
        var validation = KernelSpecValidator.Validate(Spec(kernel));
        Assert.True(validation.IsValid, validation.Message);
        return validation.Spec!;
    }

    public static TheoryData<string> Ops() => [.. OpCatalog.Names];

    /// <summary>
    /// The dtype variants every language ships (suite v2), in the suite's order: the existing ops in the dtypes where
    /// they make sense (issue 11). Plain files are f32.
    /// </summary>
    public static readonly IReadOnlyList<string> Variants =
        ["reduce_sum.f16", "reduce_sum.bf16", "softmax.bf16", "layernorm.bf16", "rmsnorm.bf16", "matmul.bf16"];

    /// <summary>Every suite kernel of a language by name, in the suite's order: each op, then its variants.</summary>
    public static IReadOnlyList<string> KernelNames() =>
        [.. OpCatalog.Names.SelectMany(op => Variants.Where(v => v.StartsWith(op + ".", StringComparison.Ordinal)).Prepend(op))];

    public static TheoryData<string> Kernels() => [.. KernelNames()];

    public void HasExactlyOneKernelAndSpecPerOpAndVariant()
    {
        Assert.Equal(KernelNames().SelectMany(name => new[] { $"{name}.{extension}", $"{name}.spec.json" }).Order(StringComparer.Ordinal), Files());
        Assert.Equal(KernelNames(), ConformanceSuite.For(KernelLanguages.Parse(language)!.Value).Select(e => e.Name));
    }

    /// <summary>The file's dtype is the spec's: none or f32 for a plain file, the variant's own for a variant.</summary>
    public void SpecFileLeavesTheSourceToItsKernelFile(string kernel)
    {
        using var document = JsonDocument.Parse(Read($"{kernel}.spec.json"));
        Assert.False(document.RootElement.TryGetProperty("source", out _));
        Assert.Equal(language, document.RootElement.GetProperty("language").GetString());
        var entry = Entry(kernel);
        Assert.Equal(entry.Dtype, Validated(kernel).Dtype.Dtype());
        Assert.Equal(kernel == entry.Op ? SuiteEntry.Float32 : kernel[(entry.Op.Length + 1)..], entry.Dtype);
    }

    /// <summary>
    /// A first case that is the op's smallest (every size at its least; one short row where the op's outputs vanish at one element), a checked case with an odd size above one (so no multiple of any
    /// block), and a last, timed case large enough to measure.
    /// </summary>
    public void CasesCoverTheEdgesAndEndLarge(string kernel)
    {
        var spec = Validated(kernel);
        Assert.True(SmallestCases.IsSmallest(spec.Op, spec.Cases[0]), $"the first case ({spec.Cases[0]}) is not the op's smallest");
        Assert.Contains(spec.Cases.SkipLast(1), c => c.Ints.Values.Any(v => v > 1 && v % 2 == 1));
        var timed = spec.Cases[^1];
        Assert.True(spec.Op.BytesMoved(timed) >= TimedBytes || (spec.Op.Flops?.Invoke(timed) ?? 0) >= TimedFlops,
            $"the timed case ({timed}) is too small to measure on an H200");
    }

    /// <summary>The runner refuses cases whose reference a kernel writing zeros could pass; these must not be such cases.</summary>
    public void SmallCasesCanTellAZeroWriterFromAKernel(string kernel)
    {
        var spec = Validated(kernel);
        foreach (var parameters in spec.Cases.SkipLast(1))
        {
            var reference = spec.Op.Reference(parameters, InputGenerator.Generate(spec.Op, parameters, spec.Seed, spec.BufferTypes));
            Assert.Null(ReferenceCheck.FindProblem(spec, parameters, reference));
        }
    }

    /// <summary>The names of a parameter list "const float* __restrict__ x, int n" or "x, n, BLOCK: tl.constexpr": the last word of each.</summary>
    public static IReadOnlyList<string> ParameterNames(string parameterList) =>
        [.. parameterList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split(':')[0].Trim())
            .Select(p => p.Split([' ', '*', '&'], StringSplitOptions.RemoveEmptyEntries)[^1])];

}
