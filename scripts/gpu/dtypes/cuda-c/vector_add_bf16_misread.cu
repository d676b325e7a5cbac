// expect: failed | elements wrong; first z[0]: expected
// spec: {"op": "vector_add", "dtype": "bf16", "entry": "vector_add", "args": ["x", "y", "z", "n"], "launch": {"grid": ["ceil_div(n, 256)"], "block": [256]}, "cases": [{"n": 1}, {"n": 1000}, {"n": 65537}], "timing": {"warmup": 1, "iterations": 5, "maxIterations": 5}, "timeoutSeconds": 120}
// Known wrong: takes bf16 bits for the low half of a float32 (__uint_as_float(b) instead of b << 16).
#include <cuda_bf16.h>

extern "C" __global__ void vector_add(const unsigned short* x, const unsigned short* y, __nv_bfloat16* z, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        z[i] = __float2bfloat16_rn(__uint_as_float(x[i]) + __uint_as_float(y[i]));
}
