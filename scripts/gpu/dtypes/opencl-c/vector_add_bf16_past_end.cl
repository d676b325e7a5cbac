// expect: failed | out of bounds after the end of z: the guard zone changed at z[999] (1 element; z has 999 elements)
// spec: {"op": "vector_add", "dtype": "bf16", "entry": "vector_add", "args": ["x", "y", "z", "n"], "launch": {"global": ["ceil_div(n, 64) * 64"], "local": [64]}, "cases": [{"n": 999}, {"n": 4097}], "timing": {"warmup": 1, "iterations": 3, "maxIterations": 3}, "timeoutSeconds": 300}
// Known wrong: a guard of i <= n writes one element past the end of an odd-length bf16 buffer (1998 bytes, not whole
// 32-bit words), in the middle of a canary word.
inline float from_bf16(ushort b) { return as_float((uint)b << 16); }
// Round to nearest even; a NaN stays a (quiet) NaN.
inline ushort to_bf16(float f) {
    uint u = as_uint(f);
    if ((u & 0x7fffffffu) > 0x7f800000u)
        return (ushort)((u >> 16) | 0x40u);
    return (ushort)((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}

__kernel void vector_add(__global const ushort* x, __global const ushort* y, __global ushort* z, const int n)
{
    int i = get_global_id(0);
    if (i <= n)
        z[i] = to_bf16(from_bf16(x[i]) + from_bf16(y[i]));
}
