// expect: passed
// spec: {"op": "vector_add", "dtype": "bf16", "entry": "vector_add", "args": ["x", "y", "z", "n"], "launch": {"grid": ["ceil_div(n, 256)"], "block": [256]}, "cases": [{"n": 1}, {"n": 1000}, {"n": 65537}, {"n": 16777216}], "timing": {"warmup": 2, "iterations": 10, "maxIterations": 20}, "timeoutSeconds": 120}
// bf16 storage: __nv_bfloat16 from cuda_bf16.h, the sum in float.
#include <cuda_bf16.h>

extern "C" __global__ void vector_add(const __nv_bfloat16* x, const __nv_bfloat16* y, __nv_bfloat16* z, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        z[i] = __float2bfloat16_rn(__bfloat162float(x[i]) + __bfloat162float(y[i]));
}
