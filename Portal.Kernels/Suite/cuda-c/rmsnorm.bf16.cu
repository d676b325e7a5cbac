// bfloat16 rows into bfloat16, computed in float32. Per row: y = x / √(mean(x²) + eps) · w. One block of 256
// threads per row: the sum of squares (warp shuffles, then shared memory across warps), then the outputs,
// re-reading the row from cache.
#include <cuda_bf16.h>

#define THREADS 256

__device__ __forceinline__ float warp_sum(float value)
{
#pragma unroll
    for (int offset = 16; offset > 0; offset >>= 1)
        value += __shfl_xor_sync(0xffffffffu, value, offset);
    return value;
}

extern "C" __global__ void __launch_bounds__(THREADS) rmsnorm(const __nv_bfloat16* __restrict__ x,
    const __nv_bfloat16* __restrict__ w, __nv_bfloat16* __restrict__ y, int rows, int cols, float eps)
{
    __shared__ float warp_sums[THREADS / 32];
    __shared__ float inverse_rms;
    const __nv_bfloat16* in = x + (long long)blockIdx.x * cols;
    __nv_bfloat16* out = y + (long long)blockIdx.x * cols;

    float squares = 0.0f;
    for (int j = threadIdx.x; j < cols; j += THREADS) {
        const float v = __bfloat162float(in[j]);
        squares += v * v;
    }
    squares = warp_sum(squares);
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    if (lane == 0)
        warp_sums[warp] = squares;
    __syncthreads();
    if (warp == 0) {
        squares = warp_sum(lane < THREADS / 32 ? warp_sums[lane] : 0.0f);
        if (lane == 0)
            inverse_rms = rsqrtf(squares / cols + eps);
    }
    __syncthreads();

    const float scale = inverse_rms;
    for (int j = threadIdx.x; j < cols; j += THREADS)
        out[j] = __float2bfloat16(__bfloat162float(in[j]) * scale * __bfloat162float(w[j]));
}
