// expect: passed
// spec: {"op": "vector_add", "dtype": "f16", "entry": "vector_add", "args": ["x", "y", "z", "n"], "launch": {"grid": ["ceil_div(n, 256)"], "block": [256]}, "cases": [{"n": 1}, {"n": 1000}, {"n": 65537}, {"n": 16777216}], "timing": {"warmup": 2, "iterations": 10, "maxIterations": 20}, "timeoutSeconds": 120}
// f16 storage: __half from cuda_fp16.h (NVRTC finds it through --include-path), the sum in float.
#include <cuda_fp16.h>

extern "C" __global__ void vector_add(const __half* x, const __half* y, __half* z, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        z[i] = __float2half_rn(__half2float(x[i]) + __half2float(y[i]));
}
