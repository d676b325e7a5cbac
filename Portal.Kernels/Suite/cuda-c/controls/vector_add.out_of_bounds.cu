// CONTROL KERNEL, must fail (out_of_bounds): the scalar tail runs to j <= n, so it writes z[n], past the end (caught by the guard zones).
// z = x + y. Each thread moves two float4 (16-byte) vectors of each array, so a block of 256 threads covers
// 2048 elements and every load is a full 128-byte line per warp; the loads are issued before any store so
// that more bytes are in flight. A thread whose vector runs past n finishes its elements one at a time.
#define VECTORS 2

extern "C" __global__ void vector_add(const float* __restrict__ x, const float* __restrict__ y,
                                      float* __restrict__ z, int n)
{
    const long long base = 4LL * ((long long)blockIdx.x * blockDim.x * VECTORS + threadIdx.x);
    const long long stride = 4LL * blockDim.x;
    float4 a[VECTORS], b[VECTORS];
#pragma unroll
    for (int v = 0; v < VECTORS; ++v) {
        const long long i = base + v * stride;
        if (i + 3 < n) {
            a[v] = *reinterpret_cast<const float4*>(x + i);
            b[v] = *reinterpret_cast<const float4*>(y + i);
        }
    }
#pragma unroll
    for (int v = 0; v < VECTORS; ++v) {
        const long long i = base + v * stride;
        if (i + 3 < n) {
            *reinterpret_cast<float4*>(z + i) = make_float4(a[v].x + b[v].x, a[v].y + b[v].y, a[v].z + b[v].z, a[v].w + b[v].w);
        } else {
            for (long long j = i; j <= n; ++j)
                z[j] = x[j] + y[j];
        }
    }
}
