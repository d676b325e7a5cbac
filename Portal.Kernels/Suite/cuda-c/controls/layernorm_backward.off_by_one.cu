// CONTROL KERNEL, must fail (off_by_one): dgamma and dbeta leave out the last row.
// Layer-norm backward in one launch, without atomics: each block of 256 threads owns 256 columns (one per thread)
// and walks every row. For each row it computes the statistics over the whole row together — the mean, then, from
// the deviations (two passes; E[x²] − mean² would cancel), the variance, Σ dy·gamma and Σ dy·gamma·(x − mean) —
// writes dx for its own columns and adds dy·x̂ and dy to its columns' dgamma and dbeta, which only it writes.
// Rows are re-read once per column block: simple rather than fast for very wide rows.
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

extern "C" __global__ void __launch_bounds__(THREADS) layernorm_backward(const float* __restrict__ x, const float* __restrict__ dy,
    const float* __restrict__ gamma, float* __restrict__ dx, float* __restrict__ dgamma, float* __restrict__ dbeta,
    int rows, int cols, float eps)
{
    __shared__ float scratch[33];
    const int col = blockIdx.x * THREADS + threadIdx.x;
    const float g = col < cols ? gamma[col] : 0.0f;
    float dgamma_sum = 0.0f, dbeta_sum = 0.0f;

    for (int i = 0; i < rows; i++) {
        const long long row = (long long)i * cols;
        float partial = 0.0f;
        for (int j = threadIdx.x; j < cols; j += THREADS)
            partial += x[row + j];
        const float mean = block_sum(partial, scratch) / cols;

        float squares = 0.0f, dxhat = 0.0f, dxhat_dev = 0.0f;
        for (int j = threadIdx.x; j < cols; j += THREADS) {
            const float d = x[row + j] - mean;
            const float h = dy[row + j] * gamma[j];
            squares += d * d;
            dxhat += h;
            dxhat_dev += h * d;
        }
        const float rstd = rsqrtf(block_sum(squares, scratch) / cols + eps);
        const float mean_dxhat = block_sum(dxhat, scratch) / cols;
        const float mean_dxhat_xhat = block_sum(dxhat_dev, scratch) * rstd / cols;

        if (col < cols) {
            const float xhat = (x[row + col] - mean) * rstd;
            const float d = dy[row + col];
            dx[row + col] = rstd * (d * g - mean_dxhat - xhat * mean_dxhat_xhat);
            if (i < rows - 1) {
                dgamma_sum += d * xhat;
                dbeta_sum += d;
            }
        }
    }
    if (col < cols) {
        dgamma[col] = dgamma_sum;
        dbeta[col] = dbeta_sum;
    }
}
