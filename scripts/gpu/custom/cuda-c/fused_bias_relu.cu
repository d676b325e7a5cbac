// expect: passed; unsupported if OpenCL
// spec: {"op": "custom", "opDefinition": {"name": "fused_bias_relu", "params": [{"name": "n", "type": "int", "default": 1024}, {"name": "b", "type": "float", "default": 0.5}], "buffers": [{"name": "x", "role": "input", "dtype": "f32", "length": "n", "distribution": "normal"}, {"name": "y", "role": "output", "dtype": "f32", "length": "n"}], "reference": {"entry": "ref", "launch": {"global": ["n"]}, "source": "__kernel void ref(__global const double* x, __global double* y, const int n, const double b) { int i = get_global_id(0); if (i < n) y[i] = fmax(x[i] + b, 0.0); }"}, "tolerance": {"atol": 1e-5, "rtol": 1e-5}}, "entry": "fused_bias_relu", "args": ["x", "y", "n", "b"], "launch": {"grid": ["ceil_div(n, 256)"], "block": [256]}, "cases": [{"n": 1000, "b": 0.5}, {"n": 4194304, "b": -0.25}], "timing": {"warmup": 1, "iterations": 5, "maxIterations": 5}, "timeoutSeconds": 300}
// The custom op of DESIGN.md "Custom ops": its reference is OpenCL C over double on the agent host's CPU OpenCL device
// (PoCL); a host without one answers unsupported.
extern "C" __global__ void fused_bias_relu(const float* x, float* y, int n, float b)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        y[i] = fmaxf(x[i] + b, 0.0f);
}
