// expect: passed; unsupported if compute capability 8.9
// spec: {"op": "vector_add", "dtype": "fp8e5m2", "entry": "vector_add", "args": ["x", "y", "z", "n"], "launch": {"grid": ["ceil_div(n, 256)"], "block": [256]}, "cases": [{"n": 1}, {"n": 1000}, {"n": 65537}, {"n": 16777216}], "timing": {"warmup": 2, "iterations": 10, "maxIterations": 20}, "timeoutSeconds": 120}
// fp8 e5m2 storage; unsupported below compute capability 8.9.
#include <cuda_fp8.h>

extern "C" __global__ void vector_add(const __nv_fp8_e5m2* x, const __nv_fp8_e5m2* y, __nv_fp8_e5m2* z, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        z[i] = __nv_fp8_e5m2(float(x[i]) + float(y[i]));
}
