// expect: failed | out of bounds after the end of z
// spec: {"op": "vector_add", "dtype": "f16", "entry": "vector_add", "args": ["x", "y", "z", "n"], "launch": {"grid": ["ceil_div(n, 256)"], "block": [256]}, "cases": [{"n": 1}, {"n": 1000}, {"n": 4097}], "timing": {"warmup": 1, "iterations": 5, "maxIterations": 5}, "timeoutSeconds": 120}
// Known wrong: f16 buffers declared as float: reads garbage and writes n floats, twice the bytes of z, past its end. Cases stay small enough (2n bytes past the end ≤ the 64 KiB zone) that the stray bytes land in the zone, not in someone else’s memory.
#include <cuda_fp16.h>

extern "C" __global__ void vector_add(const float* x, const float* y, float* z, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        z[i] = x[i] + y[i];
}
