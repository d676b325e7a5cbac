// CONTROL KERNEL, must fail (race): blocks add their totals to s with a plain += instead of atomicAdd, so concurrent additions are lost.
// s[0] = Σ x. A grid of at most a few blocks per multiprocessor strides over x in float4 vectors, each thread
// keeping its own partial sum; warps combine theirs with shuffles, blocks through shared memory, and each block
// adds its sum to s[0] with one atomicAdd (s starts zero-filled). The n mod 4 last elements go to the first threads.
__device__ __forceinline__ float warp_sum(float value)
{
#pragma unroll
    for (int offset = 16; offset > 0; offset >>= 1)
        value += __shfl_xor_sync(0xffffffffu, value, offset);
    return value;
}

extern "C" __global__ void reduce_sum(const float* __restrict__ x, float* __restrict__ s, int n)
{
    __shared__ float warp_sums[32];
    const long long thread = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    const long long threads = (long long)gridDim.x * blockDim.x;
    const long long vectors = n / 4;
    const float4* x4 = reinterpret_cast<const float4*>(x);

    float sum = 0.0f;
#pragma unroll 4
    for (long long v = thread; v < vectors; v += threads) {
        const float4 q = x4[v];
        sum += (q.x + q.y) + (q.z + q.w);
    }
    if (thread < (n & 3))
        sum += x[4 * vectors + thread];

    sum = warp_sum(sum);
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    if (lane == 0)
        warp_sums[warp] = sum;
    __syncthreads();
    if (warp == 0) {
        sum = lane < (int)((blockDim.x + 31) / 32) ? warp_sums[lane] : 0.0f;
        sum = warp_sum(sum);
        if (lane == 0)
            *s += sum;
    }
}
