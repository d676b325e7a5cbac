// s[0] = Σ x, x in float16 and the sum kept in float32 (as torch.sum(x, dtype=torch.float32)). A grid of at
// most a few blocks per multiprocessor strides over x, each thread keeping its own float32 partial sum; warps
// combine theirs with shuffles, blocks through shared memory, and each block adds its sum to s[0] with one
// atomicAdd (s starts zero-filled).
#include <cuda_fp16.h>

__device__ __forceinline__ float warp_sum(float value)
{
#pragma unroll
    for (int offset = 16; offset > 0; offset >>= 1)
        value += __shfl_xor_sync(0xffffffffu, value, offset);
    return value;
}

extern "C" __global__ void reduce_sum(const __half* __restrict__ x, float* __restrict__ s, int n)
{
    __shared__ float warp_sums[32];
    const long long thread = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    const long long threads = (long long)gridDim.x * blockDim.x;

    float sum = 0.0f;
#pragma unroll 4
    for (long long i = thread; i < n; i += threads)
        sum += __half2float(x[i]);

    sum = warp_sum(sum);
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    if (lane == 0)
        warp_sums[warp] = sum;
    __syncthreads();
    if (warp == 0) {
        sum = lane < (int)((blockDim.x + 31) / 32) ? warp_sums[lane] : 0.0f;
        sum = warp_sum(sum);
        if (lane == 0)
            atomicAdd(s, sum);
    }
}
