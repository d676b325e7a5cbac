// c = a·b, a and b in bfloat16, c in float32 (mixed precision), row-major; products accumulate in float32. A
// block of 256 threads computes a 64×64 tile of c, stepping through k in slices of 16: it stages a 64×16 slice
// of a (transposed, so a thread reads its four rows contiguously) and a 16×64 slice of b in shared memory, then
// each thread accumulates a 4×4 block of c in registers with FMAs. Out-of-range elements are staged as zeros, so
// any m, n, k work; bfloat16 products are exact in float32.
#include <cuda_bf16.h>

#define BM 64
#define BN 64
#define BK 16
#define THREADS 256

extern "C" __global__ void __launch_bounds__(THREADS) matmul(const __nv_bfloat16* __restrict__ a, const __nv_bfloat16* __restrict__ b,
    float* __restrict__ c, int m, int n, int k)
{
    __shared__ float a_tile[BK][BM + 4];
    __shared__ __align__(16) float b_tile[BK][BN];
    const int tx = threadIdx.x % 16, ty = threadIdx.x / 16;  // 16×16 threads, each 4 rows × 4 columns
    const int row0 = blockIdx.y * BM, col0 = blockIdx.x * BN;
    float acc[4][4] = {};

    for (int k0 = 0; k0 < k; k0 += BK) {
        for (int e = threadIdx.x; e < BM * BK; e += THREADS) {
            const int r = e / BK, kk = e % BK;  // consecutive threads read along a row of a
            const int gr = row0 + r, gk = k0 + kk;
            a_tile[kk][r] = gr < m && gk < k ? __bfloat162float(a[(long long)gr * k + gk]) : 0.0f;
        }
        for (int e = threadIdx.x; e < BK * BN; e += THREADS) {
            const int kk = e / BN, col = e % BN;
            const int gk = k0 + kk, gc = col0 + col;
            b_tile[kk][col] = gk < k && gc < n ? __bfloat162float(b[(long long)gk * n + gc]) : 0.0f;
        }
        __syncthreads();
#pragma unroll
        for (int kk = 0; kk < BK; ++kk) {
            float ar[4];
#pragma unroll
            for (int i = 0; i < 4; ++i)
                ar[i] = a_tile[kk][ty * 4 + i];
            const float4 br = *reinterpret_cast<const float4*>(&b_tile[kk][tx * 4]);
#pragma unroll
            for (int i = 0; i < 4; ++i) {
                acc[i][0] = fmaf(ar[i], br.x, acc[i][0]);
                acc[i][1] = fmaf(ar[i], br.y, acc[i][1]);
                acc[i][2] = fmaf(ar[i], br.z, acc[i][2]);
                acc[i][3] = fmaf(ar[i], br.w, acc[i][3]);
            }
        }
        __syncthreads();
    }

#pragma unroll
    for (int i = 0; i < 4; ++i) {
        const int row = row0 + ty * 4 + i;
#pragma unroll
        for (int j = 0; j < 4; ++j) {
            const int col = col0 + tx * 4 + j;
            if (row < m && col < n)
                c[(long long)row * n + col] = acc[i][j];
        }
    }
}
