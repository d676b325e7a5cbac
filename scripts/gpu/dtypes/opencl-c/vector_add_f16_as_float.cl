// expect: failed | out of bounds after the end of z
// spec: {"op": "vector_add", "dtype": "f16", "entry": "vector_add", "args": ["x", "y", "z", "n"], "launch": {"global": ["ceil_div(n, 64) * 64"], "local": [64]}, "cases": [{"n": 1}, {"n": 1000}, {"n": 4097}], "timing": {"warmup": 1, "iterations": 3, "maxIterations": 3}, "timeoutSeconds": 300}
// Known wrong: the f16 output declared and written as float, so n floats fill twice z's bytes, past its end. Cases stay small enough (2n bytes past the end ≤ the 64 KiB zone) that the stray bytes land in the zone, not in someone else’s memory.
__kernel void vector_add(__global const half* x, __global const half* y, __global float* z, const int n)
{
    int i = get_global_id(0);
    if (i < n)
        z[i] = vload_half(i, x) + vload_half(i, y);
}
