// bfloat16 rows into bfloat16, computed in float32. Per row: y = (x − mean) / √(var + eps) · gamma + beta, with
// the biased variance. One block of 256 threads per row makes three passes over it: the mean, then the variance
// as the mean of (x − mean)² (two passes rather than E[x²] − mean², which cancels), then the outputs. Rows of a
// few thousand elements are re-read from cache.
#include <cuda_bf16.h>

#define THREADS 256

__device__ __forceinline__ float warp_sum(float value)
{
#pragma unroll
    for (int offset = 16; offset > 0; offset >>= 1)
        value += __shfl_xor_sync(0xffffffffu, value, offset);
    return value;
}

// The block's total, returned to every thread; `scratch` holds 33 floats.
__device__ float block_sum(float value, float* scratch)
{
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    value = warp_sum(value);
    __syncthreads();  // scratch may still be read from a previous call
    if (lane == 0)
        scratch[warp] = value;
    __syncthreads();
    if (warp == 0) {
        value = warp_sum(lane < THREADS / 32 ? scratch[lane] : 0.0f);
        if (lane == 0)
            scratch[32] = value;
    }
    __syncthreads();
    return scratch[32];
}

extern "C" __global__ void __launch_bounds__(THREADS) layernorm(const __nv_bfloat16* __restrict__ x,
    const __nv_bfloat16* __restrict__ gamma, const __nv_bfloat16* __restrict__ beta, __nv_bfloat16* __restrict__ y, int rows, int cols, float eps)
{
    __shared__ float scratch[33];
    const __nv_bfloat16* in = x + (long long)blockIdx.x * cols;
    __nv_bfloat16* out = y + (long long)blockIdx.x * cols;

    float sum = 0.0f;
    for (int j = threadIdx.x; j < cols; j += THREADS)
        sum += __bfloat162float(in[j]);
    const float mean = block_sum(sum, scratch) / cols;

    float squares = 0.0f;
    for (int j = threadIdx.x; j < cols; j += THREADS) {
        const float d = __bfloat162float(in[j]) - mean;
        squares += d * d;
    }
    const float inverse_std = rsqrtf(block_sum(squares, scratch) / cols + eps);

    for (int j = threadIdx.x; j < cols; j += THREADS)
        out[j] = __float2bfloat16((__bfloat162float(in[j]) - mean) * inverse_std * __bfloat162float(gamma[j])
            + __bfloat162float(beta[j]));
}
