// CONTROL KERNEL, must fail (off_by_one): the scalar tail stops at n - 1, so the last element is never written when n is no multiple of 4.
// y = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), the tanh approximation of GELU, with the accurate tanhf:
// NVRTC is not given --use_fast_math, and the suite's tolerance rejects the hardware tanh.approx on purpose.
// Two float4 vectors per thread, as in vector_add.
#define VECTORS 2

__device__ __forceinline__ float gelu_of(float x)
{
    const float k = 0.7978845608028654f;  // √(2/π)
    return 0.5f * x * (1.0f + tanhf(k * (x + 0.044715f * x * x * x)));
}

extern "C" __global__ void gelu(const float* __restrict__ x, float* __restrict__ y, int n)
{
    const long long base = 4LL * ((long long)blockIdx.x * blockDim.x * VECTORS + threadIdx.x);
    const long long stride = 4LL * blockDim.x;
    float4 p[VECTORS];
#pragma unroll
    for (int v = 0; v < VECTORS; ++v) {
        const long long i = base + v * stride;
        if (i + 3 < n)
            p[v] = *reinterpret_cast<const float4*>(x + i);
    }
#pragma unroll
    for (int v = 0; v < VECTORS; ++v) {
        const long long i = base + v * stride;
        if (i + 3 < n) {
            *reinterpret_cast<float4*>(y + i) = make_float4(gelu_of(p[v].x), gelu_of(p[v].y), gelu_of(p[v].z), gelu_of(p[v].w));
        } else {
            for (long long j = i; j < n - 1; ++j)
                y[j] = gelu_of(x[j]);
        }
    }
}
