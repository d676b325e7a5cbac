using Portal.Kernels.Spec;
using static Portal.Tests.Kernels.Specs;

namespace Portal.Tests.Kernels;

/// <summary>Spec v2's <c>dtype</c> and <c>dtypes</c> (docs/kernels.md "Storage dtypes"): what is refused, naming the field.</summary>
public class DtypeSpecValidationTests
{
    private static readonly KernelSpec Histogram = For("histogram", ["x", "h", "n", "bins"]);

    [Fact]
    public void Dtype_sets_every_float_buffer_and_dtypes_overrides_single_ones()
    {
        var validated = Validate(VectorAdd() with { Dtype = "bf16", Dtypes = new Dictionary<string, string> { ["z"] = "f32" } }).Spec!;

        Assert.Equal(ElementType.BFloat16, validated.TypeOf(validated.Op.FindBuffer("x")!));
        Assert.Equal(ElementType.BFloat16, validated.TypeOf(validated.Op.FindBuffer("y")!));
        Assert.Equal(ElementType.Float32, validated.TypeOf(validated.Op.FindBuffer("z")!));
    }

    [Fact]
    public void The_json_fields_are_accepted_and_a_spec_without_them_is_float32()
    {
        var json = KernelSpecJson.Serialize(VectorAdd() with { Dtype = "f16", Dtypes = new Dictionary<string, string> { ["z"] = "fp8e5m2" } });
        var parsed = KernelSpecJson.Parse(json);
        var plain = Validate(VectorAdd()).Spec!;

        Assert.True(parsed.IsValid, parsed.Message);
        Assert.Contains("\"dtype\":\"f16\"", json);
        Assert.Equal(ElementType.Float16, parsed.Spec!.TypeOf(parsed.Spec.Op.FindBuffer("x")!));
        Assert.Equal(ElementType.Float8E5M2, parsed.Spec.TypeOf(parsed.Spec.Op.FindBuffer("z")!));
        Assert.All(plain.Op.Buffers, b => Assert.Equal(ElementType.Float32, plain.TypeOf(b)));
    }

    [Theory]
    [InlineData("fp16")]
    [InlineData("float16")]
    [InlineData("F16")]
    [InlineData("int32")]
    public void An_unknown_dtype_is_refused_naming_the_known_ones(string dtype)
    {
        var problem = SingleProblem(VectorAdd() with { Dtype = dtype });

        Assert.Equal("dtype", problem.Field);
        Assert.Contains($"unknown dtype '{dtype}'", problem.Message);
        Assert.Contains("f32, f16, bf16, fp8e4m3, fp8e5m2", problem.Message);
    }

    [Fact]
    public void An_unknown_dtype_for_one_buffer_is_refused_under_its_name()
    {
        var problem = SingleProblem(VectorAdd() with { Dtypes = new Dictionary<string, string> { ["z"] = "e4m3" } });

        Assert.Equal("dtypes.z", problem.Field);
        Assert.Contains("unknown dtype 'e4m3'", problem.Message);
    }

    [Fact]
    public void Dtypes_for_a_buffer_the_op_does_not_have_is_refused_listing_its_float_buffers()
    {
        var problem = SingleProblem(VectorAdd() with { Dtypes = new Dictionary<string, string> { ["w"] = "f16" } });

        Assert.Equal("dtypes.w", problem.Field);
        Assert.Contains("vector_add has no buffer 'w'", problem.Message);
        Assert.Contains("x, y, z", problem.Message);
    }

    [Fact]
    public void Dtypes_for_an_int32_buffer_or_a_dtype_for_an_op_without_float_buffers_is_refused()
    {
        Assert.True(Validate(Histogram).IsValid, Validate(Histogram).Message);
        var perBuffer = SingleProblem(Histogram with { Dtypes = new Dictionary<string, string> { ["x"] = "f16" } });
        var whole = SingleProblem(Histogram with { Dtype = "bf16" });

        Assert.Equal("dtypes.x", perBuffer.Field);
        Assert.Contains("x is an int32 buffer, which has no dtype", perBuffer.Message);
        Assert.Equal("dtype", whole.Field);
        Assert.Contains("histogram has no float buffers", whole.Message);
    }

    [Theory]
    [InlineData("fp8e4m3", 0.29, true)]
    [InlineData("fp8e4m3", 0.3, false)]
    [InlineData("fp8e5m2", 0.3, false)]
    [InlineData("bf16", 0.099, true)]
    [InlineData("bf16", 0.1, false)]
    [InlineData("f32", 0.2, false)]
    public void Rtol_stays_below_the_bound_where_a_kernel_writing_zeros_still_fails_which_fp8_outputs_raise_to_0_3(string dtype, double rtol, bool valid)
    {
        var validation = Validate(VectorAdd() with { Dtype = dtype, Tolerance = new ToleranceSpec(Rtol: rtol) });

        Assert.Equal(valid, validation.IsValid);
        if (!valid)
        {
            var problem = Assert.Single(validation.Problems);
            Assert.Equal("tolerance.rtol", problem.Field);
            Assert.Contains(dtype.StartsWith("fp8", StringComparison.Ordinal) ? "below 0.3" : "below 0.1", problem.Message);
        }
    }

    [Fact]
    public void Fp8_inputs_with_a_float32_output_keep_the_float32_limit()
    {
        var problem = SingleProblem(VectorAdd() with
        {
            Dtype = "fp8e4m3", Dtypes = new Dictionary<string, string> { ["z"] = "f32" }, Tolerance = new ToleranceSpec(Rtol: 0.2),
        });

        Assert.Equal("tolerance.rtol", problem.Field);
        Assert.Contains("below 0.1", problem.Message);
    }
}
