using Portal.Kernels.Spec;

namespace Portal.Tests.Kernels;

public class SpecJsonTests
{
    // The example of DESIGN.md "The kernel job spec (contract)", verbatim.
    private const string DesignExample = """
        {
          "op": "vector_add",
          "language": "opencl-c",
          "entry": "vector_add",
          "source": "__kernel void vector_add(__global const float* x, __global const float* y, __global float* z, const int n) { int i = get_global_id(0); if (i < n) z[i] = x[i] + y[i]; }",
          "args": ["x", "y", "z", "n"],
          "launch": { "global": ["ceil_div(n, 256) * 256"], "local": [256] },
          "cases": [ { "n": 1 }, { "n": 1000003 }, { "n": 16777216 } ],
          "tolerance": { "atol": 1e-6, "rtol": 1e-6 },
          "seed": 1,
          "timing": { "warmup": 3, "iterations": 20 },
          "timeoutSeconds": 60
        }
        """;

    [Fact]
    public void The_design_documents_example_is_a_valid_spec()
    {
        var validation = KernelSpecJson.Parse(DesignExample);
        Assert.True(validation.IsValid, validation.Message);
        var spec = validation.Spec!;
        Assert.Equal([1L, 1000003L, 16777216L], spec.Cases.Select(c => c.Int("n")));
        Assert.Equal([1000192L], spec.Launch.Evaluate(spec.Cases[1]).Global);
        Assert.Equal([256L], spec.Launch.Evaluate(spec.Cases[0]).Local);
    }

    [Fact]
    public void A_spec_survives_a_round_trip_through_json()
    {
        var spec = Specs.VectorAdd() with { Seed = 5, Tolerance = new ToleranceSpec(1e-4) };
        var json = KernelSpecJson.Serialize(spec);
        Assert.Contains("\"local\":[256]", json);
        Assert.Contains("\"global\":[\"ceil_div(n, 256) * 256\"]", json);
        Assert.DoesNotContain("\"timing\"", json);
        var again = KernelSpecJson.Parse(json);
        Assert.True(again.IsValid, again.Message);
        Assert.Equal(5UL, again.Spec!.Seed);
    }

    [Fact]
    public void A_misspelt_field_is_an_invalid_spec_naming_it_instead_of_a_silent_default()
    {
        var problem = Assert.Single(KernelSpecJson.Parse(DesignExample.Replace("\"tolerance\"", "\"tolerence\"")).Problems);
        Assert.Equal("tolerence", problem.Field);
        Assert.Contains("unknown field", problem.Message);
    }

    [Fact]
    public void A_value_of_the_wrong_type_is_an_invalid_spec_naming_the_field()
    {
        var problem = Assert.Single(KernelSpecJson.Parse(DesignExample.Replace("\"seed\": 1", "\"seed\": \"one\"")).Problems);
        Assert.Equal("seed", problem.Field);
        Assert.Contains("wrong type", problem.Message);
    }

    [Fact]
    public void A_negative_seed_is_an_invalid_spec_naming_the_seed() =>
        Assert.Equal("seed", Assert.Single(KernelSpecJson.Parse(DesignExample.Replace("\"seed\": 1", "\"seed\": -1")).Problems).Field);

    [Fact]
    public void A_case_value_of_the_wrong_type_names_the_case_param() =>
        Assert.Equal("cases[1].n", Assert.Single(
            KernelSpecJson.Parse(DesignExample.Replace("{ \"n\": 1000003 }", "{ \"n\": \"big\" }")).Problems).Field);

    [Fact]
    public void A_launch_value_that_is_neither_number_nor_string_names_the_dimension() =>
        Assert.Equal("launch.local[0]", Assert.Single(
            KernelSpecJson.Parse(DesignExample.Replace("\"local\": [256]", "\"local\": [true]")).Problems).Field);

    [Fact]
    public void A_fractional_launch_number_is_an_invalid_spec_naming_the_dimension() =>
        Assert.Equal("launch.local[0]", Assert.Single(
            KernelSpecJson.Parse(DesignExample.Replace("\"local\": [256]", "\"local\": [25.6]")).Problems).Field);

    [Theory]
    [InlineData("{ \"op\": ")]
    [InlineData("not json")]
    [InlineData("")]
    public void Malformed_json_is_an_invalid_spec(string json)
    {
        var problem = Assert.Single(KernelSpecJson.Parse(json).Problems);
        Assert.Contains("JSON", problem.Message);
    }

    [Fact]
    public void A_json_null_is_an_invalid_spec() =>
        Assert.Equal("spec", Assert.Single(KernelSpecJson.Parse("null").Problems).Field);
}
