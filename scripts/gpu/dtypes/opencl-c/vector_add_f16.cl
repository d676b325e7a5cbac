// expect: passed
// spec: {"op": "vector_add", "dtype": "f16", "entry": "vector_add", "args": ["x", "y", "z", "n"], "launch": {"global": ["ceil_div(n, 64) * 64"], "local": [64]}, "cases": [{"n": 1}, {"n": 1000}, {"n": 65537}], "timing": {"warmup": 1, "iterations": 3, "maxIterations": 3}, "timeoutSeconds": 300}
// f16 storage through vload_half/vstore_half: core OpenCL C, no cl_khr_fp16 needed; the sum is computed in float.
__kernel void vector_add(__global const half* x, __global const half* y, __global half* z, const int n)
{
    int i = get_global_id(0);
    if (i < n)
        vstore_half(vload_half(i, x) + vload_half(i, y), i, z);
}
