// expect: failed | out of bounds after the end of z: the guard zone changed at z[999] (1 element; z has 999 elements)
// spec: {"op": "vector_add", "dtype": "bf16", "entry": "vector_add", "args": ["x", "y", "z", "n"], "launch": {"grid": ["ceil_div(n, 256)"], "block": [256]}, "cases": [{"n": 999}, {"n": 4097}], "timing": {"warmup": 1, "iterations": 5, "maxIterations": 5}, "timeoutSeconds": 120}
// Known wrong: a guard of i <= n writes one element past the end of an odd-length bf16 buffer (not whole 32-bit words).
#include <cuda_bf16.h>

extern "C" __global__ void vector_add(const __nv_bfloat16* x, const __nv_bfloat16* y, __nv_bfloat16* z, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i <= n)
        z[i] = __float2bfloat16_rn(__bfloat162float(x[i]) + __bfloat162float(y[i]));
}
