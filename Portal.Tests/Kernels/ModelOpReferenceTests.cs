using Portal.Kernels.Buffers;
using Portal.Kernels.Comparison;
using Portal.Kernels.Inputs;
using Portal.Kernels.Ops;
using Portal.Kernels.Spec;
using Portal.Kernels.Suite;

namespace Portal.Tests.Kernels;

/// <summary>embedding, cross_entropy and conv2d: references on inputs small enough to check by hand, and the promises their distributions make.</summary>
public class ModelOpReferenceTests
{
    private static double[] Run(string op, (string, double)[] parameters, params HostBuffer[] inputs)
    {
        var definition = OpCatalog.Get(op);
        var values = definition.Params.ToDictionary(p => p.Name, p => p.Default ?? 0);
        foreach (var (name, value) in parameters)
            values[name] = value;
        var outputs = definition.Reference(new CaseParams(definition, values), inputs.ToDictionary(b => b.Name));
        return Assert.Single(outputs).Value;
    }

    private static HostBuffer F(string name, params float[] values) => HostBuffer.Float32(name, values);

    private static HostBuffer I(string name, params int[] values) => HostBuffer.Int32(name, values);

    private static CaseParams Case(string op, params (string Name, double Value)[] values) =>
        OpCatalogTests.Resolve(OpCatalog.Get(op), DefaultCases.Of(values));

    [Fact]
    public void Embedding_copies_the_row_of_each_id()
    {
        // table: row 0 = (1, 2), row 1 = (3, 4), row 2 = (5, 6)
        var y = Run("embedding", [("tokens", 4), ("vocab", 3), ("dim", 2)], F("table", 1, 2, 3, 4, 5, 6), I("ids", 2, 0, 2, 1));

        Assert.Equal([5, 6, 1, 2, 5, 6, 3, 4], y);
    }

    [Fact]
    public void Embedding_reads_a_bfloat16_table_as_its_values()
    {
        var table = HostBuffer.FromValues("table", ElementType.BFloat16, 4, i => 1 + i / 128.0);

        var y = Run("embedding", [("tokens", 2), ("vocab", 2), ("dim", 2)], table, I("ids", 1, 0));

        Assert.Equal([1 + 2 / 128.0, 1 + 3 / 128.0, 1, 1 + 1 / 128.0], y);
    }

    [Fact]
    public void Cross_entropy_is_logsumexp_minus_the_target_logit()
    {
        // row 0: log(e^0 + e^ln2 + e^0) − ln2 = log 4 − log 2 = log 2; row 1: log(3·e^1) − 1 = log 3.
        var ln2 = (float)Math.Log(2);
        var loss = Run("cross_entropy", [("rows", 2), ("cols", 3)], I("target", 1, 2), F("logits", 0, ln2, 0, 1, 1, 1));

        Assert.Equal(Math.Log(2), loss[0], 6);
        Assert.Equal(Math.Log(3), loss[1], 12);
    }

    [Fact]
    public void Cross_entropy_is_finite_for_logits_far_beyond_where_exp_overflows()
    {
        var loss = Run("cross_entropy", [("rows", 2), ("cols", 2)], I("target", 0, 1), F("logits", 1000, 1000, -1000, -1001));

        Assert.Equal(Math.Log(2), loss[0], 12);
        Assert.Equal(Math.Log(1 + Math.Exp(1)), loss[1], 12);
    }

    [Fact]
    public void Conv2d_correlates_with_the_filter_unflipped_and_pads_with_zeros()
    {
        // One 2×3 image, one 3×3 filter that is 1 only at its top-left tap (u = 0, v = 0): y[i, j] = x[i − 1, j − 1],
        // zero off the image. A flipped filter (convolution) would give x[i + 1, j + 1] instead.
        float[] filter = [1, 0, 0, 0, 0, 0, 0, 0, 0];
        var y = Run("conv2d", [("n", 1), ("c", 1), ("h", 2), ("w", 3), ("k", 1)], F("x", 1, 2, 3, 4, 5, 6), F("wt", filter));

        Assert.Equal([0, 0, 0, 0, 1, 2], y);
    }

    [Fact]
    public void Conv2d_sums_over_input_channels_and_keeps_output_channels_and_images_apart()
    {
        // Two images of two 1×2 channels, 1×1 filters (r = s = 1): y[b, o] = Σ_ch wt[o, ch]·x[b, ch].
        var y = Run("conv2d", [("n", 2), ("c", 2), ("h", 1), ("w", 2), ("k", 2), ("r", 1), ("s", 1)],
            F("x", 1, 2, 10, 20, 3, 4, 30, 40), F("wt", 1, 1, 2, -1));

        Assert.Equal([11, 22, -8, -16, 33, 44, -24, -32], y);
    }

    [Fact]
    public void Conv2d_pads_each_side_by_half_a_filter_that_is_taller_than_wide()
    {
        // A 3×1 image, a 5×1 all-ones filter: padding 2 above and below, so each output sums the whole column.
        var y = Run("conv2d", [("n", 1), ("c", 1), ("h", 3), ("w", 1), ("k", 1), ("r", 5), ("s", 1)], F("x", 1, 2, 4), F("wt", 1, 1, 1, 1, 1));

        Assert.Equal([7, 7, 7], y);
    }

    [Fact]
    public void Every_pair_of_embedding_rows_differs_and_neighbours_differ_in_their_first_element()
    {
        var table = new DistinctRows(3);
        var rows = Enumerable.Range(0, 20000).Select(v => string.Join(',', Enumerable.Range(0, 3).Select(d => Math.Abs(table.Sample(0, v * 3L + d))))).ToList();

        Assert.Equal(rows.Count, rows.Distinct().Count());
        Assert.All(Enumerable.Range(0, 999), v => Assert.NotEqual(Math.Abs(table.Sample(0, v * 3L)), Math.Abs(table.Sample(0, (v + 1) * 3L))));
        // Seven fraction bits in [1, 2): exact in bfloat16, so a bf16 table holds the same distinct rows.
        Assert.All(Enumerable.Range(0, 300), i => Assert.Equal(table.Sample((ulong)i, i), FloatFormats.Round(table.Sample((ulong)i, i), ElementType.BFloat16)));
    }

    [Fact]
    public void The_logit_beside_the_target_moves_the_loss_by_more_than_the_bfloat16_tolerance()
    {
        var op = OpCatalog.Get("cross_entropy");
        var parameters = Case("cross_entropy", ("rows", 64), ("cols", 32000));
        var inputs = InputGenerator.Generate(op, parameters, 1);
        var loss = op.Reference(parameters, inputs)["loss"];
        var logits = inputs["logits"];
        var target = inputs["target"].IntArray;
        var tolerance = DtypeTolerances.Default(op, ElementType.BFloat16, parameters);

        Assert.Equal(DtypeTolerances.BFloat16Rtol, tolerance.Rtol); // not widened by cols
        for (var i = 0; i < target.Length; i++)
        {
            var neighbour = target[i] == 0 ? 1 : target[i] - 1;
            var shifted = loss[i] + logits[i * 32000 + target[i]] - logits[i * 32000 + neighbour];
            Assert.True(Math.Abs(shifted - loss[i]) > 2 * (tolerance.Atol + tolerance.Rtol * Math.Abs(loss[i])), $"row {i}");
        }
    }

    /// <summary>The suites' checked cases, every distribution, with every float buffer in f16 or bf16: the runner's rule holds.</summary>
    [Theory]
    [InlineData("embedding", "f16")]
    [InlineData("embedding", "bf16")]
    [InlineData("cross_entropy", "f16")]
    [InlineData("cross_entropy", "bf16")]
    [InlineData("conv2d", "f16")]
    [InlineData("conv2d", "bf16")]
    public void Every_checked_suite_case_keeps_a_zero_writer_failing_at_a_narrow_dtype(string op, string dtype)
    {
        var validation = KernelSpecValidator.Validate(ConformanceSuite.For(KernelLanguage.OpenClC).Single(e => e.Op == op).Spec with { Dtype = dtype });
        Assert.True(validation.IsValid, validation.Message);
        var spec = validation.Spec!;
        foreach (var parameters in spec.Cases.SkipLast(1))
        {
            var reference = spec.Op.Reference(parameters, InputGenerator.Generate(spec.Op, parameters, spec.Seed, spec.BufferTypes));
            Assert.Null(ReferenceCheck.FindProblem(spec, parameters, reference));
        }
    }

    [Fact]
    public void Bytes_and_flops_follow_the_formulas()
    {
        var conv = Case("conv2d", ("n", 2), ("c", 3), ("h", 5), ("w", 7), ("k", 4));
        Assert.Equal(4.0 * (2 * 3 * 35 + 4 * 3 * 9 + 2 * 4 * 35), OpCatalog.Get("conv2d").BytesMoved(conv));
        Assert.Equal(2.0 * 2 * 4 * 35 * 3 * 9, OpCatalog.Get("conv2d").Flops!(conv));
        Assert.Equal(27, OpCatalog.Get("conv2d").ReductionLength!(conv));
        var rows = Case("cross_entropy", ("rows", 3), ("cols", 10));
        Assert.Equal(4.0 * (30 + 6), OpCatalog.Get("cross_entropy").BytesMoved(rows));
        Assert.Equal(10, OpCatalog.Get("cross_entropy").ReductionLength!(rows));
        Assert.Equal(4.0 * (2 * 5 * 8 + 5), OpCatalog.Get("embedding").BytesMoved(Case("embedding", ("tokens", 5), ("vocab", 100), ("dim", 8))));
        Assert.Null(OpCatalog.Get("embedding").Flops);
    }
}
