// CONTROL KERNEL, must fail (missing_term): dx = y·dy, without the row sum Σ dy·y that softmax's Jacobian subtracts.
// Softmax backward, dx = y·(dy − Σ dy·y), one block of 256 threads per row: the row's Σ dy·y, then the outputs
// (the row is re-read from cache for rows of a few thousand elements).
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

extern "C" __global__ void __launch_bounds__(THREADS) softmax_backward(const float* __restrict__ y, const float* __restrict__ dy,
    float* __restrict__ dx, int rows, int cols)
{
    __shared__ float scratch[33];
    const long long row = (long long)blockIdx.x * cols;

    float partial = 0.0f;
    for (int j = threadIdx.x; j < cols; j += THREADS)
        partial += dy[row + j] * y[row + j];
    const float sum = block_sum(partial, scratch);

    for (int j = threadIdx.x; j < cols; j += THREADS)
        dx[row + j] = y[row + j] * dy[row + j];
}
