// Row-wise softmax of bfloat16 rows into bfloat16, computed in float32, y = exp(x − max) / Σ exp(x − max), one
// block of 256 threads per row. The first pass keeps an online (max, sum) pair per thread (Milakov & Gimelshein,
// 2018), rescaling the sum when the max grows; the pairs are combined across the block, and the second pass
// writes the outputs, reading the row again (from cache for rows of a few thousand elements). Accurate expf: no
// fast math.
#include <cuda_bf16.h>

#define THREADS 256
#define NEGATIVE_INFINITY __int_as_float((int)0xff800000u)  // NVRTC has no <math.h>, so no INFINITY

struct MaxSum {
    float max;
    float sum;
};

__device__ __forceinline__ MaxSum combine(MaxSum a, MaxSum b)
{
    if (a.sum == 0.0f)
        return b;
    if (b.sum == 0.0f)
        return a;
    const float m = fmaxf(a.max, b.max);
    return MaxSum{m, a.sum * expf(a.max - m) + b.sum * expf(b.max - m)};
}

__device__ __forceinline__ MaxSum warp_combine(MaxSum value)
{
#pragma unroll
    for (int offset = 16; offset > 0; offset >>= 1) {
        const MaxSum other{__shfl_xor_sync(0xffffffffu, value.max, offset), __shfl_xor_sync(0xffffffffu, value.sum, offset)};
        value = combine(value, other);
    }
    return value;
}

extern "C" __global__ void __launch_bounds__(THREADS) softmax(const __nv_bfloat16* __restrict__ x, __nv_bfloat16* __restrict__ y, int rows, int cols)
{
    __shared__ MaxSum warp_results[THREADS / 32];
    __shared__ MaxSum row_result;
    const __nv_bfloat16* in = x + (long long)blockIdx.x * cols;
    __nv_bfloat16* out = y + (long long)blockIdx.x * cols;

    MaxSum mine{NEGATIVE_INFINITY, 0.0f};
    for (int j = threadIdx.x; j < cols; j += THREADS) {
        const float v = __bfloat162float(in[j]);
        if (v > mine.max) {
            mine.sum = mine.sum * expf(mine.max - v) + 1.0f;
            mine.max = v;
        } else {
            mine.sum += expf(v - mine.max);
        }
    }
    mine = warp_combine(mine);
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    if (lane == 0)
        warp_results[warp] = mine;
    __syncthreads();
    if (warp == 0) {
        MaxSum total = lane < THREADS / 32 ? warp_results[lane] : MaxSum{NEGATIVE_INFINITY, 0.0f};
        total = warp_combine(total);
        if (lane == 0)
            row_result = total;
    }
    __syncthreads();

    const float max = row_result.max, scale = 1.0f / row_result.sum;
    for (int j = threadIdx.x; j < cols; j += THREADS)
        out[j] = __float2bfloat16(expf(__bfloat162float(in[j]) - max) * scale);
}
