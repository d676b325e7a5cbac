using Portal.Kernels.Ops;
using Portal.Kernels.Spec;
using static Portal.Tests.Kernels.Specs;

namespace Portal.Tests.Kernels;

public class SpecValidationTests
{
    [Fact]
    public void A_complete_spec_is_valid_and_keeps_its_values()
    {
        var spec = VectorAdd(N(7), N(9)) with
        {
            Tolerance = new ToleranceSpec(1e-3, 1e-4), Seed = 99, Timing = new TimingSpec(1, 5, 50, 500), TimeoutSeconds = 30,
        };
        var validated = Validate(spec).Spec!;
        Assert.Equal("vector_add", validated.Op.Name);
        Assert.Equal(KernelLanguage.OpenClC, validated.Language);
        Assert.Equal([7L, 9L], validated.Cases.Select(c => c.Int("n")));
        Assert.Equal(new Tolerance(1e-3, 1e-4), validated.Tolerance);
        Assert.Equal(99UL, validated.Seed);
        Assert.Equal(new TimingPlan(1, 5, 50, 500), validated.Timing);
        Assert.Equal(30, validated.TimeoutSeconds);
    }

    [Fact]
    public void Omitted_optional_fields_take_the_op_defaults()
    {
        var validated = Validate(VectorAdd() with { Cases = null }).Spec!;
        var op = OpCatalog.Get("vector_add");
        Assert.Equal(op.DefaultCases.Select(c => (long)c["n"]), validated.Cases.Select(c => c.Int("n")));
        Assert.Equal(op.DefaultTolerance, validated.Tolerance);
        Assert.Equal(1UL, validated.Seed);
        Assert.Equal(new TimingPlan(3, 20, 200, 2000), validated.Timing);
        Assert.Equal(60, validated.TimeoutSeconds);
    }

    [Fact]
    public void Omitted_case_params_take_the_op_defaults()
    {
        var spec = For("layernorm", ["x", "gamma", "beta", "y", "rows", "cols", "eps"], Case(("rows", 2), ("cols", 3)));
        var parameters = Validate(spec).Spec!.Cases.Single();
        Assert.Equal(1e-5f, parameters.Float("eps"));
        Assert.Equal(new Dictionary<string, double> { ["rows"] = 2, ["cols"] = 3, ["eps"] = 1e-5 }, parameters.Values);
    }

    [Fact]
    public void A_partial_tolerance_keeps_the_op_default_for_the_other_field()
    {
        var tolerance = Validate(VectorAdd() with { Tolerance = new ToleranceSpec(Rtol: 1e-3) }).Spec!.Tolerance;
        Assert.Equal(new Tolerance(OpCatalog.Get("vector_add").DefaultTolerance.Atol, 1e-3), tolerance);
    }

    [Fact]
    public void Unknown_op_is_an_invalid_spec_naming_the_op_field()
    {
        var problem = SingleProblem(VectorAdd() with { Op = "vector_sub" });
        Assert.Equal("op", problem.Field);
        Assert.Contains("unknown op 'vector_sub'", problem.Message);
        Assert.Contains("vector_add", problem.Message);
    }

    [Fact]
    public void Missing_op_is_an_invalid_spec_naming_the_op_field() =>
        Assert.Equal("op", SingleProblem(VectorAdd() with { Op = null }).Field);

    [Theory]
    [InlineData("opencl")]
    [InlineData("CUDA-C")]
    [InlineData(null)]
    public void Unknown_language_is_an_invalid_spec_naming_the_language_field(string? language)
    {
        var problem = SingleProblem(VectorAdd() with { Language = language });
        Assert.Equal("language", problem.Field);
        Assert.Contains("opencl-c, cuda-c, triton", problem.Message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("vector add")]
    [InlineData("1kernel")]
    public void An_entry_that_is_not_an_identifier_is_an_invalid_spec_naming_the_entry_field(string? entry) =>
        Assert.Equal("entry", SingleProblem(VectorAdd() with { Entry = entry }).Field);

    [Fact]
    public void Missing_source_is_an_invalid_spec_naming_the_source_field() =>
        Assert.Equal("source", SingleProblem(VectorAdd() with { Source = " " }).Field);

    [Fact]
    public void Source_over_one_mebibyte_is_an_invalid_spec_but_exactly_one_mebibyte_is_accepted()
    {
        Assert.True(Validate(VectorAdd() with { Source = new string('x', 1 << 20) }).IsValid);
        var problem = SingleProblem(VectorAdd() with { Source = new string('x', (1 << 20) + 1) });
        Assert.Equal("source", problem.Field);
        Assert.Contains("1048577 bytes", problem.Message);
    }

    [Fact]
    public void Args_may_come_in_any_order_the_kernel_declares() =>
        Assert.Equal(["n", "z", "y", "x"], Validate(VectorAdd() with { Args = ["n", "z", "y", "x"] }).Spec!.Args);

    [Fact]
    public void An_unknown_arg_is_an_invalid_spec_naming_its_position()
    {
        var validation = Validate(VectorAdd() with { Args = ["x", "y", "out", "n"] });
        Assert.Contains(validation.Problems, p => p.Field == "args[2]" && p.Message.Contains("unknown name 'out'"));
        Assert.Contains(validation.Problems, p => p.Field == "args" && p.Message.Contains("'z' is missing"));
    }

    [Fact]
    public void An_arg_listed_twice_is_an_invalid_spec() =>
        Assert.Contains(Validate(VectorAdd() with { Args = ["x", "x", "y", "z", "n"] }).Problems,
            p => p.Field == "args[1]" && p.Message.Contains("listed twice"));

    [Fact]
    public void A_missing_arg_is_an_invalid_spec_naming_it()
    {
        var problem = SingleProblem(VectorAdd() with { Args = ["x", "y", "z"] });
        Assert.Equal("args", problem.Field);
        Assert.Contains("'n' is missing", problem.Message);
    }

    [Fact]
    public void Missing_args_is_an_invalid_spec_listing_what_the_op_needs() =>
        Assert.Contains("x, y, z, n", SingleProblem(VectorAdd() with { Args = null }).Message);

    [Fact]
    public void An_empty_cases_list_is_an_invalid_spec_rather_than_a_request_for_defaults()
    {
        var problem = SingleProblem(VectorAdd() with { Cases = [] });
        Assert.Equal("cases", problem.Field);
        Assert.Contains("omit the field", problem.Message);
    }

    [Fact]
    public void An_unknown_case_param_is_an_invalid_spec_naming_it() =>
        Assert.Equal("cases[1].m", SingleProblem(VectorAdd(N(1), Case(("n", 5), ("m", 2)))).Field);

    [Fact]
    public void A_case_without_a_size_is_an_invalid_spec_naming_the_missing_param() =>
        Assert.Equal("cases[0].cols",
            SingleProblem(For("transpose", ["x", "y", "rows", "cols"], Case(("rows", 4)))).Field);

    [Theory]
    [InlineData(0, "not positive")]
    [InlineData(-3, "not positive")]
    [InlineData(2.5, "not an integer")]
    [InlineData(3e9, "32-bit int")]
    public void A_size_that_is_not_a_positive_int32_is_an_invalid_spec(double n, string message)
    {
        var problem = SingleProblem(VectorAdd(N(1), N(n)));
        Assert.Equal("cases[1].n", problem.Field);
        Assert.Contains(message, problem.Message);
    }

    [Fact]
    public void A_float_param_that_is_not_finite_is_an_invalid_spec() =>
        Assert.Equal("cases[0].a", SingleProblem(For("saxpy", ["x", "y", "z", "n", "a"], Case(("n", 4), ("a", double.NaN)))).Field);

    [Fact]
    public void A_case_whose_buffers_exceed_four_gibibytes_is_an_invalid_spec()
    {
        // vector_add holds three float buffers: 3 · 4 · 2^28 bytes = 3 GiB passes, 2^29 needs 6 GiB.
        Assert.True(Validate(VectorAdd(N(1 << 28))).IsValid);
        var problem = SingleProblem(VectorAdd(N(1), N(1 << 29)));
        Assert.Equal("cases[1]", problem.Field);
        Assert.Contains("6 GiB", problem.Message);
        Assert.Contains("limit is 4 GiB", problem.Message);
    }

    [Fact]
    public void A_matmul_whose_size_product_overflows_64_bits_is_an_invalid_spec_not_a_crash() =>
        Assert.Equal("cases[0]", SingleProblem(
            For("matmul", ["a", "b", "c", "m", "n", "k"], Case(("m", int.MaxValue), ("n", int.MaxValue), ("k", int.MaxValue)))).Field);

    [Fact]
    public void The_buffer_limit_is_configurable_through_the_limits_record()
    {
        var limits = KernelLimits.Default with { MaxCaseBufferBytes = 1 << 20 };
        Assert.Equal("cases[0]", SingleProblem(VectorAdd(N(1 << 17)), limits).Field);
        Assert.True(Validate(VectorAdd(N(1 << 16)), limits).IsValid);
    }

    [Fact]
    public void Too_many_cases_is_an_invalid_spec() =>
        Assert.Equal("cases", SingleProblem(VectorAdd([.. Enumerable.Range(1, 33).Select(n => N(n))])).Field);

    [Theory]
    [InlineData(-1e-6, null, "tolerance.atol")]
    [InlineData(double.NaN, null, "tolerance.atol")]
    [InlineData(null, -1e-6, "tolerance.rtol")]
    [InlineData(null, 0.1, "tolerance.rtol")]
    public void A_negative_or_zero_hiding_tolerance_is_an_invalid_spec(double? atol, double? rtol, string field) =>
        Assert.Equal(field, SingleProblem(VectorAdd() with { Tolerance = new ToleranceSpec(atol, rtol) }).Field);

    [Theory]
    [InlineData(-1, 20, null, "timing.warmup")]
    [InlineData(1001, 20, null, "timing.warmup")]
    [InlineData(3, 0, null, "timing.iterations")]
    [InlineData(3, 10001, null, "timing.iterations")]
    [InlineData(3, 20, 10, "timing.maxIterations")]
    [InlineData(3, 20, 20000, "timing.maxIterations")]
    public void Timing_out_of_range_is_an_invalid_spec_naming_the_field(int warmup, int iterations, int? max, string field) =>
        Assert.Equal(field, SingleProblem(VectorAdd() with { Timing = new TimingSpec(warmup, iterations, max) }).Field);

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(60_001)]
    public void A_timing_budget_outside_one_ms_to_a_minute_is_an_invalid_spec(int budgetMs) =>
        Assert.Equal("timing.budgetMs", SingleProblem(VectorAdd() with { Timing = new TimingSpec(BudgetMs: budgetMs) }).Field);

    [Theory]
    [InlineData(0)]
    [InlineData(601)]
    public void A_timeout_outside_one_to_six_hundred_seconds_is_an_invalid_spec(int seconds) =>
        Assert.Equal("timeoutSeconds", SingleProblem(VectorAdd() with { TimeoutSeconds = seconds }).Field);

    [Fact]
    public void Every_problem_is_reported_at_once_on_one_line()
    {
        var validation = Validate(VectorAdd() with { Entry = "", TimeoutSeconds = 0, Tolerance = new ToleranceSpec(-1) });
        Assert.Equal(["entry", "tolerance.atol", "timeoutSeconds"], validation.Problems.Select(p => p.Field));
        Assert.DoesNotContain('\n', validation.Message);
        Assert.StartsWith("entry: ", validation.Message);
    }
}
