// RoPE, one work-item per (token, pair i): the angle θ = pos·base^(−2i/dim) in float, as torch and most kernels
// compute it, its sine and cosine once, then the pair (2i, 2i+1) of every head rotated by θ.
__kernel void rope(__global const float* x, __global const int* pos, __global float* y,
                   const int tokens, const int heads, const int dim, const float base)
{
    int pairs = dim / 2;
    int id = get_global_id(0);
    if (id >= tokens * pairs)
        return;
    int t = id / pairs, i = id % pairs;
    float theta = (float)pos[t] * pow(base, -2.0f * i / dim);
    float c;
    float s = sincos(theta, &c);
    for (int h = 0; h < heads; h++) {
        size_t at = ((size_t)t * heads + h) * dim + 2 * i;
        float x0 = x[at], x1 = x[at + 1];
        y[at] = x0 * c - x1 * s;
        y[at + 1] = x0 * s + x1 * c;
    }
}
