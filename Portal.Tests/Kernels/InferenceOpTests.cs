using Portal.Kernels.Buffers;
using Portal.Kernels.Comparison;
using Portal.Kernels.Inputs;
using Portal.Kernels.Ops;
using Portal.Kernels.Spec;
using Portal.Kernels.Suite;
using static Portal.Tests.Kernels.Specs;

namespace Portal.Tests.Kernels;

/// <summary>
/// attention, rope and swiglu (catalog v2): their references on cases small enough to compute by hand, their params'
/// rules, and the promise of their distributions and tolerances in every storage dtype: a kernel writing zeros fails,
/// and a float32 RoPE that computes its angles in float passes.
/// </summary>
public class InferenceOpTests
{
    private static readonly OpDefinition Attention = OpCatalog.Get("attention");
    private static readonly OpDefinition Rope = OpCatalog.Get("rope");
    private static readonly OpDefinition SwiGlu = OpCatalog.Get("swiglu");

    private static CaseParams Params(OpDefinition op, params (string Name, double Value)[] values) =>
        OpCatalogTests.Resolve(op, DefaultCases.Of(values));

    private static double[] Run(OpDefinition op, CaseParams parameters, params HostBuffer[] inputs) =>
        op.Reference(parameters, inputs.ToDictionary(b => b.Name, StringComparer.Ordinal))[op.Outputs.Single().Name];

    private static HostBuffer F32(string name, params float[] values) => HostBuffer.Float32(name, values);

    [Fact]
    public void Catalog_v2_inference_ops_follow_the_v1_ops_in_the_design_order() =>
        Assert.Equal(["matmul", "attention", "rope", "swiglu"], OpCatalog.Names.Skip(10).Take(4));

    [Fact]
    public void Attention_over_a_single_key_returns_its_value()
    {
        var p = Params(Attention, ("bh", 2), ("seq", 1), ("dim", 3), ("causal", 0));

        var o = Run(Attention, p, F32("q", 5, -7, 9, 1, 2, 3), F32("k", 4, 4, -4, 0, 1, 0), F32("v", 1.5f, 2, -3, 4, 5, 6));

        Assert.Equal([1.5, 2, -3, 4, 5, 6], o);
    }

    [Fact]
    public void Attention_weights_values_by_the_softmax_of_scores_scaled_by_one_over_root_dim()
    {
        // dim = 4: scale ½. Row 0's scores are both 0; row 1's are 0 and ½·2·ln 3 = ln 3, so its weights are ¼ and ¾.
        var ln3 = (float)Math.Log(3);
        var p = Params(Attention, ("bh", 1), ("seq", 2), ("dim", 4), ("causal", 0));
        var q = F32("q", 0, 0, 0, 0, ln3, 0, 0, 0);
        var k = F32("k", 0, 1, 1, 1, 2, 0, 0, 0);
        var v = F32("v", 1, 10, 0, 0, 2, 20, 0, 0);

        var o = Run(Attention, p, q, k, v);

        Assert.Equal([1.5, 15, 0, 0], o[..4]);
        var expected = new[] { 0.25 * 1 + 0.75 * 2, 0.25 * 10 + 0.75 * 20, 0, 0 };
        Assert.All(expected.Zip(o[4..]), pair => Assert.Equal(pair.First, pair.Second, 1e-6));
    }

    [Fact]
    public void Causal_attention_row_zero_sees_only_key_zero_and_the_last_row_sees_them_all()
    {
        var values = new float[] { 1, 2, 3, 4, 5, 6 };
        var q = F32("q", 1, 1, 1, 1, 1, 1);
        var k = F32("k", 3, 0, 0, 2, 1, 1);
        var v = F32("v", values);

        var causal = Run(Attention, Params(Attention, ("bh", 1), ("seq", 3), ("dim", 2), ("causal", 1)), q, k, v);
        var full = Run(Attention, Params(Attention, ("bh", 1), ("seq", 3), ("dim", 2), ("causal", 0)), q, k, v);

        Assert.Equal([1, 2], causal[..2]);
        Assert.Equal(full[4..], causal[4..]);
        Assert.NotEqual(full[0], causal[0], 1e-3);
    }

    [Fact]
    public void Rope_at_position_zero_is_the_identity()
    {
        var p = Params(Rope, ("tokens", 1), ("heads", 2), ("dim", 4));
        float[] x = [0.5f, -1, 2, 3, -4, 5, 6, -7];

        var y = Run(Rope, p, F32("x", x), HostBuffer.Int32("pos", [0]));

        Assert.Equal(x.Select(v => (double)v), y);
    }

    [Fact]
    public void Rope_rotates_pair_i_of_each_head_by_pos_times_base_to_the_minus_two_i_over_dim()
    {
        // base 100, dim 4: pair 0 turns by pos, pair 1 by pos/10. Token 1 (pos 2) has two heads.
        var p = Params(Rope, ("tokens", 2), ("heads", 2), ("dim", 4), ("base", 100));
        float[] x = [1, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 1, 0, 2, 3, 0];

        var y = Run(Rope, p, F32("x", x), HostBuffer.Int32("pos", [0, 2]));

        double[] expected =
        [
            1, 0, 0, 1, 0, 0, 0, 0,
            Math.Cos(2), Math.Sin(2), -Math.Sin(0.2), Math.Cos(0.2),
            -2 * Math.Sin(2), 2 * Math.Cos(2), 3 * Math.Cos(0.2), 3 * Math.Sin(0.2),
        ];
        Assert.All(expected.Zip(y), pair => Assert.Equal(pair.First, pair.Second, 1e-12));
    }

    [Fact]
    public void Swiglu_is_silu_of_a_times_b()
    {
        var y = Run(SwiGlu, Params(SwiGlu, ("n", 4)), F32("a", 0, 1, -1, 100), F32("b", 2, 3, 4, 0.5f));

        double[] expected = [0, 3 / (1 + Math.Exp(-1)), -4 / (1 + Math.E), 50];
        Assert.All(expected.Zip(y), pair => Assert.Equal(pair.First, pair.Second, 1e-12));
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(1, true)]
    [InlineData(2, false)]
    public void Causal_is_a_flag_of_zero_or_one(int causal, bool valid)
    {
        var validation = Validate(AttentionSpec(Case(("bh", 1), ("seq", 4), ("causal", causal))));

        Assert.Equal(valid, validation.IsValid);
        if (!valid)
            Assert.Equal("cases[0].causal", Assert.Single(validation.Problems).Field);
    }

    [Fact]
    public void Rope_refuses_an_odd_dim_because_its_elements_come_in_pairs()
    {
        var spec = ConformanceSuite.For(KernelLanguage.OpenClC).Single(e => e.Op == "rope").Spec
            with { Cases = [Case(("tokens", 2), ("heads", 1), ("dim", 5))] };

        var problem = SingleProblem(spec);

        Assert.Equal(("cases[0].dim", "5 is not a multiple of 2"), (problem.Field, problem.Message));
    }

    public static TheoryData<string, string> OpsAndDtypes() => new()
    {
        { "attention", "f32" }, { "attention", "f16" }, { "attention", "bf16" }, { "attention", "fp8e4m3" }, { "attention", "fp8e5m2" },
        { "rope", "f32" }, { "rope", "f16" }, { "rope", "bf16" }, { "rope", "fp8e4m3" }, { "rope", "fp8e5m2" },
        { "swiglu", "f32" }, { "swiglu", "f16" }, { "swiglu", "bf16" }, { "swiglu", "fp8e4m3" }, { "swiglu", "fp8e5m2" },
    };

    /// <summary>Every checked case of the opencl-c suite and every default case but the timed one, in every distribution, stored in each dtype.</summary>
    [Theory]
    [MemberData(nameof(OpsAndDtypes))]
    public void A_kernel_writing_zeros_cannot_pass_any_case_in_any_dtype(string op, string dtype)
    {
        var suite = ConformanceSuite.For(KernelLanguage.OpenClC).Single(e => e.Op == op).Spec;
        var definition = OpCatalog.Get(op);
        var cases = suite.Cases!.SkipLast(1)
            .Concat(definition.DefaultCases.SkipLast(1).SelectMany(c => definition.DistributionNames.Select(d => new CaseSpec(c, d))));
        var validation = Validate(suite with { Dtype = dtype, Cases = [.. cases] });
        Assert.True(validation.IsValid, validation.Message);
        var spec = validation.Spec!;

        Assert.All(spec.Cases, parameters =>
        {
            var reference = spec.Op.Reference(parameters, InputGenerator.Generate(spec.Op, parameters, spec.Seed, spec.BufferTypes));
            Assert.Null(ReferenceCheck.FindProblem(spec, parameters, reference));
        });
    }

    /// <summary>
    /// The tolerance's promise: θ = pos·base^(−2i/dim) computed in float32 (as torch builds its tables) with float
    /// sine and cosine passes at the default tolerance, at default and large positions, stored as f32 and as bf16.
    /// </summary>
    [Theory]
    [InlineData("default", "f32")]
    [InlineData("large", "f32")]
    [InlineData("default", "bf16")]
    [InlineData("large", "f16")]
    public void A_float32_rope_computing_its_angles_in_float_passes(string distribution, string dtype)
    {
        var spec = Validate(ConformanceSuite.For(KernelLanguage.OpenClC).Single(e => e.Op == "rope").Spec with
        {
            Dtype = dtype,
            Cases = [new CaseSpec(DefaultCases.Of(("tokens", 4096), ("heads", 1), ("dim", 128)), distribution)],
        }).Spec!;
        var parameters = spec.Cases[0];
        var inputs = InputGenerator.Generate(spec.Op, parameters, spec.Seed, spec.BufferTypes);
        var x = inputs["x"].ToDoubles();
        var pos = inputs["pos"].ToDoubles();
        var y = new double[x.Length];
        for (var t = 0; t < 4096; t++)
            for (var i = 0; i < 64; i++)
            {
                var theta = (float)pos[t] * MathF.Pow(10000f, -2f * i / 128);
                var (sin, cos) = MathF.SinCos(theta);
                y[t * 128 + 2 * i] = (float)x[t * 128 + 2 * i] * cos - (float)x[t * 128 + 2 * i + 1] * sin;
                y[t * 128 + 2 * i + 1] = (float)x[t * 128 + 2 * i] * sin + (float)x[t * 128 + 2 * i + 1] * cos;
            }
        var output = spec.Op.Outputs.Single();
        var actual = HostBuffer.FromValues("y", spec.TypeOf(output), y.Length, i => y[i]);

        var comparison = OutputComparer.Compare(spec.Op.Reference(parameters, inputs)["y"], actual, spec.ToleranceFor(output, parameters));

        Assert.True(comparison.Passed, $"{comparison.Mismatches} mismatches, max abs error {comparison.MaxAbsError}");
    }

    [Fact]
    public void Rope_tolerance_still_catches_an_angle_held_in_half_precision()
    {
        var parameters = Params(Rope, ("tokens", 1000), ("heads", 1), ("dim", 8));
        var inputs = InputGenerator.Generate(Rope, parameters, 1);
        var x = inputs["x"].ToDoubles();
        var pos = inputs["pos"].ToDoubles();
        var y = new double[x.Length];
        for (var t = 0; t < 1000; t++)
            for (var i = 0; i < 4; i++)
            {
                var theta = (double)(Half)(pos[t] * Math.Pow(10000, -2.0 * i / 8));
                y[t * 8 + 2 * i] = x[t * 8 + 2 * i] * Math.Cos(theta) - x[t * 8 + 2 * i + 1] * Math.Sin(theta);
                y[t * 8 + 2 * i + 1] = x[t * 8 + 2 * i] * Math.Sin(theta) + x[t * 8 + 2 * i + 1] * Math.Cos(theta);
            }

        var comparison = OutputComparer.Compare(Rope.Reference(parameters, inputs)["y"],
            HostBuffer.FromValues("y", ElementType.Float32, y.Length, i => y[i]), Rope.DefaultTolerance);

        Assert.True(comparison.Mismatches > y.Length / 10, $"{comparison.Mismatches} mismatches");
    }

    private static KernelSpec AttentionSpec(params CaseSpec[] cases) =>
        ConformanceSuite.For(KernelLanguage.OpenClC).Single(e => e.Op == "attention").Spec with { Cases = cases };
}
