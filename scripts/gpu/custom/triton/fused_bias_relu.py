# expect: passed; unsupported if OpenCL
# spec: {"op": "custom", "opDefinition": {"name": "fused_bias_relu", "params": [{"name": "n", "type": "int", "default": 1024}, {"name": "b", "type": "float", "default": 0.5}], "buffers": [{"name": "x", "role": "input", "dtype": "f32", "length": "n", "distribution": "normal"}, {"name": "y", "role": "output", "dtype": "f32", "length": "n"}], "reference": {"entry": "ref", "launch": {"global": ["n"]}, "source": "__kernel void ref(__global const double* x, __global double* y, const int n, const double b) { int i = get_global_id(0); if (i < n) y[i] = fmax(x[i] + b, 0.0); }"}, "tolerance": {"atol": 1e-5, "rtol": 1e-5}}, "entry": "fused_bias_relu", "args": ["x", "y", "n", "b"], "launch": {"grid": ["ceil_div(n, 1024)"], "numWarps": 4, "constexprs": {"BLOCK": 1024}}, "cases": [{"n": 1000, "b": 0.5}, {"n": 4194304, "b": -0.25}], "timing": {"warmup": 1, "iterations": 5, "maxIterations": 5}, "timeoutSeconds": 300}
# The custom op of DESIGN.md "Custom ops", in Triton.
import triton
import triton.language as tl


@triton.jit
def fused_bias_relu(x, y, n, b, BLOCK: tl.constexpr):
    offsets = tl.program_id(0).to(tl.int64) * BLOCK + tl.arange(0, BLOCK)
    mask = offsets < n
    tl.store(y + offsets, tl.maximum(tl.load(x + offsets, mask=mask) + b, 0.0), mask=mask)
