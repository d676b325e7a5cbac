using Portal.Kernels.Ops;
using Portal.Kernels.Spec;
using static Portal.Tests.Kernels.Custom.CustomSpecs;

namespace Portal.Tests.Kernels.Custom;

public class CustomOpValidationTests
{
    private static IReadOnlyList<SpecProblem> Problems(KernelSpec spec) => KernelSpecValidator.Validate(spec).Problems;

    private static SpecProblem Single(KernelSpec spec) => Assert.Single(Problems(spec));

    [Fact]
    public void A_custom_op_builds_buffers_params_and_one_default_case()
    {
        var validated = KernelSpecValidator.Validate(GatherDotSpec()).Spec!;
        var op = validated.Op;
        Assert.Equal("gather_dot", op.Name);
        Assert.Equal(["rows", "cols", "vocab"], op.Params.Select(p => p.Name));
        Assert.Equal([ElementType.BFloat16, ElementType.Int32, ElementType.Float32, ElementType.Float32], op.Buffers.Select(b => validated.TypeOf(b)));
        var only = Assert.Single(validated.Cases);
        Assert.Equal(new Dictionary<string, double> { ["rows"] = 300, ["cols"] = 16, ["vocab"] = 50 }, only.Values);
        Assert.Equal([800L, 300, 16, 300], op.Buffers.Select(b => b.Length(only)));
        Assert.Equal(new Tolerance(1e-4, 1e-4), validated.Tolerance);
        Assert.Matches("^[0-9a-f]{64}$", op.Custom!.DefinitionHash);
    }

    [Fact]
    public void Ids_are_int32_below_their_bound_and_named_distributions_keep_their_ranges()
    {
        var spec = KernelSpecValidator.Validate(GatherDotSpec()).Spec!;
        var inputs = Portal.Kernels.Inputs.InputGenerator.Generate(spec.Op, spec.Cases[0], spec.Seed, spec.BufferTypes);
        var ids = inputs["ids"].ToDoubles();
        Assert.All(ids, id => Assert.InRange(id, 0, 49));
        Assert.True(ids.Distinct().Count() > 30, "ids cover the vocabulary");
        Assert.All(inputs["table"].ToDoubles(), v => Assert.True(v == Math.Floor(v) && v is >= -8 and <= 8));
        Assert.All(inputs["w"].ToDoubles(), v => Assert.InRange(v, 0.5, 2));
    }

    [Fact]
    public void The_normal_distribution_has_mean_zero_and_unit_variance()
    {
        var normal = CustomOps.Named("normal")!;
        var values = Enumerable.Range(0, 100_000).Select(i => normal.Sample(Portal.Kernels.Inputs.SplitMix64.Value(12345, i), i)).ToList();
        Assert.InRange(values.Average(), -0.02, 0.02);
        Assert.InRange(values.Average(v => v * v), 0.97, 1.03);
        Assert.All(values, v => Assert.InRange(v, -3.47, 3.47));
    }

    [Fact]
    public void The_definition_hash_ignores_spelling_but_not_meaning()
    {
        var hash = CustomOps.DefinitionHash(BiasRelu());
        var spelledOut = BiasRelu() with
        {
            Buffers = [new OpBufferSpec("x", "input", null, "n", "normal"), new OpBufferSpec("y", "output", "f32", "n")],
            Reference = BiasRelu().Reference! with { Launch = new LaunchSpec(Global: ["n "]) },
        };
        Assert.Equal(hash, CustomOps.DefinitionHash(spelledOut));
        Assert.NotEqual(hash, CustomOps.DefinitionHash(BiasRelu() with { Params = [new OpParamSpec("n", "int", 1024), new OpParamSpec("b", "float", 0.25)] }));
        Assert.NotEqual(hash, CustomOps.DefinitionHash(BiasRelu(BiasReluReference.Replace("0.0", "0.0 ", StringComparison.Ordinal))));
    }

    [Fact]
    public void Custom_without_a_definition_names_the_missing_field() =>
        Assert.Equal("opDefinition", Single(BiasReluSpec() with { OpDefinition = null }).Field);

    [Fact]
    public void A_catalog_op_with_a_definition_names_the_definition()
    {
        var problem = Single(Specs.VectorAdd() with { OpDefinition = BiasRelu() });
        Assert.Equal("opDefinition", problem.Field);
        Assert.Contains("vector_add", problem.Message);
    }

    public static TheoryData<string, string, string> BadFields() => new()
    {
        { "buffers[1].length", "opDefinition.buffers[1].length", "unknown name 'm'" },
        { "buffers[0].length uses a float param", "opDefinition.buffers[0].length", "'b' is a float param" },
        { "buffers[0].dtype", "opDefinition.buffers[0].dtype", "unknown dtype 'f64'" },
        { "buffers[0].distribution", "opDefinition.buffers[0].distribution", "unknown distribution 'gaussian'" },
        { "ids on a float buffer", "opDefinition.buffers[0].distribution", "int32" },
        { "buffers[1].role", "opDefinition.buffers[1].role", "unknown role 'inout'" },
        { "output distribution", "opDefinition.buffers[1].distribution", "outputs have no distribution" },
        { "duplicate name", "opDefinition.buffers[1].name", "used twice" },
        { "params[1].type", "opDefinition.params[1].type", "unknown type 'double'" },
        { "params[0].default", "opDefinition.params[0].default", "not an integer" },
        { "reference.entry", "opDefinition.reference.entry", "not an identifier" },
        { "reference.source", "opDefinition.reference.source", "missing" },
        { "reference.launch", "opDefinition.reference.launch.global[0]", "unknown name 'q'" },
        { "tolerance", "opDefinition.tolerance.rtol", "below 0.1" },
        { "name", "opDefinition.name", "not an identifier" },
        { "no output", "opDefinition.buffers", "no output buffer" },
        { "length zero in a case", "opDefinition.buffers[0].length", "'n - 1' is 0 in cases[0]" },
    };

    [Theory]
    [MemberData(nameof(BadFields))]
    public void Each_bad_field_is_named_as_a_path(string change, string field, string message)
    {
        var d = BiasRelu();
        OpBufferSpec x = d.Buffers![0], y = d.Buffers[1];
        var definition = change switch
        {
            "buffers[1].length" => d with { Buffers = [x, y with { Length = "m" }] },
            "buffers[0].length uses a float param" => d with { Buffers = [x with { Length = "n * b" }, y] },
            "buffers[0].dtype" => d with { Buffers = [x with { Dtype = "f64" }, y] },
            "buffers[0].distribution" => d with { Buffers = [x with { Distribution = "gaussian" }, y] },
            "ids on a float buffer" => d with { Buffers = [x with { Distribution = "ids:n" }, y] },
            "buffers[1].role" => d with { Buffers = [x, y with { Role = "inout" }] },
            "output distribution" => d with { Buffers = [x, y with { Distribution = "uniform" }] },
            "duplicate name" => d with { Buffers = [x, y with { Name = "x" }] },
            "params[1].type" => d with { Params = [d.Params![0], d.Params[1] with { Type = "double" }] },
            "params[0].default" => d with { Params = [d.Params![0] with { Default = 2.5 }, d.Params[1]] },
            "reference.entry" => d with { Reference = d.Reference! with { Entry = "1ref" } },
            "reference.source" => d with { Reference = d.Reference! with { Source = " " } },
            "reference.launch" => d with { Reference = d.Reference! with { Launch = new LaunchSpec(Global: ["q"]) } },
            "tolerance" => d with { Tolerance = new ToleranceSpec(Rtol: 0.5) },
            "name" => d with { Name = "fused bias" },
            "no output" => d with { Buffers = [x] },
            "length zero in a case" => d with { Buffers = [x with { Length = "n - 1" }, y] },
            _ => throw new ArgumentOutOfRangeException(nameof(change)),
        };
        var spec = BiasReluSpec(definition: definition);
        if (change == "no output")
            spec = spec with { Args = ["x", "n", "b"] };
        if (change == "length zero in a case")
            spec = spec with { Cases = [new Dictionary<string, double> { ["n"] = 1 }] };
        var problems = Problems(spec);
        Assert.Contains(problems, p => p.Field == field && p.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void A_param_without_default_needs_cases()
    {
        var definition = BiasRelu() with { Params = [new OpParamSpec("n", "int"), new OpParamSpec("b", "float", 0.5)] };
        var problem = Single(BiasReluSpec(definition: definition));
        Assert.Equal("opDefinition.params[0].default", problem.Field);
        Assert.True(KernelSpecValidator.Validate(BiasReluSpec(definition: definition) with { Cases = [new Dictionary<string, double> { ["n"] = 10 }] }).IsValid);
    }

    [Fact]
    public void The_validator_for_saved_definitions_reports_through_the_callback()
    {
        var problems = new List<string>();
        var op = CustomOps.Validate(BiasRelu() with { Buffers = null }, KernelLimits.Default, (f, _) => problems.Add(f));
        Assert.Null(op);
        Assert.Equal(["opDefinition.buffers"], problems);
    }
}
