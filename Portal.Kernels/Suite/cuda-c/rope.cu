// RoPE, one thread per (token, pair i), as the opencl-c kernel: θ = pos·base^(−2i/dim) in float (accurate powf and
// sincosf, no fast math), then the pair (2i, 2i+1) of every head rotated by θ.
extern "C" __global__ void rope(const float* __restrict__ x, const int* __restrict__ pos, float* __restrict__ y,
                                int tokens, int heads, int dim, float base)
{
    const int pairs = dim / 2;
    const long long id = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (id >= (long long)tokens * pairs)
        return;
    const long long t = id / pairs;
    const int i = (int)(id % pairs);
    const float theta = (float)pos[t] * powf(base, -2.0f * i / dim);
    float s, c;
    sincosf(theta, &s, &c);
    for (int h = 0; h < heads; ++h) {
        const long long at = (t * heads + h) * dim + 2 * i;
        const float x0 = x[at], x1 = x[at + 1];
        y[at] = x0 * c - x1 * s;
        y[at + 1] = x0 * s + x1 * c;
    }
}
