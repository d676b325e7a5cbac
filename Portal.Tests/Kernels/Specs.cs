using Portal.Kernels.Spec;

namespace Portal.Tests.Kernels;

/// <summary>Valid specs to start from; tests change one thing with <c>with</c>.</summary>
internal static class Specs
{
    public const string VectorAddSource =
        "__kernel void vector_add(__global const float* x, __global const float* y, __global float* z, const int n) " +
        "{ int i = get_global_id(0); if (i < n) z[i] = x[i] + y[i]; }";

    public static KernelSpec VectorAdd(params CaseSpec[] cases) => new(
        Op: "vector_add",
        Language: "opencl-c",
        Entry: "vector_add",
        Source: VectorAddSource,
        Args: ["x", "y", "z", "n"],
        Launch: new LaunchSpec(Global: ["ceil_div(n, 256) * 256"], Local: [256]),
        Cases: cases.Length == 0 ? [N(1), N(1000), N(4096)] : cases);

    public static KernelSpec For(string op, string[] args, params CaseSpec[] cases) => new(
        Op: op,
        Language: "cuda-c",
        Entry: op,
        Source: $"extern \"C\" __global__ void {op}() {{}}",
        Args: args,
        Launch: new LaunchSpec(Grid: [1], Block: [1]),
        Cases: cases.Length == 0 ? null : cases);

    public static CaseSpec N(double n) => new Dictionary<string, double> { ["n"] = n };

    public static CaseSpec Case(params (string Name, double Value)[] values) =>
        values.ToDictionary(v => v.Name, v => v.Value);

    public static SpecValidation Validate(KernelSpec spec, KernelLimits? limits = null) => KernelSpecValidator.Validate(spec, limits);

    /// <summary>The one problem of an invalid spec; fails if the spec is valid or has several problems.</summary>
    public static SpecProblem SingleProblem(KernelSpec spec, KernelLimits? limits = null)
    {
        var validation = Validate(spec, limits);
        Assert.False(validation.IsValid, "the spec should be invalid");
        return Assert.Single(validation.Problems);
    }
}
