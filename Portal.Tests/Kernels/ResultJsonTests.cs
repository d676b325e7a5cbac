using System.Text.Json.Nodes;
using Portal.Kernels.Comparison;
using Portal.Kernels.Results;

namespace Portal.Tests.Kernels;

public class ResultJsonTests
{
    private static readonly DeviceInfo Device = new("opencl:0:0", "Gadget 9", "Acme", "OpenCL 3.0", "1.2.3");

    [Theory]
    [InlineData(KernelStatus.Passed, "passed")]
    [InlineData(KernelStatus.Failed, "failed")]
    [InlineData(KernelStatus.CompileError, "compile_error")]
    [InlineData(KernelStatus.RuntimeError, "runtime_error")]
    [InlineData(KernelStatus.Timeout, "timeout")]
    [InlineData(KernelStatus.Crashed, "crashed")]
    [InlineData(KernelStatus.Unsupported, "unsupported")]
    [InlineData(KernelStatus.InvalidSpec, "invalid_spec")]
    public void Statuses_are_written_in_snake_case(KernelStatus status, string json) =>
        Assert.Equal(json, JsonNode.Parse(KernelResultJson.Serialize(new KernelResult(status, "m")))!["status"]!.GetValue<string>());

    [Fact]
    public void The_passed_constant_is_the_name_the_contract_writes() =>
        Assert.Equal(KernelStatuses.PassedName, KernelStatus.Passed.Name());

    [Fact]
    public void A_failed_result_has_the_contracts_shape()
    {
        var result = new KernelResult(KernelStatus.Failed, "1 wrong", null, Device,
            [new CaseResult(new Dictionary<string, double> { ["n"] = 1000003 }, KernelStatus.Failed, 1000003, 1, 0.73, 1.0,
                new Mismatch("z", 1000002, 0.73, 0.0))]);
        var json = JsonNode.Parse(KernelResultJson.Serialize(result))!;
        Assert.Equal(["status", "message", "device", "cases"], json.AsObject().Select(p => p.Key));
        Assert.Equal(["id", "name", "vendor", "runtime", "driver"], json["device"]!.AsObject().Select(p => p.Key));
        var @case = json["cases"]![0]!;
        Assert.Equal(["params", "status", "elements", "mismatches", "maxAbsError", "maxRelError", "firstMismatch"],
            @case.AsObject().Select(p => p.Key));
        Assert.Equal(1000003, @case["params"]!["n"]!.GetValue<double>());
        Assert.Equal("""{"buffer":"z","index":1000002,"expected":0.73,"actual":0}""", @case["firstMismatch"]!.ToJsonString());
    }

    [Fact]
    public void Timing_carries_the_contract_fields_and_the_spread()
    {
        var timing = new TimingResult(new Dictionary<string, double> { ["n"] = 16 }, 20, 1, 0.9, 1.2, 1.01, 0.05, 1.3, 100, null);
        var json = JsonNode.Parse(KernelResultJson.Serialize(new KernelResult(KernelStatus.Passed, "ok", Timing: timing)))!["timing"]!;
        Assert.Equal(["params", "iterations", "medianMs", "minMs", "p90Ms", "meanMs", "stdMs", "maxMs", "gbPerSecond"],
            json.AsObject().Select(p => p.Key));
    }

    [Fact]
    public void Nan_and_infinity_are_written_as_strings_and_read_back()
    {
        var result = new KernelResult(KernelStatus.Failed, "nan", Cases:
            [new CaseResult(new Dictionary<string, double>(), KernelStatus.Failed, 2, 1, double.PositiveInfinity, double.PositiveInfinity,
                new Mismatch("y", 1, 2, double.NaN))]);
        var text = KernelResultJson.Serialize(result);
        Assert.Contains("\"actual\":\"NaN\"", text);
        Assert.Contains("\"maxAbsError\":\"Infinity\"", text);
        var again = KernelResultJson.Deserialize(text)!;
        Assert.True(double.IsNaN(again.Cases![0].FirstMismatch!.Actual));
        Assert.Equal(KernelStatus.Failed, again.Status);
    }

    [Fact]
    public void A_pattern_and_the_inputs_at_the_first_wrong_element_round_trip_and_a_result_without_them_still_parses()
    {
        var result = new KernelResult(KernelStatus.Failed, "tail", Cases:
            [new CaseResult(new Dictionary<string, double> { ["n"] = 1000 }, KernelStatus.Failed, 1000, 3, 1, 1,
                new Mismatch("z", 997, 0.5, 0, new Dictionary<string, double> { ["x"] = 0.25, ["y"] = 0.25 }),
                Pattern: new MismatchPattern(MismatchPatterns.TailNotWritten, new Dictionary<string, double> { ["from"] = 997, ["count"] = 3 }))]);
        var json = JsonNode.Parse(KernelResultJson.Serialize(result))!["cases"]![0]!;
        Assert.Equal("""{"code":"tail_not_written","parameters":{"from":997,"count":3}}""", json["pattern"]!.ToJsonString());
        Assert.Equal("""{"x":0.25,"y":0.25}""", json["firstMismatch"]!["inputs"]!.ToJsonString());

        var again = KernelResultJson.Deserialize(KernelResultJson.Serialize(result))!.Cases![0];
        Assert.Equal((MismatchPatterns.TailNotWritten, 3.0), (again.Pattern!.Code, again.Pattern.Parameters!["count"]));
        Assert.Equal(0.25, again.FirstMismatch!.Inputs!["y"]);

        // A result stored before patterns existed.
        var old = KernelResultJson.Deserialize("""
            {"status":"failed","message":"m","cases":[{"params":{"n":1},"status":"failed","elements":1,"mismatches":1,
             "maxAbsError":1,"maxRelError":1,"firstMismatch":{"buffer":"z","index":0,"expected":1,"actual":0}}]}
            """)!.Cases![0];
        Assert.Null(old.Pattern);
        Assert.Null(old.FirstMismatch!.Inputs);
    }

    [Fact]
    public void A_compile_error_carries_the_drivers_log() =>
        Assert.Equal("error: expected ';'", JsonNode.Parse(KernelResultJson.Serialize(
            new KernelResult(KernelStatus.CompileError, "compiling: build failed", "error: expected ';'")))!["compileLog"]!.GetValue<string>());
}
