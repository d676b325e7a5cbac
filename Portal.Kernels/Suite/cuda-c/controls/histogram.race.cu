// CONTROL KERNEL, must fail (race): shared-memory counts with a plain ++ instead of atomicAdd: threads of a warp that hit the same bin lose counts.
// h[b] = how many x[i] equal b. Each block counts into its own copy of the histogram in shared memory
// (launch.sharedBytes = bins · 4), so the many atomics of a block stay on the chip, then adds its non-zero
// counts to h with one global atomicAdd per bin (h starts zero-filled). int4 loads; the n mod 4 last
// elements go to the first threads of the grid.
extern "C" __global__ void histogram(const int* __restrict__ x, int* __restrict__ h, int n, int bins)
{
    extern __shared__ int counts[];
    for (int b = threadIdx.x; b < bins; b += blockDim.x)
        counts[b] = 0;
    __syncthreads();

    const long long thread = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    const long long threads = (long long)gridDim.x * blockDim.x;
    const long long vectors = n / 4;
    const int4* x4 = reinterpret_cast<const int4*>(x);
#pragma unroll 4
    for (long long v = thread; v < vectors; v += threads) {
        const int4 q = x4[v];
        counts[q.x]++;
        counts[q.y]++;
        counts[q.z]++;
        counts[q.w]++;
    }
    if (thread < (n & 3))
        counts[x[4 * vectors + thread]]++;
    __syncthreads();

    for (int b = threadIdx.x; b < bins; b += blockDim.x) {
        if (counts[b] != 0)
            atomicAdd(&h[b], counts[b]);
    }
}
