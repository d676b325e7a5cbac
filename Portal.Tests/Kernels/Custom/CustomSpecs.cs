namespace Portal.Tests.Kernels.Custom;

/// <summary>Custom-op specs the tests share: DESIGN.md's fused_bias_relu, and an op with two inputs of different dtypes and lengths.</summary>
internal static class CustomSpecs
{
    public const string BiasReluReference =
        "__kernel void ref(__global const double* x, __global double* y, const int n, const double b) " +
        "{ int i = get_global_id(0); if (i < n) y[i] = fmax(x[i] + b, 0.0); }";

    public const string BiasReluKernel =
        "__kernel void fused_bias_relu(__global const float* x, __global float* y, const int n, const float b) " +
        "{ int i = get_global_id(0); if (i < n) y[i] = fmax(x[i] + b, 0.0f); }";

    /// <summary>Forgets the bias on the odd elements.</summary>
    public const string BiasReluKernelWrongOnOdd =
        "__kernel void fused_bias_relu(__global const float* x, __global float* y, const int n, const float b) " +
        "{ int i = get_global_id(0); if (i < n) y[i] = fmax(x[i] + ((i & 1) ? 0.0f : b), 0.0f); }";

    public static OpDefinitionSpec BiasRelu(string reference = BiasReluReference, int n = 1024) => new(
        "fused_bias_relu",
        [new OpParamSpec("n", "int", n), new OpParamSpec("b", "float", 0.5)],
        [new OpBufferSpec("x", "input", "f32", "n", "normal"), new OpBufferSpec("y", "output", "f32", "n")],
        new OpReferenceSpec("ref", new LaunchSpec(Global: ["n"]), reference),
        new ToleranceSpec(1e-5, 1e-5));

    public static KernelSpec BiasReluSpec(string source = BiasReluKernel, OpDefinitionSpec? definition = null) => new(
        "custom", "opencl-c", "fused_bias_relu", source, ["x", "y", "n", "b"],
        new LaunchSpec(Global: ["ceil_div(n, 64) * 64"], Local: [64]),
        Timing: new TimingSpec(0, 2, 2), OpDefinition: definition ?? BiasRelu());

    /// <summary>
    /// y[r] = Σ_c table[ids[r]·cols + c]·w[c] over a bf16 table of vocab·cols and int32 ids of rows: two inputs of
    /// different dtypes and lengths, plus an f32 weight row.
    /// </summary>
    public const string GatherDotReference =
        "__kernel void ref(__global const double* table, __global const int* ids, __global const double* w, __global double* y, " +
        "const int rows, const int cols, const int vocab) { int r = get_global_id(0); if (r >= rows) return; double s = 0; " +
        "for (int c = 0; c < cols; c++) s += table[ids[r] * cols + c] * w[c]; y[r] = s; }";

    public const string GatherDotKernel =
        "float bf(ushort v) { return as_float(((uint)v) << 16); }\n" +
        "__kernel void gather_dot(__global const ushort* table, __global const int* ids, __global const float* w, __global float* y, " +
        "const int rows, const int cols, const int vocab) { int r = get_global_id(0); if (r >= rows) return; float s = 0; " +
        "for (int c = 0; c < cols; c++) s += bf(table[ids[r] * cols + c]) * w[c]; y[r] = s; }";

    /// <summary>Reads row ids[r] + 1 for the last row: an off-by-one in the gather, only for the last element.</summary>
    public const string GatherDotKernelWrongLastRow =
        "float bf(ushort v) { return as_float(((uint)v) << 16); }\n" +
        "__kernel void gather_dot(__global const ushort* table, __global const int* ids, __global const float* w, __global float* y, " +
        "const int rows, const int cols, const int vocab) { int r = get_global_id(0); if (r >= rows) return; float s = 0; " +
        "int id = r == rows - 1 ? (ids[r] + 1) % vocab : ids[r]; " +
        "for (int c = 0; c < cols; c++) s += bf(table[id * cols + c]) * w[c]; y[r] = s; }";

    public static OpDefinitionSpec GatherDot() => new(
        "gather_dot",
        [new OpParamSpec("rows", "int", 300), new OpParamSpec("cols", "int", 16), new OpParamSpec("vocab", "int", 50)],
        [
            new OpBufferSpec("table", "input", "bf16", "vocab * cols", "integers"),
            new OpBufferSpec("ids", "input", "int32", "rows", "ids:vocab"),
            new OpBufferSpec("w", "input", "f32", "cols", "positive"),
            new OpBufferSpec("y", "output", "f32", "rows"),
        ],
        new OpReferenceSpec("ref", new LaunchSpec(Global: ["rows"]), GatherDotReference),
        new ToleranceSpec(1e-4, 1e-4));

    public static KernelSpec GatherDotSpec(string source = GatherDotKernel) => new(
        "custom", "opencl-c", "gather_dot", source, ["table", "ids", "w", "y", "rows", "cols", "vocab"],
        new LaunchSpec(Global: ["rows"]), Timing: new TimingSpec(0, 2, 2), OpDefinition: GatherDot());
}
