using Portal.Kernels.Ops;
using Portal.Kernels.Results;
using Portal.Kernels.Spec;
using static Portal.Tests.Kernels.Specs;

namespace Portal.Tests.Kernels;

/// <summary>A case's "distribution": read, validated, carried to the inputs, and named in the result.</summary>
public class CaseDistributionSpecTests
{
    private const string Json = """
        { "op": "softmax", "language": "opencl-c", "entry": "softmax", "source": "__kernel void softmax() {}",
          "args": ["x", "y", "rows", "cols"], "launch": { "global": ["rows * 256"], "local": [256] },
          "cases": [ { "rows": 3, "cols": 1000 }, { "rows": 3, "cols": 1000, "distribution": "large" } ] }
        """;

    [Fact]
    public void A_case_may_name_a_distribution_and_one_that_does_not_defaults()
    {
        var spec = KernelSpecJson.Parse(Json).Spec!;

        Assert.Equal([OpDefinition.DefaultDistribution, "large"], spec.Cases.Select(c => c.Distribution));
        Assert.Equal("rows=3, cols=1000, distribution=large", spec.Cases[1].ToString());
    }

    [Fact]
    public void The_distribution_survives_a_round_trip_through_json()
    {
        var spec = System.Text.Json.JsonSerializer.Deserialize<KernelSpec>(Json, KernelSpecJson.Options)!;

        var again = KernelSpecJson.Parse(KernelSpecJson.Serialize(spec)).Spec!;

        Assert.Equal("large", again.Cases[1].Distribution);
        Assert.Equal(3, again.Cases[1].Int("rows"));
    }

    [Fact]
    public void An_unknown_distribution_is_an_invalid_spec_naming_the_field_and_the_ops_names()
    {
        var problem = SingleProblem(VectorAdd(new CaseSpec(new Dictionary<string, double> { ["n"] = 5 }, "huge")));

        Assert.Equal("cases[0].distribution", problem.Field);
        Assert.Contains("default, large, negative", problem.Message);
    }

    [Fact]
    public void A_distribution_that_is_not_a_string_names_the_field()
    {
        var problem = Assert.Single(KernelSpecJson.Parse(Json.Replace("\"distribution\": \"large\"", "\"distribution\": 3")).Problems);

        Assert.Equal("cases[1].distribution", problem.Field);
    }

    [Fact]
    public void A_result_case_names_its_distribution_and_an_older_result_without_one_still_reads()
    {
        var result = new KernelResult(KernelStatus.Passed, "ok", Cases:
            [new CaseResult(new Dictionary<string, double> { ["n"] = 5 }, KernelStatus.Passed, 5, 0, 0, 0, null, "negative")]);

        var json = KernelResultJson.Serialize(result);
        var old = KernelResultJson.Deserialize(json.Replace(",\"distribution\":\"negative\"", ""))!;

        Assert.Contains("\"distribution\":\"negative\"", json);
        Assert.Equal("negative", KernelResultJson.Deserialize(json)!.Cases![0].Distribution);
        Assert.Null(old.Cases![0].Distribution);
    }
}
