using Portal.Kernels.Comparison;
using Portal.Kernels.Inputs;
using Portal.Kernels.Ops;

namespace Portal.Tests.Kernels;

public class OpCatalogTests
{
    public static TheoryData<string> Ops() => [.. OpCatalog.Names];

    [Fact]
    public void The_catalog_holds_the_ops_of_the_design_in_its_order() =>
        Assert.Equal(
            ["vector_add", "saxpy", "gelu", "reduce_sum", "histogram", "prefix_sum", "transpose", "softmax", "layernorm", "rmsnorm", "matmul",
             "attention", "rope", "swiglu", "embedding", "cross_entropy", "conv2d", "softmax_backward", "cross_entropy_backward", "layernorm_backward"],
            OpCatalog.Names);

    [Fact]
    public void An_unknown_op_is_not_found() => Assert.Null(OpCatalog.Find("conv3d"));

    [Theory]
    [MemberData(nameof(Ops))]
    public void Every_op_has_inputs_an_output_and_several_default_cases_ending_with_the_largest(string name)
    {
        var op = OpCatalog.Get(name);
        Assert.NotEmpty(op.Inputs);
        Assert.NotEmpty(op.Outputs);
        Assert.All(op.Inputs, b => Assert.NotNull(b.Distribution));
        Assert.True(op.DefaultCases.Count >= 3);
        Assert.InRange(op.DefaultTolerance.Rtol, 0, 0.01);
        var bytes = op.DefaultCases.Select(c => op.Buffers.Sum(b => b.Length(Resolve(op, c)) * 4L)).ToList();
        Assert.Equal(bytes.Max(), bytes[^1]);
        Assert.True(bytes[^1] >= 32L << 20, "the timed case should be far larger than a cache");
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void Every_op_has_a_smallest_case_and_a_case_that_is_no_multiple_of_256(string name)
    {
        // Smallest: every size without a default at the least the op allows (1, or 2 for rope's pairs); flags such as causal
        // are no sizes, and sizes with a default (histogram's bins, conv2d's 3×3 filter) keep it.
        var op = OpCatalog.Get(name);
        var sizes = op.DefaultCases.Select(c => op.Params.Where(p => p.Kind == ParamKind.Int && !p.IsFlag && p.Name != "bins")
            .Select(p => (long)c[p.Name]).ToList()).ToList();
        Assert.Contains(op.DefaultCases, c => SmallestCases.IsSmallest(op, Resolve(op, c)));
        Assert.Contains(sizes, s => s.All(v => v % 256 != 0));
    }

    /// <summary>
    /// The backward ops start at one row of two (three for layernorm) columns because one element gives zero gradients,
    /// and cross_entropy at three classes because one class has a loss of 0.
    /// </summary>
    [Fact]
    public void Only_the_ops_whose_outputs_vanish_at_one_element_start_from_a_wider_row() =>
        Assert.Equal(["cross_entropy", "softmax_backward", "cross_entropy_backward", "layernorm_backward"],
            OpCatalog.All.Where(SmallestCases.OutputsVanishAtOneElement).Select(op => op.Name));

    [Fact]
    public void Bytes_and_flops_follow_the_op_formulas()
    {
        var vectorAdd = OpCatalog.Get("vector_add");
        var n1000 = Resolve(vectorAdd, DefaultCases.Of(("n", 1000)));
        Assert.Equal(12_000, vectorAdd.BytesMoved(n1000));
        Assert.Equal(1000, vectorAdd.Flops!(n1000));

        var matmul = OpCatalog.Get("matmul");
        var shape = Resolve(matmul, DefaultCases.Of(("m", 2), ("n", 3), ("k", 4)));
        Assert.Equal(4 * (8 + 12 + 6), matmul.BytesMoved(shape));
        Assert.Equal(2 * 2 * 3 * 4, matmul.Flops!(shape));
        Assert.Null(OpCatalog.Get("transpose").Flops);
    }

    /// <summary>
    /// The catalog's promise that a kernel writing zeros cannot pass any default case, checked on the real
    /// default cases (the largest take a few seconds: 2048³ matmul and 2^26-element buffers).
    /// </summary>
    [Theory]
    [MemberData(nameof(Ops))]
    public void Every_default_case_has_a_reference_well_above_the_default_tolerance(string name)
    {
        var op = OpCatalog.Get(name);
        foreach (var values in op.DefaultCases)
        {
            var parameters = Resolve(op, values);
            var reference = op.Reference(parameters, InputGenerator.Generate(op, parameters, 1));
            Assert.Null(ReferenceCheck.FindProblem(op, reference, op.DefaultTolerance));
        }
    }

    internal static CaseParams Resolve(OpDefinition op, IReadOnlyDictionary<string, double> values) =>
        new(op, op.Params.ToDictionary(p => p.Name, p => values.TryGetValue(p.Name, out var v) ? v : p.Default!.Value));
}
