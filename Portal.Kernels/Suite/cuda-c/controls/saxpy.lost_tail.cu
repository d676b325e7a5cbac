// CONTROL KERNEL, must fail (lost_tail): the scalar path for the last partial group of four is gone.
// z = a·x + y, with the same layout as vector_add: two float4 vectors of each array per thread, loads first.
#define VECTORS 2

extern "C" __global__ void saxpy(const float* __restrict__ x, const float* __restrict__ y,
                                 float* __restrict__ z, int n, float a)
{
    const long long base = 4LL * ((long long)blockIdx.x * blockDim.x * VECTORS + threadIdx.x);
    const long long stride = 4LL * blockDim.x;
    float4 p[VECTORS], q[VECTORS];
#pragma unroll
    for (int v = 0; v < VECTORS; ++v) {
        const long long i = base + v * stride;
        if (i + 3 < n) {
            p[v] = *reinterpret_cast<const float4*>(x + i);
            q[v] = *reinterpret_cast<const float4*>(y + i);
        }
    }
#pragma unroll
    for (int v = 0; v < VECTORS; ++v) {
        const long long i = base + v * stride;
        if (i + 3 < n) {
            *reinterpret_cast<float4*>(z + i) = make_float4(fmaf(a, p[v].x, q[v].x), fmaf(a, p[v].y, q[v].y),
                                                            fmaf(a, p[v].z, q[v].z), fmaf(a, p[v].w, q[v].w));
        } else if (false) {
            for (long long j = i; j < n; ++j)
                z[j] = fmaf(a, x[j], y[j]);
        }
    }
}
