using Portal.Kernels.Spec;
using static Portal.Tests.Kernels.Specs;

namespace Portal.Tests.Kernels;

public class LaunchValidationTests
{
    private static KernelSpec OpenCl(LaunchSpec launch, params CaseSpec[] cases) =>
        VectorAdd(cases) with { Launch = launch };

    private static KernelSpec Cuda(LaunchSpec launch) => VectorAdd() with { Language = "cuda-c", Launch = launch };

    private static KernelSpec Triton(LaunchSpec launch) => VectorAdd() with { Language = "triton", Launch = launch };

    [Fact]
    public void Each_language_accepts_its_own_launch_shape()
    {
        Assert.True(Validate(OpenCl(new LaunchSpec(Global: ["n"]))).IsValid);
        Assert.True(Validate(Cuda(new LaunchSpec(Grid: ["ceil_div(n, 128)"], Block: [128], SharedBytes: 512))).IsValid);
        Assert.True(Validate(Triton(new LaunchSpec(Grid: ["ceil_div(n, 1024)"], NumWarps: 4,
            Constexprs: new Dictionary<string, LaunchValue> { ["BLOCK_SIZE"] = 1024 }))).IsValid);
    }

    [Fact]
    public void Evaluated_dimensions_follow_each_case()
    {
        var spec = Validate(Cuda(new LaunchSpec(Grid: ["ceil_div(n, 128)", 1], Block: [128], SharedBytes: "4 * 128"))).Spec!;
        var dims = spec.Launch.Evaluate(spec.Cases[1]); // n = 1000
        Assert.Equal([8L, 1L], dims.Grid);
        Assert.Equal([128L], dims.Block);
        Assert.Equal(512, dims.SharedBytes);
        Assert.Null(dims.Global);
    }

    [Fact]
    public void Missing_launch_is_an_invalid_spec_saying_what_the_language_needs() =>
        Assert.Contains("grid, block, [sharedBytes]", SingleProblem(Cuda(null!)).Message);

    [Fact]
    public void Opencl_without_global_is_an_invalid_spec_naming_launch_global() =>
        Assert.Equal("launch.global", SingleProblem(OpenCl(new LaunchSpec(Local: [256]))).Field);

    [Fact]
    public void Cuda_without_block_is_an_invalid_spec_naming_launch_block() =>
        Assert.Equal("launch.block", SingleProblem(Cuda(new LaunchSpec(Grid: [1]))).Field);

    [Theory]
    [InlineData("opencl-c", "launch.grid")]
    [InlineData("cuda-c", "launch.global")]
    [InlineData("triton", "launch.block")]
    public void A_launch_field_of_another_language_is_an_invalid_spec_naming_it(string language, string field)
    {
        var launch = language switch
        {
            "opencl-c" => new LaunchSpec(Global: ["n"], Grid: [1]),
            "cuda-c" => new LaunchSpec(Grid: [1], Block: [1], Global: ["n"]),
            _ => new LaunchSpec(Grid: [1], Block: [1]),
        };
        var problem = SingleProblem(VectorAdd() with { Language = language, Launch = launch });
        Assert.Equal(field, problem.Field);
        Assert.Contains($"not used by {language}", problem.Message);
    }

    [Fact]
    public void Constexprs_outside_triton_are_an_invalid_spec() =>
        Assert.Equal("launch.constexprs", SingleProblem(Cuda(new LaunchSpec(Grid: [1], Block: [1],
            Constexprs: new Dictionary<string, LaunchValue> { ["B"] = 1 }))).Field);

    [Fact]
    public void A_launch_expression_that_does_not_parse_is_an_invalid_spec_naming_the_dimension_and_position()
    {
        var problem = SingleProblem(OpenCl(new LaunchSpec(Global: [1, "ceil_div(n 256)"])));
        Assert.Equal("launch.global[1]", problem.Field);
        Assert.Contains("'ceil_div(n 256)' does not parse", problem.Message);
        Assert.Contains("position 12", problem.Message);
    }

    [Fact]
    public void A_launch_expression_that_divides_by_zero_is_an_invalid_spec_naming_the_case()
    {
        var problem = SingleProblem(OpenCl(new LaunchSpec(Global: ["n / (n - 1000)"]), N(1000), N(5)));
        Assert.Equal("launch.global[0]", problem.Field);
        Assert.Contains("division by zero", problem.Message);
        Assert.Contains("cases[0] (n=1000)", problem.Message);
    }

    [Fact]
    public void A_launch_dimension_that_is_not_positive_for_some_case_is_an_invalid_spec()
    {
        var problem = SingleProblem(Cuda(new LaunchSpec(Grid: ["n / 256"], Block: [256])));
        Assert.Equal("launch.grid[0]", problem.Field);
        Assert.Contains("'n / 256' is 0 in cases[0] (n=1); it must be positive", problem.Message);
    }

    [Fact]
    public void A_launch_expression_that_overflows_is_an_invalid_spec_naming_the_expression()
    {
        var problem = SingleProblem(OpenCl(new LaunchSpec(Global: ["n * 4294967296 * 4294967296"])));
        Assert.Equal("launch.global[0]", problem.Field);
        Assert.Contains("'n * 4294967296 * 4294967296'", problem.Message);
        Assert.Contains("overflow", problem.Message);
    }

    [Fact]
    public void A_dimension_beyond_32_bits_is_an_invalid_spec() =>
        Assert.Contains("the most is 2147483647", SingleProblem(OpenCl(new LaunchSpec(Global: ["n * 4294967296"]))).Message);

    [Fact]
    public void A_launch_expression_naming_an_unknown_param_is_an_invalid_spec() =>
        Assert.Contains("unknown name 'N'", SingleProblem(OpenCl(new LaunchSpec(Global: ["N"]))).Message);

    [Fact]
    public void A_launch_expression_naming_a_float_param_is_an_invalid_spec()
    {
        var spec = For("saxpy", ["x", "y", "z", "n", "a"], N(4)) with { Launch = new LaunchSpec(Grid: ["a"], Block: [1]) };
        Assert.Contains("'a' is a float param", SingleProblem(spec).Message);
    }

    [Fact]
    public void Four_dimensions_are_an_invalid_spec() =>
        Assert.Contains("give 1 to 3", SingleProblem(OpenCl(new LaunchSpec(Global: [1, 1, 1, 1]))).Message);

    [Fact]
    public void Local_with_a_different_dimension_count_is_an_invalid_spec() =>
        Assert.Equal("launch.local", SingleProblem(OpenCl(new LaunchSpec(Global: ["n", 1], Local: [1]))).Field);

    [Fact]
    public void An_opencl_global_size_that_local_does_not_divide_is_an_invalid_spec_suggesting_ceil_div()
    {
        var problem = SingleProblem(OpenCl(new LaunchSpec(Global: ["n"], Local: [256]), N(256), N(1000)));
        Assert.Equal("launch.global[0]", problem.Field);
        Assert.Contains("1000 is not a multiple of launch.local[0] = 256 in cases[1]", problem.Message);
        Assert.Contains("ceil_div", problem.Message);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(0)]
    [InlineData(64)]
    public void Triton_num_warps_must_be_a_power_of_two_up_to_32(int warps) =>
        Assert.Equal("launch.numWarps", SingleProblem(Triton(new LaunchSpec(Grid: [1], NumWarps: warps))).Field);

    [Fact]
    public void Negative_shared_memory_is_an_invalid_spec() =>
        Assert.Contains("must not be negative",
            SingleProblem(Cuda(new LaunchSpec(Grid: [1], Block: [1], SharedBytes: "0 - n"))).Message);

    [Fact]
    public void A_constexpr_that_does_not_parse_is_an_invalid_spec_naming_it() =>
        Assert.Equal("launch.constexprs.BLOCK", SingleProblem(Triton(new LaunchSpec(Grid: [1],
            Constexprs: new Dictionary<string, LaunchValue> { ["BLOCK"] = "min(n, )" }))).Field);
}
